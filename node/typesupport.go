package node

import (
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	sensor_msgs_msg "webcam/msgs/sensor_msgs/msg"
)

func imageTypeSupport() types.MessageTypeSupport { return sensor_msgs_msg.ImageTypeSupport }
func compressedTypeSupport() types.MessageTypeSupport {
	return sensor_msgs_msg.CompressedImageTypeSupport
}
func cameraInfoTypeSupport() types.MessageTypeSupport { return sensor_msgs_msg.CameraInfoTypeSupport }
