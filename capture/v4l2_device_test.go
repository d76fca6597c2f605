//go:build linux && v4l2device

package capture

// Checks against a real V4L2 device, which CI does not have: built with
// -tags v4l2device and run by scripts/vm-v4l2-check.sh inside a VM with the
// vivid driver (and v4l2loopback fed MJPEG, when available).
//   WEBCAM_V4L2_DEVICE  a vivid capture node, e.g. /dev/video0
//   WEBCAM_V4L2_MJPEG   optional: a node streaming MJPEG (v4l2loopback)

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func deviceUnderTest(t *testing.T, env string) string {
	path := os.Getenv(env)
	if path == "" {
		t.Fatalf("%s is not set", env)
	}
	return path
}

func TestV4L2DeviceListed(t *testing.T) {
	path := deviceUnderTest(t, "WEBCAM_V4L2_DEVICE")
	devs, err := ListDevices()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	FormatDeviceList(&b, devs)
	t.Logf("ListDevices:\n%s", b.String())
	for _, d := range devs {
		if d.Path == path {
			if !d.Capture || len(d.Formats) == 0 || len(d.Controls) == 0 {
				t.Fatalf("%s: %+v", path, d)
			}
			return
		}
	}
	t.Fatalf("%s not listed", path)
}

func TestV4L2DeviceFormats(t *testing.T) {
	path := deviceUnderTest(t, "WEBCAM_V4L2_DEVICE")
	tests := []struct {
		pixfmt string
		format PixelFormat
	}{
		{"yuyv", YUYV}, {"uyvy", UYVY}, {"mono8", Mono8}, {"rgb24", RGB8}, {"bgr24", BGR8}, {"", YUYV},
	}
	for _, tt := range tests {
		t.Run(tt.pixfmt, func(t *testing.T) {
			src := mustOpen(t, "v4l2://"+path, Request{Width: 640, Height: 480, FPS: 25, PixelFormat: tt.pixfmt})
			info := src.Info()
			t.Logf("info: %+v", info)
			if info.Format != tt.format || info.Width != 640 || info.Height != 480 || len(info.Notes) != 0 {
				t.Fatalf("info = %+v, want %s 640x480 and no notes", info, tt.format)
			}
			driverStamps := 0
			for _, f := range readFrames(t, src, 10) {
				if f.Format != tt.format || f.Width != 640 || f.Height != 480 {
					t.Fatalf("frame %s %dx%d", f.Format, f.Width, f.Height)
				}
				if _, _, err := f.Pixels(RGB8); err != nil {
					t.Fatal(err)
				}
				if age := f.GrabEnd.Sub(f.Stamp); age < 0 || age > time.Second {
					t.Fatalf("stamp %s before the read ended, want 0..1s", age)
				}
				if !f.Stamp.Equal(f.GrabEnd) {
					driverStamps++
				}
			}
			t.Logf("%d of 10 frames stamped from the driver's clock before hand-over", driverStamps)
		})
	}
}

// Logs how the driver's buffer stamps relate to the hand-over, for judging
// the clock conversion on a new driver.
func TestV4L2DeviceStampAges(t *testing.T) {
	path := deviceUnderTest(t, "WEBCAM_V4L2_DEVICE")
	src := mustOpen(t, "v4l2://"+path, Request{Width: 640, Height: 480, PixelFormat: "yuyv"})
	h := src.(*v4l2Source).h
	for i := 0; i < 10; i++ {
		r, ok, err := h.read(time.Second)
		if err != nil || !ok {
			t.Fatalf("read: %v %v", ok, err)
		}
		var ts unix.Timespec
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
			t.Fatal(err)
		}
		monoEnd := float64(ts.Nano()-int64(time.Since(r.end))) / 1e6
		t.Logf("buffer stamp %.3f ms, %.1f ms before hand-over", r.posMsec, monoEnd-r.posMsec)
	}
}

func TestV4L2DeviceRefusesWhatItLacks(t *testing.T) {
	path := deviceUnderTest(t, "WEBCAM_V4L2_DEVICE")
	tests := []struct {
		name     string
		req      Request
		mentions string
	}{
		{"size", Request{Width: 1234, Height: 566, PixelFormat: "yuyv"}, "640x480"},
		{"rate", Request{Width: 640, Height: 480, FPS: 7, PixelFormat: "yuyv"}, "rates:"},
	}
	if !strings.Contains(os.Getenv("WEBCAM_V4L2_MJPEG"), "/dev/") {
		tests = append(tests, struct {
			name     string
			req      Request
			mentions string
		}{"format", Request{PixelFormat: "mjpeg"}, "yuyv (YUYV)"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open("v4l2://"+path, tt.req)
			t.Log(err)
			wantErrKind(t, err, true, tt.mentions)
		})
	}
	_, err := Open("v4l2:///dev/video99", Request{})
	wantErrKind(t, err, false, "/dev/video99")
}

func TestV4L2DeviceControls(t *testing.T) {
	path := deviceUnderTest(t, "WEBCAM_V4L2_DEVICE")
	src := mustOpen(t, "v4l2://"+path, Request{})
	c, ok := src.(Controller)
	if !ok {
		t.Fatal("the v4l2 source has no controls")
	}
	t.Logf("controls: %v", c.Controls())
	if got, err := c.SetControl("brightness", 100); err != nil || got != 100 {
		t.Fatalf("brightness 100: granted %g, %v", got, err)
	}
	if _, err := c.SetControl("brightness", 300); err == nil || !strings.Contains(err.Error(), "0..255") {
		t.Fatalf("brightness 300: %v, want an error naming the range", err)
	}
	if _, err := c.SetControl("focus", 10); !errors.Is(err, ErrNoControl) {
		t.Fatalf("focus: %v, want ErrNoControl", err)
	}
	readFrames(t, src, 2) // controls between frames leave the stream working
}

func TestV4L2DeviceCloseUnblocks(t *testing.T) {
	path := deviceUnderTest(t, "WEBCAM_V4L2_DEVICE")
	src := mustOpen(t, "v4l2://"+path, Request{Width: 640, Height: 480, FPS: 5, PixelFormat: "yuyv"})
	readFrames(t, src, 1)
	done := make(chan error, 1)
	go func() {
		var err error
		for err == nil {
			_, err = src.Read()
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	src.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Read after Close: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Read still blocked a second after Close")
	}
	// Released: the device opens again at once.
	again := mustOpen(t, "v4l2://"+path, Request{Width: 640, Height: 480, PixelFormat: "yuyv"})
	readFrames(t, again, 1)
}

func TestV4L2DeviceMJPEGPassthrough(t *testing.T) {
	path := os.Getenv("WEBCAM_V4L2_MJPEG")
	if path == "" {
		t.Skip("WEBCAM_V4L2_MJPEG not set: no MJPEG device in this VM")
	}
	src := mustOpen(t, "v4l2://"+path, Request{PixelFormat: "mjpeg"})
	t.Logf("info: %+v", src.Info())
	for _, f := range readFrames(t, src, 10) {
		if f.Format != JPEG {
			t.Fatalf("frame format %s, want jpeg", f.Format)
		}
		if w, h := decodedSize(t, f.Data); w != f.Width || h != f.Height {
			t.Fatalf("JPEG decodes to %dx%d, frame says %dx%d", w, h, f.Width, f.Height)
		}
	}
}
