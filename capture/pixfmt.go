package capture

import (
	"fmt"
	"sort"
	"strings"
)

// CameraFormat is one accepted spelling of the pixel_format parameter: which
// V4L2 format to ask the camera for, what Read then returns, and what usb_cam
// publishes on image_raw for that spelling (JPEG: compressed only), which
// is the node's image_raw encoding when output_encoding is auto.
type CameraFormat struct {
	Name    string      // as the user writes it, e.g. "yuyv2rgb"
	FourCC  string      // V4L2 pixel format asked of the camera, e.g. "YUYV"
	Frames  PixelFormat // Frame.Format the source delivers
	Publish PixelFormat // usb_cam's image_raw encoding; JPEG: publish compressed only
}

// cameraFormats is the one table of pixel_format names: ours first, then
// usb_cam's spellings.
var cameraFormats = []CameraFormat{
	{"mjpeg", "MJPG", JPEG, RGB8},
	{"yuyv", "YUYV", YUYV, YUYV},
	{"uyvy", "UYVY", UYVY, UYVY},
	{"mono8", "GREY", Mono8, Mono8},
	{"rgb24", "RGB3", RGB8, RGB8},
	{"bgr24", "BGR3", BGR8, BGR8},
	// usb_cam's names
	{"mjpeg2rgb", "MJPG", JPEG, RGB8},
	{"raw_mjpeg", "MJPG", JPEG, JPEG},
	{"yuyv2rgb", "YUYV", YUYV, RGB8},
	{"uyvy2rgb", "UYVY", UYVY, RGB8},
	{"rgb8", "RGB3", RGB8, RGB8},
	{"bgr8", "BGR3", BGR8, BGR8},
	{"grey", "GREY", Mono8, Mono8},
	{"jpeg", "MJPG", JPEG, RGB8},
}

// unsupportedCameraFormats are usb_cam spellings OpenCV's V4L2 backend cannot
// hand over without loss or at all, with the reason.
var unsupportedCameraFormats = map[string]string{
	"m4202rgb":  "M420 is not a format OpenCV's V4L2 backend can read",
	"mono16":    "OpenCV's V4L2 backend reduces Y16 to 8 bits; use mono8",
	"y102mono8": "OpenCV's V4L2 backend cannot hand over Y10 unconverted; use mono8",
	"nv12":      "OpenCV 4.6 converts NV12 with swapped colours; use yuyv or mjpeg",
	"h264":      "H.264 camera streams are not supported; use mjpeg",
}

// LookupCameraFormat resolves a pixel_format value. The empty string gives
// the zero CameraFormat: let the source choose (MJPEG when the camera offers
// it, else YUYV).
func LookupCameraFormat(name string) (CameraFormat, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" {
		return CameraFormat{}, nil
	}
	for _, f := range cameraFormats {
		if f.Name == key {
			return f, nil
		}
	}
	if why, ok := unsupportedCameraFormats[key]; ok {
		return CameraFormat{}, Configf("pixel_format %q is not supported: %s (supported: %s)", name, why, strings.Join(CameraFormatNames(), ", "))
	}
	return CameraFormat{}, Configf("pixel_format %q is not one of: %s", name, strings.Join(CameraFormatNames(), ", "))
}

// CameraFormatNames lists every accepted pixel_format value, sorted.
func CameraFormatNames() []string {
	out := make([]string, len(cameraFormats))
	for i, f := range cameraFormats {
		out[i] = f.Name
	}
	sort.Strings(out)
	return out
}

// cameraFormatForFourCC is the canonical name for a V4L2 format, "" if we
// have none.
func cameraFormatForFourCC(fourcc string) (CameraFormat, bool) {
	if fourcc == "JPEG" { // some cameras say JPEG for what is MJPEG
		fourcc = "MJPG"
	}
	for _, f := range cameraFormats {
		if f.FourCC == fourcc {
			return f, true
		}
	}
	return CameraFormat{}, false
}

// fourccString renders a V4L2/OpenCV FOURCC code, e.g. 0x47504a4d → "MJPG".
func fourccString(code uint32) string {
	b := []byte{byte(code), byte(code >> 8), byte(code >> 16), byte(code >> 24)}
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return strings.TrimRight(string(b), " ")
}

// fourccCode is the inverse of fourccString for four printable characters.
func fourccCode(s string) (uint32, error) {
	if len(s) == 3 {
		s += " " // e.g. "Y10 "
	}
	if len(s) != 4 {
		return 0, fmt.Errorf("FOURCC %q is not 4 characters", s)
	}
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24, nil
}
