package node

import (
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	diagnostic_msgs_msg "webcam/msgs/diagnostic_msgs/msg"
	sensor_msgs_msg "webcam/msgs/sensor_msgs/msg"
)

var diagnosticArrayTypeSupport = diagnostic_msgs_msg.DiagnosticArrayTypeSupport

// typeSupport of each published topic, and of the graph types the web
// viewer subscribes to.
var typeSupport = map[string]types.MessageTypeSupport{
	TopicImage:          sensor_msgs_msg.ImageTypeSupport,
	TopicCompressed:     sensor_msgs_msg.CompressedImageTypeSupport,
	TopicInfo:           sensor_msgs_msg.CameraInfoTypeSupport,
	imageType:           sensor_msgs_msg.ImageTypeSupport,
	compressedImageType: sensor_msgs_msg.CompressedImageTypeSupport,
}
