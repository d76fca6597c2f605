package capture

import (
	"testing"
	"time"

	"gocv.io/x/gocv"
	"golang.org/x/sys/unix"
)

// CPU cost per frame of serving an MJPEG camera's image_raw/compressed:
// passing the camera's JPEG through, against decoding and re-encoding it as
// usb_cam does. Run with: go test -run '^$' -bench . ./capture/
// The cpu-ms/frame metric counts all threads (OpenCV's included).

var benchSizes = []struct {
	name string
	w, h int
}{{"720p", 1280, 720}, {"1080p", 1920, 1080}}

func cpuTime() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measureCPU runs fn b.N times and reports CPU milliseconds per call.
func measureCPU(b *testing.B, fn func()) {
	b.ReportAllocs()
	start := cpuTime()
	b.ResetTimer()
	for range b.N {
		fn()
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/frame")
}

// cameraJPEG is a camera-like image as an MJPEG camera would send it.
func cameraJPEG(b *testing.B, w, h int) []byte {
	m := cameraLikeImage(b, w, h, 3)
	defer m.Close()
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, 90})
	if err != nil {
		b.Fatal(err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...)
}

// The node's side: one new frame per iteration, as from the camera.
func BenchmarkCompressedFromMJPEG(b *testing.B) {
	for _, s := range benchSizes {
		jpg := cameraJPEG(b, s.w, s.h)
		newFrame := func() *Frame { return &Frame{Width: s.w, Height: s.h, Format: JPEG, Data: jpg} }
		b.Run("passthrough/"+s.name, func(b *testing.B) {
			measureCPU(b, func() {
				if out, err := newFrame().JPEG(EncodeOptions{}); err != nil || len(out) != len(jpg) {
					b.Fatal(err)
				}
			})
		})
		// Decoding and encoding again, as usb_cam does: decode to rgb8 for
		// image_raw, encode that for compressed (converting back to BGR).
		b.Run("decode+encode/"+s.name, func(b *testing.B) {
			measureCPU(b, func() {
				f := newFrame()
				px, step, err := f.Pixels(RGB8)
				if err != nil {
					b.Fatal(err)
				}
				raw := &Frame{Width: s.w, Height: s.h, Format: RGB8, Step: step, Data: px}
				if _, err := raw.JPEG(EncodeOptions{Quality: 80}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// The source's side too: an MJPEG file read as packets (passthrough) or
// decoded by FFmpeg and encoded again.
func BenchmarkMJPEGFileSource(b *testing.B) {
	for _, s := range benchSizes {
		path := writeMJPEG(b, b.TempDir(), 30, s.w, s.h, 30)
		for _, decode := range []bool{false, true} {
			name := "packets/" + s.name
			if decode {
				name = "decoded+encode/" + s.name
			}
			b.Run(name, func(b *testing.B) {
				src := openBenchFile(b, path, decode)
				defer src.Close()
				measureCPU(b, func() {
					f, err := src.Read()
					if err != nil {
						b.Fatal(err)
					}
					q := 0
					if decode {
						q = 80
					}
					if _, err := f.JPEG(EncodeOptions{Quality: q}); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
}

func openBenchFile(b *testing.B, path string, decode bool) Source {
	src, err := Open("file://"+path, Request{FPS: 1000})
	if err != nil {
		b.Fatal(err)
	}
	fs := src.(*fileSource)
	if decode {
		fs.handle().close()
		if err := fs.open(false); err != nil {
			b.Fatal(err)
		}
	}
	if want := map[bool]PixelFormat{false: JPEG, true: BGR8}[decode]; fs.first.Format != want {
		b.Fatalf("file frames are %s, want %s", fs.first.Format, want)
	}
	return src
}
