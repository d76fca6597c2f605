package calib

import "webcam/cdr"

// sizedMessage is the CameraInfo message for frames of one size.
type sizedMessage struct {
	width, height uint32
	msg           cdr.CameraInfo
}

// MessageFor is InfoFor as the sensor_msgs/CameraInfo message (its header
// left for the publisher to set), made once per calibration and frame size:
// per frame it costs a struct copy. Its slices are shared: read them only.
func (m *Manager) MessageFor(width, height uint32) cdr.CameraInfo {
	st := m.cur.Load()
	if c := st.message.Load(); c != nil && c.width == width && c.height == height {
		return c.msg
	}
	c := &sizedMessage{width: width, height: height, msg: m.InfoFor(width, height).Message()}
	st.message.Store(c)
	return c.msg
}

// Message is c as the CameraInfo message, with an empty header.
func (c CameraInfo) Message() cdr.CameraInfo {
	return cdr.CameraInfo{
		Height: c.Height, Width: c.Width, DistortionModel: c.DistortionModel,
		D: c.D, K: c.K, R: c.R, P: c.P, BinningX: c.BinningX, BinningY: c.BinningY,
		ROI: cdr.RegionOfInterest(c.ROI),
	}
}
