package calib

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Distortion models named by sensor_msgs/distortion_models.hpp.
const (
	PlumbBob           = "plumb_bob"           // k1 k2 t1 t2 k3
	RationalPolynomial = "rational_polynomial" // k1 k2 t1 t2 k3 k4 k5 k6
	Equidistant        = "equidistant"         // fisheye k1 k2 k3 k4
)

// usualCoefficients is how many distortion coefficients each known model
// carries when OpenCV or ROS's camera_calibration computed it. A file with
// another count is loaded with a warning (OpenCV accepts some others);
// set_camera_info refuses it (CheckUsable).
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

// MaxSide is the largest image width or height a calibration may state,
// well above any camera's (16K video is 15360 wide): a larger one is a
// corrupted or mistyped message.
const MaxSide = 16384

// CheckUsable checks what Save requires beyond Validate, by the conventions
// of ROS's camera_calibration and image_geometry, so set_camera_info cannot
// replace a good calibration with one the image pipeline cannot use:
//   - width and height in 1..MaxSide;
//   - K a camera matrix: not all zero (that is "uncalibrated"), fx = K[0] and
//     fy = K[4] > 0, K[8] = 1;
//   - a distortion_model named, and D the length its model has:
//     plumb_bob 5, rational_polynomial 8 (or OpenCV's 12 or 14), equidistant 4.
//     An empty D is refused for these too (no distortion is D all zero, as
//     camera_calibration writes it). A model unknown here (a custom one, which
//     the message allows) is accepted with any D: image_geometry will not
//     rectify with it, but the user may have a pipeline that does.
func (info CameraInfo) CheckUsable() error {
	if err := info.Validate(); err != nil {
		return err
	}
	if info.Width == 0 || info.Height == 0 {
		return fmt.Errorf("image size %dx%d: width and height must be > 0", info.Width, info.Height)
	}
	if info.Width > MaxSide || info.Height > MaxSide {
		return fmt.Errorf("image size %dx%d: width and height must be at most %d", info.Width, info.Height, MaxSide)
	}
	if info.K == [9]float64{} {
		return errors.New("camera matrix K is all zero, which means uncalibrated; to publish uncalibrated camera_info, remove the calibration file instead")
	}
	if info.K[0] <= 0 || info.K[4] <= 0 {
		return fmt.Errorf("camera matrix K[0] is %v and K[4] is %v: the focal lengths fx and fy must be > 0", info.K[0], info.K[4])
	}
	if info.K[8] != 1 {
		return fmt.Errorf("camera matrix K[8] is %v: its last element must be 1", info.K[8])
	}
	if info.DistortionModel == "" {
		return fmt.Errorf("distortion_model is empty: name the model of D (%s with 5 coefficients, %s with 8, %s with 4)",
			PlumbBob, RationalPolynomial, Equidistant)
	}
	want, known := usualCoefficients[info.DistortionModel]
	if known && !slices.Contains(want, len(info.D)) {
		msg := fmt.Sprintf("distortion_model %s has %s distortion coefficients, D has %d", info.DistortionModel, countList(want), len(info.D))
		if len(info.D) == 0 {
			msg += fmt.Sprintf(" (no distortion is D = [%s])", strings.TrimSuffix(strings.Repeat("0, ", want[0]), ", "))
		}
		return errors.New(msg)
	}
	return nil
}

// countList writes counts as "5", "4 or 5" or "8, 12 or 14".
func countList(counts []int) string {
	s := fmt.Sprint(counts[0])
	for i, n := range counts[1:] {
		sep := ", "
		if i == len(counts)-2 {
			sep = " or "
		}
		s += sep + fmt.Sprint(n)
	}
	return s
}

// coefficientNote returns a warning when D does not have the count its
// distortion model normally has, or "" when it does (or the model is unknown
// to us, or D is empty as in an uncalibrated camera).
func coefficientNote(model string, d []float64) string {
	want, known := usualCoefficients[model]
	if !known || len(d) == 0 || slices.Contains(want, len(d)) {
		return ""
	}
	return fmt.Sprintf("distortion_model %s usually has %s distortion coefficients, this calibration has %d", model, countList(want), len(d))
}
