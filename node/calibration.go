package node

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/tiiuae/rclgo/pkg/rclgo"
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	"webcam/calib"
	sensor_msgs_msg "webcam/msgs/sensor_msgs/msg"
	sensor_msgs_srv "webcam/msgs/sensor_msgs/srv"
	"webcam/paramserver"
)

// startCalibration loads the calibration camera_info_url names (an error is
// logged by calib and an uncalibrated CameraInfo published) and serves
// ~/set_camera_info as camera_info_manager does.
func (n *Node) startCalibration() error {
	m, err := calib.NewManager(str(n.params, pCameraName), calib.OSEnv(), n.log)
	if err != nil {
		return fmt.Errorf("parameter '%s': %w", pCameraName, err)
	}
	n.calib = m
	m.Load(str(n.params, pCameraInfoURL)) // logs the outcome; uncalibrated on failure
	name := n.ros.Name() + "/set_camera_info"
	_, err = paramserver.Serve(n.ros.Node, n.log, name, sensor_msgs_srv.SetCameraInfoTypeSupport, rclgo.NewDefaultServiceQosProfile(),
		func(r *sensor_msgs_srv.SetCameraInfo_Request) types.Message {
			return n.setCameraInfo(r.CameraInfo)
		})
	return err
}

// setCameraInfo serves set_camera_info: the calibration is published from
// the next frame and stored at camera_info_url; success=false says why it
// could not be stored (a package:// URL, an unwritable file).
func (n *Node) setCameraInfo(msg sensor_msgs_msg.CameraInfo) *sensor_msgs_srv.SetCameraInfo_Response {
	if err := n.calib.Save(fromCameraInfoMsg(msg)); err != nil {
		return &sensor_msgs_srv.SetCameraInfo_Response{Success: false, StatusMessage: err.Error()}
	}
	loc, _ := n.calib.Location()
	return &sensor_msgs_srv.SetCameraInfo_Response{Success: true, StatusMessage: "stored camera calibration in " + loc.Path}
}

// checkCameraInfoURL vets a new camera_info_url before it is accepted: it
// must resolve, and a file that exists must be a usable calibration. A
// file that does not exist yet is accepted, so set_camera_info can create
// it (camera_info_manager's first calibration).
func (n *Node) checkCameraInfoURL(url string) error {
	loc, err := n.calib.Resolve(url)
	if err != nil {
		return fmt.Errorf("parameter '%s': %w", pCameraInfoURL, err)
	}
	if _, _, err := calib.ReadFile(loc.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("parameter '%s': %w; the current calibration stays", pCameraInfoURL, err)
	}
	return nil
}

func fromCameraInfoMsg(m sensor_msgs_msg.CameraInfo) calib.CameraInfo {
	return calib.CameraInfo{
		Height: m.Height, Width: m.Width, DistortionModel: m.DistortionModel,
		D: m.D, K: m.K, R: m.R, P: m.P, BinningX: m.BinningX, BinningY: m.BinningY,
		ROI: calib.RegionOfInterest{XOffset: m.Roi.XOffset, YOffset: m.Roi.YOffset,
			Height: m.Roi.Height, Width: m.Roi.Width, DoRectify: m.Roi.DoRectify},
	}
}
