package calib

import (
	"fmt"
	"math"
	"slices"
)

// Distortion models named by sensor_msgs/distortion_models.hpp.
const (
	PlumbBob           = "plumb_bob"           // k1 k2 t1 t2 k3
	RationalPolynomial = "rational_polynomial" // k1 k2 t1 t2 k3 k4 k5 k6
	Equidistant        = "equidistant"         // fisheye k1 k2 k3 k4
)

// usualCoefficients is how many distortion coefficients each known model
// carries when OpenCV or ROS's camera_calibration computed it; other counts
// are legal to OpenCV but usually a mistake worth a warning.
var usualCoefficients = map[string][]int{
	PlumbBob:           {5},
	RationalPolynomial: {8, 12, 14}, // 12 and 14 add thin-prism and tilt terms
	Equidistant:        {4},
}

// CameraInfo holds what sensor_msgs/CameraInfo carries, minus the header,
// plus the camera name a calibration file records.
//
// K, R and P are row-major 3×3, 3×3 and 3×4 matrices. An all-zero K means
// "uncalibrated" to the ROS image pipeline (K[0] == 0 is the test).
type CameraInfo struct {
	Width, Height   uint32
	CameraName      string // camera_name in the file; not part of the ROS message
	DistortionModel string
	D               []float64
	K               [9]float64
	R               [9]float64
	P               [12]float64
	BinningX        uint32
	BinningY        uint32
	ROI             RegionOfInterest
}

// RegionOfInterest mirrors sensor_msgs/RegionOfInterest. All zero means the
// full image.
type RegionOfInterest struct {
	XOffset, YOffset uint32
	Height, Width    uint32
	DoRectify        bool
}

// Uncalibrated is what a camera publishes without a calibration: the frame
// size and nothing else. camera_info_manager hands out a default-constructed
// CameraInfo (zero K, R, P, empty D and distortion_model), and drivers such as
// usb_cam fill in only width and height; this is that message.
func Uncalibrated(width, height uint32) CameraInfo {
	return CameraInfo{Width: width, Height: height}
}

// IsCalibrated reports whether info carries intrinsics, by the same test as
// camera_info_manager's isCalibrated (K[0] != 0).
func (info CameraInfo) IsCalibrated() bool { return info.K[0] != 0 }

// Clone returns a copy that shares no memory with info, so one can be handed
// to a concurrent reader while the other changes.
func (info CameraInfo) Clone() CameraInfo {
	info.D = slices.Clone(info.D)
	return info
}

// Equal reports whether a and b hold the same values (nil and empty D are
// the same: both are an empty sequence in the message).
func (info CameraInfo) Equal(other CameraInfo) bool {
	return info.Width == other.Width && info.Height == other.Height &&
		info.CameraName == other.CameraName && info.DistortionModel == other.DistortionModel &&
		slices.Equal(info.D, other.D) && info.K == other.K && info.R == other.R && info.P == other.P &&
		info.BinningX == other.BinningX && info.BinningY == other.BinningY && info.ROI == other.ROI
}

// Validate checks what a calibration file could not represent or the image
// pipeline could not use: every number must be finite.
func (info CameraInfo) Validate() error {
	check := func(field string, values []float64) error {
		for i, v := range values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s[%d] is %v; calibration values must be finite numbers", field, i, v)
			}
		}
		return nil
	}
	if err := check("D", info.D); err != nil {
		return err
	}
	if err := check("K", info.K[:]); err != nil {
		return err
	}
	if err := check("R", info.R[:]); err != nil {
		return err
	}
	return check("P", info.P[:])
}

// coefficientNote returns a warning when D does not have the count its
// distortion model normally has, or "" when it does (or the model is unknown
// to us, or D is empty as in an uncalibrated camera).
func coefficientNote(model string, d []float64) string {
	want, known := usualCoefficients[model]
	if !known || len(d) == 0 || slices.Contains(want, len(d)) {
		return ""
	}
	counts := fmt.Sprint(want[0])
	for i, n := range want[1:] {
		sep := ", "
		if i == len(want)-2 {
			sep = " or "
		}
		counts += sep + fmt.Sprint(n)
	}
	return fmt.Sprintf("distortion_model %s usually has %s distortion coefficients, this calibration has %d", model, counts, len(d))
}
