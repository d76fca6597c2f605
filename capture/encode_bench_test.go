package capture

import (
	"fmt"
	"sync"
	"testing"

	"gocv.io/x/gocv"
)

// JPEG encode cost per frame: the node's Frame.JPEG (conversion to BGR when
// needed, encode, copy out of OpenCV's buffer) against OpenCV's IMEncode
// alone on a ready BGR Mat, the floor for an encoding node. Run with:
//
//	go test -run '^$' -bench 'JPEGEncode|JPEGShared' -benchmem ./capture/

const benchJPEGQuality = 80

// cameraFrame is a camera-like frame in format p (RGB8 or BGR8) and the BGR
// Mat it was made from; the caller closes the Mat.
func cameraFrame(b *testing.B, w, h int, p PixelFormat) (*Frame, gocv.Mat) {
	m := cameraLikeImage(b, w, h, 1)
	bgr, err := m.DataPtrUint8()
	if err != nil {
		b.Fatal(err)
	}
	data := append([]byte(nil), bgr...)
	if p == RGB8 {
		for i := 0; i+2 < len(data); i += 3 {
			data[i], data[i+2] = data[i+2], data[i]
		}
	}
	return &Frame{Width: w, Height: h, Format: p, Step: w * 3, Data: data}, m
}

func BenchmarkJPEGEncode(b *testing.B) {
	for _, s := range benchSizes {
		rgb, m := cameraFrame(b, s.w, s.h, RGB8)
		bgr, _ := cameraFrame(b, s.w, s.h, BGR8)
		b.Run(s.name+"/IMEncode", func(b *testing.B) {
			measureCPU(b, func() {
				buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, benchJPEGQuality})
				if err != nil || buf.Len() == 0 {
					b.Fatal(err)
				}
				buf.Close()
			})
		})
		// A fresh Frame per iteration, as each captured frame is: its shared
		// encode slot starts empty.
		for _, src := range []*Frame{bgr, rgb} {
			b.Run(fmt.Sprintf("%s/Frame.JPEG_from_%s", s.name, src.Format), func(b *testing.B) {
				measureCPU(b, func() {
					f := &Frame{Width: src.Width, Height: src.Height, Format: src.Format, Step: src.Step, Data: src.Data}
					if out, err := f.JPEG(EncodeOptions{Quality: benchJPEGQuality}); err != nil || len(out) == 0 {
						b.Fatal(err)
					}
				})
			})
		}
		m.Close()
	}
}

// BenchmarkJPEGShared has several consumers (ROS topic, HTTP viewers) ask
// for the same frame's JPEG at once; whatever their number the frame must be
// encoded once. encodes/frame is measured from the conversion counters.
func BenchmarkJPEGShared(b *testing.B) {
	for _, s := range benchSizes {
		rgb, m := cameraFrame(b, s.w, s.h, RGB8)
		m.Close()
		for _, consumers := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/consumers=%d", s.name, consumers), func(b *testing.B) {
				before := Counts()
				measureCPU(b, func() {
					f := &Frame{Width: rgb.Width, Height: rgb.Height, Format: rgb.Format, Step: rgb.Step, Data: rgb.Data}
					var wg sync.WaitGroup
					for range consumers {
						wg.Go(func() {
							if _, err := f.JPEG(EncodeOptions{Quality: benchJPEGQuality}); err != nil {
								b.Error(err)
							}
						})
					}
					wg.Wait()
				})
				after := Counts()
				perFrame := float64(after.Encodes-before.Encodes) / float64(b.N)
				b.ReportMetric(perFrame, "encodes/frame")
				if perFrame != 1 {
					b.Fatalf("%d consumers: %.2f JPEG encodes per frame, want 1", consumers, perFrame)
				}
			})
		}
	}
}
