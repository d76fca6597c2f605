package node

import (
	"testing"

	"webcam/capture"
	"webcam/rosparam"
)

func TestParamSpecsAreValid(t *testing.T) {
	tab := mustTable()
	for _, name := range []string{pSource, pVideoDevice, pWidth, pHeight, pFramerate, pPixelFormat, pOutputEncoding,
		pCameraName, pCameraInfoURL, pFrameID, pJPEGQuality, pHTTPPort, pHTTPAddress} {
		if _, ok := tab.Get(name); !ok {
			t.Errorf("parameter %q is not declared", name)
		}
	}
	for _, s := range ParamSpecs() {
		if s.Description == "" {
			t.Errorf("parameter %q has no description", s.Name)
		}
	}
}

// usb_cam's meaning of pixel_format when output_encoding is auto, for every
// spelling the node accepts; an explicit output_encoding wins.
func TestRawEncodingFollowsPixelFormat(t *testing.T) {
	tests := []struct {
		pixelFormat, outputEncoding string
		want                        capture.PixelFormat
		advertised                  bool
	}{
		{"", EncodingAuto, capture.RGB8, true},
		{"yuyv", EncodingAuto, capture.YUYV, true},
		{"uyvy", EncodingAuto, capture.UYVY, true},
		{"yuyv2rgb", EncodingAuto, capture.RGB8, true},
		{"uyvy2rgb", EncodingAuto, capture.RGB8, true},
		{"mjpeg2rgb", EncodingAuto, capture.RGB8, true},
		{"mjpeg", EncodingAuto, capture.RGB8, true},
		{"jpeg", EncodingAuto, capture.RGB8, true},
		{"raw_mjpeg", EncodingAuto, capture.RGB8, false},
		{"mono8", EncodingAuto, capture.Mono8, true},
		{"grey", EncodingAuto, capture.Mono8, true},
		{"rgb24", EncodingAuto, capture.RGB8, true},
		{"rgb8", EncodingAuto, capture.RGB8, true},
		{"bgr24", EncodingAuto, capture.BGR8, true},
		{"bgr8", EncodingAuto, capture.BGR8, true},
		{"yuyv", "rgb8", capture.RGB8, true},
		{"raw_mjpeg", "mono8", capture.Mono8, true},
		{"", "yuv422", capture.UYVY, true},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.pixelFormat] = true
		tab := mustTable()
		if _, err := tab.Load(map[string]rosparam.Value{pPixelFormat: rosparam.String(tc.pixelFormat),
			pOutputEncoding: rosparam.String(tc.outputEncoding)}); err != nil {
			t.Fatal(err)
		}
		enc, adv := rawEncoding(tab)
		if enc != tc.want || adv != tc.advertised {
			t.Errorf("pixel_format %q, output_encoding %s: image_raw %s (advertised %v), want %s (%v)",
				tc.pixelFormat, tc.outputEncoding, enc, adv, tc.want, tc.advertised)
		}
	}
	for _, name := range PixelFormats {
		if !seen[name] {
			t.Errorf("pixel_format %q has no row in this table", name)
		}
	}
}
