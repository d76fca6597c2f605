//go:build linux

package capture

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The request codes and sizes as linux/videodev2.h gives them (printed by a C
// program compiled against the kernel headers).
func TestV4L2ABI(t *testing.T) {
	tests := []struct {
		name string
		req  uintptr
		want uintptr
		size uintptr
		csz  uintptr
	}{
		{"VIDIOC_QUERYCAP", vidiocQueryCap, 0x80685600, unsafe.Sizeof(v4l2Capability{}), 104},
		{"VIDIOC_ENUM_FMT", vidiocEnumFmt, 0xc0405602, unsafe.Sizeof(v4l2FmtDesc{}), 64},
		{"VIDIOC_ENUM_FRAMESIZES", vidiocEnumFrameSizes, 0xc02c564a, unsafe.Sizeof(v4l2FrmSizeEnum{}), 44},
		{"VIDIOC_ENUM_FRAMEINTERVALS", vidiocEnumFrameIntervals, 0xc034564b, unsafe.Sizeof(v4l2FrmIvalEnum{}), 52},
		{"VIDIOC_QUERYCTRL", vidiocQueryCtrl, 0xc0445624, unsafe.Sizeof(v4l2QueryCtrl{}), 68},
		{"VIDIOC_QUERYMENU", vidiocQueryMenu, 0xc02c5625, unsafe.Sizeof(v4l2QueryMenu{}), 44},
		{"VIDIOC_G_CTRL", vidiocGCtrl, 0xc008561b, unsafe.Sizeof(v4l2Control{}), 8},
		{"VIDIOC_S_CTRL", vidiocSCtrl, 0xc008561c, unsafe.Sizeof(v4l2Control{}), 8},
	}
	for _, tt := range tests {
		if tt.req != tt.want || tt.size != tt.csz {
			t.Errorf("%s = %#x (struct %d bytes), want %#x (%d bytes)", tt.name, tt.req, tt.size, tt.want, tt.csz)
		}
	}
}

func TestV4L2Path(t *testing.T) {
	tests := []struct {
		uri, path string
	}{
		{"v4l2:///dev/video0", "/dev/video0"},
		{"v4l2://0", "/dev/video0"},
		{"v4l2://12", "/dev/video12"},
		{"v4l2:/dev/video2", "/dev/video2"},
		{"v4l2:///dev/v4l/by-id/usb-Cam-video-index0", "/dev/v4l/by-id/usb-Cam-video-index0"},
	}
	for _, tt := range tests {
		u, err := ParseURI(tt.uri)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := v4l2Path(u); err != nil || got != tt.path {
			t.Errorf("%s: %q, %v; want %q", tt.uri, got, err, tt.path)
		}
	}
}

func TestV4L2OpenErrors(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "video0")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		uri      string
		req      Request
		config   bool
		mentions string
	}{
		{"missing device", "v4l2://" + dir + "/video9", Request{}, false, dir + "/video9"},
		{"missing by number", "v4l2://97", Request{}, false, "/dev/video97"},
		{"regular file", "v4l2://" + regular, Request{}, true, "not a device node"},
		{"directory", "v4l2://" + dir, Request{}, true, "directory"},
		{"not a V4L2 device", "v4l2:///dev/null", Request{}, true, "not a V4L2 video device"},
		{"bad number", "v4l2://cam", Request{}, true, `"cam"`},
		{"relative", "v4l2:video0", Request{}, true, "v4l2:///dev/videoN"},
		{"host and path", "v4l2://0/dev/video0", Request{}, true, "three slashes"},
		{"query", "v4l2:///dev/video0?fps=30", Request{}, true, "no query options"},
		{"bad pixel format", "v4l2:///dev/null", Request{PixelFormat: "rgb565"}, true, "rgb565"},
		{"unsupported pixel format", "v4l2:///dev/null", Request{PixelFormat: "m4202rgb"}, true, "m4202rgb"},
		{"width alone", "v4l2:///dev/null", Request{Width: 640}, true, "together"},
		{"odd size", "v4l2:///dev/null", Request{Width: 641, Height: 480}, true, "641"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOpenRefused(t, tt.uri, tt.req, tt.config, tt.mentions)
		})
	}
}

func TestListDevicesHere(t *testing.T) {
	devs, err := ListDevices()
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob("/dev/video*")
	if len(devs) != len(paths) {
		t.Fatalf("ListDevices found %d devices, /dev has %d video nodes", len(devs), len(paths))
	}
}

func TestListDevicesReportsUnusableNodes(t *testing.T) {
	dir := t.TempDir()
	old := devDir
	devDir = dir
	t.Cleanup(func() { devDir = old })
	for _, name := range []string{"video10", "video2"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "v4l/by-id"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "v4l/by-id/usb-Cam-video-index0")
	if err := os.Symlink("../../video2", link); err != nil {
		t.Fatal(err)
	}
	devs, err := ListDevices()
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 || devs[0].Path != filepath.Join(dir, "video2") || devs[1].Path != filepath.Join(dir, "video10") {
		t.Fatalf("devices = %+v, want video2 then video10", devs)
	}
	if devs[0].Err == "" || devs[0].Capture {
		t.Errorf("a regular file was listed as usable: %+v", devs[0])
	}
	if len(devs[0].Links) != 1 || devs[0].Links[0] != link {
		t.Errorf("links = %q, want %q", devs[0].Links, link)
	}
}

func TestMonotonicToWall(t *testing.T) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	ref := time.Now() // the buffer's hand-over, with ts as its monotonic time
	refMs := float64(ts.Nano()) / 1e6
	time.Sleep(20 * time.Millisecond) // converting later must not matter
	tests := []struct {
		name string
		ms   float64
		ok   bool
		age  time.Duration // of the stamp before ref
	}{
		{"100ms before hand-over", refMs - 100, true, 100 * time.Millisecond},
		{"at hand-over", refMs, true, 0},
		{"slightly ahead: clamped", refMs + 30, true, 0},
		{"no stamp", 0, false, 0},
		{"well in the future", refMs + 1000, false, 0},
		{"ancient", refMs - 60000, false, 0},
	}
	for _, tt := range tests {
		got, ok := monotonicToWall(tt.ms, ref)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if d := ref.Sub(got) - tt.age; ok && (d < -time.Millisecond || d > time.Millisecond) {
			t.Errorf("%s: stamp %s before hand-over, want %s", tt.name, ref.Sub(got), tt.age)
		}
	}
}
