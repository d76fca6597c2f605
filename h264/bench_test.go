package h264

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"webcam/capture"
	"webcam/jpeg"
)

const benchFrames = 30 // distinct frames, looped

// cameraClip is a camera-like 720p clip: a lit, textured scene with an
// object, panning 3 px a frame, with fresh sensor noise (σ≈3) each frame.
// Flat test bars cost an encoder far less than a camera's frames do.
var cameraClip = sync.OnceValue(func() []*capture.Frame {
	const w, h, pan = 1280, 720, 3
	cw := w + pan*benchFrames
	canvas := make([]float64, cw*h*3)
	for y := range h {
		fy := float64(y) / h
		for x := range cw {
			fx := float64(x) / w
			light := 0.55 + 0.45*math.Exp(-((fx-0.5)*(fx-0.5)+(fy-0.4)*(fy-0.4))*3)
			base := [3]float64{90 + 60*fx + 30*math.Sin(fy*5), 70 + 90*fy + 25*math.Cos(fx*4), 120 - 40*fx + 40*math.Sin((fx+fy)*3)}
			tex := 14 * math.Sin(float64(x)*0.9) * math.Sin(float64(y)*0.7) * math.Sin(float64(x+y)*0.05)
			if fx > 0.6 && fx < 0.85 && fy > 0.3 && fy < 0.75 {
				base, tex = [3]float64{200, 60, 40}, 6*math.Sin(float64(x+y)*1.7)
			}
			for c := range 3 {
				canvas[(y*cw+x)*3+c] = base[c]*light + tex
			}
		}
	}
	rng := rand.New(rand.NewPCG(16, 264))
	frames := make([]*capture.Frame, benchFrames)
	for i := range frames {
		data := make([]byte, w*h*3)
		for y := range h {
			row := canvas[(y*cw+i*pan)*3:]
			for x := range w * 3 {
				data[y*w*3+x] = clamp8(row[x] + rng.NormFloat64()*3)
			}
		}
		frames[i] = &capture.Frame{Seq: uint64(i), Width: w, Height: h, Format: capture.RGB8, Step: w * 3, Data: data}
	}
	return frames
})

// BenchmarkEncode720p encodes the camera-like clip at the default settings
// (preset overridable with H264_BENCH_PRESET) from each input format, and
// reports the bitrate it produced at 30 fps. The JPEG rows are quality 92 at
// 4:2:0 ("jpeg") and at 4:2:2 ("jpeg422", what most UVC cameras send).
func BenchmarkEncode720p(b *testing.B) {
	rgb := cameraClip()
	s := DefaultSettings(1280, 720)
	if p := os.Getenv("H264_BENCH_PRESET"); p != "" {
		s.Preset = p
	}
	for _, in := range []struct {
		name string
		p    capture.PixelFormat
		sub  jpeg.Subsampling
	}{
		{"rgb8", capture.RGB8, 0}, {"yuv422_yuy2", capture.YUYV, 0},
		{"jpeg", capture.JPEG, jpeg.Sub420}, {"jpeg422", capture.JPEG, jpeg.Sub422},
	} {
		p := in.p
		frames := make([]*capture.Frame, len(rgb))
		for i, f := range rgb {
			frames[i] = asFormat(b, f, p, in.sub)
		}
		b.Run(in.name, func(b *testing.B) {
			s := s
			s.VideoRange = VideoRangeFormat(p) // as the node encodes a YUYV camera
			e := newEncoder(b, s)
			var bytes, n int
			for b.Loop() {
				au, err := e.Encode(frames[n%len(frames)], false)
				if err != nil {
					b.Fatal(err)
				}
				bytes += len(au.Data)
				n++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e6, "ms/frame")
			b.ReportMetric(float64(bytes)*8*float64(s.FPS)/float64(n)/1e3, "kbit/s")
		})
	}
}

// TestWriteBenchClip writes the clip BenchmarkEncode720p/rgb8 encodes, as the
// encoder sees it (full-range I420 from TurboJPEG), to $H264_BENCH_DIR/clip.y4m
// for the x264 CLI (bench/h264_ratio.sh), looped to H264_BENCH_LOOPS × 30 frames;
// and the JPEGs BenchmarkEncode720p/jpeg encodes, looped the same, to
// clip.mjpeg (concatenated, as ffmpeg's mjpeg demuxer reads them).
func TestWriteBenchClip(t *testing.T) {
	dir := os.Getenv("H264_BENCH_DIR")
	if dir == "" {
		t.Skip("set H264_BENCH_DIR to write the benchmark clip")
	}
	loops, _ := strconv.Atoi(os.Getenv("H264_BENCH_LOOPS"))
	f, err := os.Create(filepath.Join(dir, "clip.y4m"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "YUV4MPEG2 W1280 H720 F30:1 Ip A1:1 C420jpeg XCOLORRANGE=FULL\n")
	conv, err := jpeg.NewEncoder()
	if err != nil {
		t.Fatal(err)
	}
	defer conv.Close()
	clip := cameraClip()
	for range max(1, loops) {
		for _, fr := range clip {
			var y jpeg.YUV
			if err := conv.EncodeYUV(&y, jpeg.Image{Pix: fr.Data, Width: fr.Width, Height: fr.Height, Format: jpeg.RGB8}, jpeg.Sub420); err != nil {
				t.Fatal(err)
			}
			w.WriteString("FRAME\n")
			w.Write(y.Y)
			w.Write(y.Cb)
			w.Write(y.Cr)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var once, mjpeg []byte
	for _, fr := range clip {
		once = append(once, asFormat(t, fr, capture.JPEG, jpeg.Sub420).Data...)
	}
	for range max(1, loops) {
		mjpeg = append(mjpeg, once...)
	}
	if err := os.WriteFile(filepath.Join(dir, "clip.mjpeg"), mjpeg, 0o644); err != nil {
		t.Fatal(err)
	}
}
