package capture

import (
	"strings"
	"testing"
)

func TestLookupCameraFormat(t *testing.T) {
	tests := []struct {
		name    string
		fourcc  string
		frames  PixelFormat
		publish PixelFormat
	}{
		{"mjpeg", "MJPG", JPEG, RGB8},
		{"MJPEG", "MJPG", JPEG, RGB8},
		{" yuyv ", "YUYV", YUYV, YUYV},
		{"uyvy", "UYVY", UYVY, UYVY},
		{"mono8", "GREY", Mono8, Mono8},
		{"rgb24", "RGB3", RGB8, RGB8},
		{"bgr24", "BGR3", BGR8, BGR8},
		{"mjpeg2rgb", "MJPG", JPEG, RGB8},
		{"raw_mjpeg", "MJPG", JPEG, JPEG},
		{"yuyv2rgb", "YUYV", YUYV, RGB8},
		{"uyvy2rgb", "UYVY", UYVY, RGB8},
		{"rgb8", "RGB3", RGB8, RGB8},
		{"bgr8", "BGR3", BGR8, BGR8},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := LookupCameraFormat(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if f.FourCC != tt.fourcc || f.Frames != tt.frames || f.Publish != tt.publish {
				t.Errorf("got %+v, want fourcc %s frames %s publish %s", f, tt.fourcc, tt.frames, tt.publish)
			}
		})
	}
}

func TestLookupCameraFormatRejects(t *testing.T) {
	tests := []struct{ name, mention string }{
		{"m4202rgb", "M420"},
		{"mono16", "Y16"},
		{"y102mono8", "Y10"},
		{"h264", "H.264"},
		{"bayer", "not one of"},
		{"yuv", "not one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LookupCameraFormat(tt.name)
			if !IsConfigError(err) {
				t.Fatalf("want a ConfigError, got %v", err)
			}
			msg := err.Error()
			for _, want := range []string{tt.name, tt.mention, "mjpeg", "yuyv2rgb"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestCameraFormatTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range cameraFormats {
		if seen[f.Name] {
			t.Errorf("%s listed twice", f.Name)
		}
		seen[f.Name] = true
		if _, err := fourccCode(f.FourCC); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		if _, bad := unsupportedCameraFormats[f.Name]; bad {
			t.Errorf("%s is both supported and unsupported", f.Name)
		}
		if f.Frames != JPEG && !CanConvert(f.Frames, f.Publish) {
			t.Errorf("%s: cannot convert %s to %s for publishing", f.Name, f.Frames, f.Publish)
		}
	}
	if got := len(CameraFormatNames()); got != len(cameraFormats) {
		t.Errorf("CameraFormatNames has %d names, table has %d", got, len(cameraFormats))
	}
}

func TestFourCC(t *testing.T) {
	tests := []struct {
		s    string
		code uint32
	}{
		{"MJPG", 0x47504a4d},
		{"YUYV", 0x56595559},
		{"GREY", 0x59455247},
		{"Y10", 0x20303159},
	}
	for _, tt := range tests {
		got, err := fourccCode(tt.s)
		if err != nil || got != tt.code {
			t.Errorf("fourccCode(%q) = %#x, %v; want %#x", tt.s, got, err, tt.code)
		}
		if back := fourccString(tt.code); back != tt.s {
			t.Errorf("fourccString(%#x) = %q, want %q", tt.code, back, tt.s)
		}
	}
	if _, err := fourccCode("TOOLONG"); err == nil {
		t.Error("fourccCode accepted 7 characters")
	}
	if got := fourccString(0); got != "????" {
		t.Errorf("fourccString(0) = %q, want ????", got)
	}
}
