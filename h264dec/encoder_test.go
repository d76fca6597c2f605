package h264dec

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"webcam/capture"
	"webcam/h264"
)

// The node's own encoder (package h264, libx264 constrained baseline) from
// the test pattern: every access unit gives its picture at once, identical
// to ffmpeg's decode, close to the source, with the range the encoder
// signalled (full from rgb8, video from a YUYV camera's values).
func TestDecodeProjectEncoder(t *testing.T) {
	needFFmpeg(t)
	const w, h, n = 640, 480, 20
	src, err := capture.Open("testpattern://", capture.Request{Width: w, Height: h, FPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	frames := make([]*capture.Frame, n)
	for i := range frames {
		if frames[i], err = src.Read(); err != nil {
			t.Fatal(err)
		}
	}
	for _, videoRange := range []bool{false, true} {
		s := h264.DefaultSettings(w, h)
		s.VideoRange = videoRange
		enc, err := h264.NewEncoder(s)
		if err != nil {
			t.Fatal(err)
		}
		defer enc.Close()
		var stream []byte
		d := newDecoder(t)
		var pics []Picture
		for i, f := range frames {
			if videoRange {
				f = toYUYV(f)
			}
			au, err := enc.Encode(f, false)
			if err != nil {
				t.Fatal(err)
			}
			stream = append(stream, au.Data...)
			p, ok, err := d.Decode(au.Data)
			if !ok || err != nil {
				t.Fatalf("video range %v, frame %d: ok %v, %v; want its picture at once", videoRange, i, ok, err)
			}
			if p.FullRange == videoRange {
				t.Errorf("video range %v, frame %d: FullRange %v", videoRange, i, p.FullRange)
			}
			pics = append(pics, p)
		}
		path := filepath.Join(t.TempDir(), "encoder.h264")
		if err := os.WriteFile(path, stream, 0o644); err != nil {
			t.Fatal(err)
		}
		refFormat := map[bool]string{false: "yuvj420p", true: "yuv420p"}[videoRange]
		ref := ffmpegI420(t, path, w, h, refFormat)
		if len(ref) != n {
			t.Fatalf("ffmpeg decoded %d pictures, want %d", len(ref), n)
		}
		for i, p := range pics {
			if !bytes.Equal(p.Data, ref[i]) {
				t.Fatalf("video range %v, picture %d differs from ffmpeg's", videoRange, i)
			}
			y, _, _ := p.Planes()
			q := psnr(y, sourceLuma(frames[i], videoRange))
			if q < 40 {
				t.Errorf("video range %v, picture %d: luma PSNR %.1f dB against the source, want ≥ 40", videoRange, i, q)
			}
			if i == n-1 {
				t.Logf("video range %v: last picture's luma PSNR %.1f dB against the source", videoRange, q)
			}
		}
	}
}

// toYUYV is an rgb8 frame as a YUYV camera sends it: BT.601 video range,
// chroma averaged over pixel pairs.
func toYUYV(f *capture.Frame) *capture.Frame {
	out := &capture.Frame{Seq: f.Seq, Width: f.Width, Height: f.Height, Format: capture.YUYV, Step: 2 * f.Width}
	out.Data = make([]byte, out.Step*f.Height)
	luma := sourceLuma(f, true)
	for y := range f.Height {
		for x := 0; x+1 < f.Width; x += 2 {
			p := f.Data[y*f.Step+3*x:]
			r, g, b := float64(p[0])+float64(p[3]), float64(p[1])+float64(p[4]), float64(p[2])+float64(p[5])
			u := 128 + (-0.148*r-0.291*g+0.439*b)/2
			v := 128 + (0.439*r-0.368*g-0.071*b)/2
			q := out.Data[y*out.Step+2*x:]
			q[0], q[1], q[2], q[3] = luma[y*f.Width+x], clamp8(u), luma[y*f.Width+x+1], clamp8(v)
		}
	}
	return out
}

func clamp8(v float64) byte { return byte(min(255, max(0, math.Round(v)))) }

// sourceLuma is the BT.601 luma of an rgb8 frame, full or video range.
func sourceLuma(f *capture.Frame, videoRange bool) []byte {
	out := make([]byte, f.Width*f.Height)
	for y := range f.Height {
		for x := range f.Width {
			px := f.Data[y*f.Step+3*x:]
			v := 0.299*float64(px[0]) + 0.587*float64(px[1]) + 0.114*float64(px[2])
			if videoRange {
				v = 16 + v*219/255
			}
			out[y*f.Width+x] = byte(math.Round(v))
		}
	}
	return out
}
