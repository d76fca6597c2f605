package jpeg

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Camera sizes of issue 13, at the quality the node streams with.
var benchSizes = []struct {
	name string
	w, h int
}{{"720p", 1280, 720}, {"1080p", 1920, 1080}}

const benchQuality = 80

func BenchmarkDecode(b *testing.B) {
	for _, sz := range benchSizes {
		// What an MJPEG camera sends: 4:2:0 (and 4:2:2, which some send).
		for _, s := range []Subsampling{Sub420, Sub422} {
			data := encodeCamera(b, sz.w, sz.h, s, benchQuality)
			for _, f := range []Format{RGB8, BGR8, Mono8} {
				if s == Sub422 && f != RGB8 {
					continue
				}
				name := fmt.Sprintf("%s/%s", sz.name, f)
				if s == Sub422 {
					name = fmt.Sprintf("%s/422/%s", sz.name, f)
				}
				b.Run(name, func(b *testing.B) {
					d := newDecoder(b)
					dst := make([]byte, FrameSize(sz.w, sz.h, f))
					b.SetBytes(int64(len(dst)))
					b.ReportAllocs()
					for b.Loop() {
						if _, _, _, err := d.DecodeInto(dst, data, f); err != nil {
							b.Fatal(err)
						}
					}
					reportMs(b)
				})
			}
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, sz := range benchSizes {
		rgb := cachedCameraRGB(sz.w, sz.h)
		for _, f := range []Format{RGB8, BGR8, Mono8, YUYV, UYVY} {
			img := Image{Pix: convert(rgb, sz.w, sz.h, f), Width: sz.w, Height: sz.h, Format: f}
			b.Run(fmt.Sprintf("%s/%s", sz.name, f), func(b *testing.B) {
				e := newEncoder(b)
				if _, err := e.Encode(img, benchQuality); err != nil { // sizes the kept buffers
					b.Fatal(err)
				}
				b.SetBytes(int64(len(img.Pix)))
				b.ReportAllocs()
				var n int
				for b.Loop() {
					out, err := e.Encode(img, benchQuality)
					if err != nil {
						b.Fatal(err)
					}
					n = len(out)
				}
				reportMs(b)
				b.ReportMetric(float64(n), "jpeg-bytes")
			})
		}
	}
}

func reportMs(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/op")
}

// TestWriteBenchFrames writes the benchmark frames for tjbench
// (bench/tjbench_ratio.sh): frame_WxH.ppm, the raw RGB frame BenchmarkEncode
// compresses, and frame_WxH.jpg, the JPEG BenchmarkDecode decodes.
func TestWriteBenchFrames(t *testing.T) {
	dir := os.Getenv("JPEG_BENCH_DIR")
	if dir == "" {
		t.Skip("set JPEG_BENCH_DIR to write the benchmark frames")
	}
	for _, sz := range benchSizes {
		base := filepath.Join(dir, fmt.Sprintf("frame_%dx%d", sz.w, sz.h))
		var ppm bytes.Buffer
		fmt.Fprintf(&ppm, "P6\n%d %d\n255\n", sz.w, sz.h)
		ppm.Write(cachedCameraRGB(sz.w, sz.h))
		if err := os.WriteFile(base+".ppm", ppm.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(base+".jpg", encodeCamera(t, sz.w, sz.h, Sub420, benchQuality), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
