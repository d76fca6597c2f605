package capture

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// sampleDevices is what ListDevices gives for a typical UVC webcam: its
// stream node, its metadata node, and a node the user may not open.
func sampleDevices() []DeviceInfo {
	rates := []float64{30, 24, 20, 15, 10, 7.5, 5}
	return []DeviceInfo{
		{
			Path: "/dev/video0", Card: "HD Pro Webcam C920", Driver: "uvcvideo", Bus: "usb-0000:00:14.0-2",
			Links:   []string{"/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_8B5B-video-index0"},
			Capture: true, Kind: "video capture",
			Formats: []FormatInfo{
				{FourCC: "YUYV", Description: "YUYV 4:2:2", Name: "yuyv", Sizes: []FrameSize{
					{Width: 640, Height: 480, FPS: rates},
					{Width: 1920, Height: 1080, FPS: []float64{5}},
				}},
				{FourCC: "MJPG", Description: "Motion-JPEG", Name: "mjpeg", Compressed: true, Sizes: []FrameSize{
					{Width: 640, Height: 480, FPS: rates},
					{Width: 1280, Height: 720, FPS: rates},
					{Width: 1920, Height: 1080, FPS: []float64{30, 29.97, 15}},
				}},
				{FourCC: "H264", Description: "H.264", Compressed: true, Sizes: []FrameSize{{Width: 1920, Height: 1080, FPS: []float64{30}}}},
			},
			Controls: []ControlInfo{
				{ID: 0x980900, Name: "Brightness", Min: 0, Max: 255, Step: 1, Default: 128},
				{ID: 0x9a0901, Name: "Exposure, Auto", Min: 0, Max: 3, Step: 1, Default: 3, Type: ControlMenu},
				{ID: 0x9a0902, Name: "Exposure (Absolute)", Min: 3, Max: 2047, Step: 1, Default: 250, Inactive: true},
				{ID: 0x980918, Name: "Power Line Frequency", Min: 0, Max: 2, Default: 2, Type: ControlMenu},
			},
		},
		{Path: "/dev/video1", Card: "HD Pro Webcam C920", Driver: "uvcvideo", Bus: "usb-0000:00:14.0-2", Kind: "metadata"},
		{Path: "/dev/video2", Kind: "non-capture", Err: "/dev/video2: permission denied (add the user to the \"video\" group or fix the udev rule)"},
		{
			Path: "/dev/video3", Card: "vivid", Driver: "vivid", Capture: true, Kind: "video capture",
			Formats: []FormatInfo{{FourCC: "RGB3", Description: "24-bit RGB 8-8-8", Name: "rgb24",
				SizeRange: &SizeRange{MinWidth: 16, MaxWidth: 1920, StepWidth: 2, MinHeight: 16, MaxHeight: 1080, StepHeight: 2,
					FPS: []float64{60, 1}, FPSIsRange: true}}},
		},
	}
}

func TestFormatDeviceList(t *testing.T) {
	var b strings.Builder
	if err := FormatDeviceList(&b, sampleDevices()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "devicelist.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("FormatDeviceList output differs from %s (run with -update to accept):\n%s", golden, b.String())
	}
	b.Reset()
	if err := FormatDeviceList(&b, nil); err != nil || !strings.Contains(b.String(), "no V4L2 devices") {
		t.Errorf("empty list: %q, %v", b.String(), err)
	}
}

func TestCheckMode(t *testing.T) {
	devs := sampleDevices()
	cam, vivid := &devs[0], &devs[3]
	tests := []struct {
		name     string
		dev      *DeviceInfo
		fourcc   string
		w, h     int
		fps      float64
		mentions []string // empty: accepted
	}{
		{"offered", cam, "MJPG", 1280, 720, 30, nil},
		{"any size", cam, "YUYV", 0, 0, 0, nil},
		{"29.97 written as 30", cam, "MJPG", 1920, 1080, 29.97, nil},
		{"any rate", cam, "YUYV", 1920, 1080, 0, nil},
		{"format not offered", cam, "UYVY", 640, 480, 30, []string{"UYVY", "mjpeg (MJPG)", "yuyv (YUYV)", "and 1 formats not supported here"}},
		{"size not offered", cam, "YUYV", 1280, 720, 30, []string{"1280x720", "yuyv (YUYV)", "640x480, 1920x1080"}},
		{"rate not offered", cam, "YUYV", 1920, 1080, 30, []string{"30 fps", "1920x1080", "rates: 5"}},
		{"stepwise in range", vivid, "RGB3", 800, 600, 25, nil},
		{"stepwise off step", vivid, "RGB3", 801, 600, 25, []string{"801x600", "16..1920 (step 2)"}},
		{"stepwise rate out of range", vivid, "RGB3", 800, 600, 120, []string{"120 fps", "1..60"}},
		{"nothing enumerated", &DeviceInfo{Path: "/dev/video9"}, "MJPG", 1234, 566, 7, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.dev.checkMode(tt.fourcc, tt.w, tt.h, tt.fps)
			if len(tt.mentions) == 0 {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			for _, m := range append(tt.mentions, tt.dev.Path) {
				wantErrKind(t, err, true, m)
			}
		})
	}
}

func TestDefaultFourCC(t *testing.T) {
	devs := sampleDevices()
	yuyvOnly := DeviceInfo{Formats: devs[0].Formats[:1]}
	tests := []struct {
		name string
		dev  DeviceInfo
		w, h int
		want string
	}{
		{"MJPEG preferred", devs[0], 1280, 720, "MJPG"},
		{"any size", devs[0], 0, 0, "MJPG"},
		{"MJPEG lacks the size", DeviceInfo{Formats: []FormatInfo{
			{FourCC: "MJPG", Sizes: []FrameSize{{Width: 640, Height: 480}}}, devs[0].Formats[0]}}, 1920, 1080, "YUYV"},
		{"YUYV only", yuyvOnly, 640, 480, "YUYV"},
		{"neither", devs[3], 640, 480, ""},
	}
	for _, tt := range tests {
		if got := tt.dev.defaultFourCC(tt.w, tt.h); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
