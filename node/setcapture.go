package node

import (
	"github.com/tiiuae/rclgo/pkg/rclgo"
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	std_srvs_srv "webcam/msgs/std_srvs/srv"
	"webcam/paramserver"
)

// ServiceSetCapture is usb_cam's service that stops and starts capture, by
// its relative name (so it is /<namespace>/set_capture, as usb_cam's).
const ServiceSetCapture = "set_capture"

// startSetCapture serves std_srvs/SetBool on set_capture: false closes the
// source (the device is released for other programs) and nothing is
// published until true opens it again. The answers are usb_cam's.
func (n *Node) startSetCapture() error {
	_, err := paramserver.Serve(n.ros.Node, n.log, ServiceSetCapture, std_srvs_srv.SetBoolTypeSupport, rclgo.NewDefaultServiceQosProfile(),
		func(r *std_srvs_srv.SetBool_Request) types.Message {
			n.source.SetCapture(r.Data)
			msg := "Stop Capturing"
			if r.Data {
				msg = "Start Capturing"
			}
			n.log.Info(msg + " (" + ServiceSetCapture + ")")
			return &std_srvs_srv.SetBool_Response{Success: true, Message: msg}
		})
	return err
}
