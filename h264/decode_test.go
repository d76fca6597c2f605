package h264

import (
	"bytes"
	"testing"

	"webcam/capture"
	"webcam/h264dec"
	"webcam/internal/imagetest"
	"webcam/jpeg"
)

// The encoder's output through the node's own decoder (h264dec, libavcodec):
// every access unit gives its picture at once (zerolatency: no delay),
// identical to the ffmpeg CLI's decode, close to the source, with the range
// the encoder signalled (full from rgb8, video from a YUYV camera's values).
func TestOwnDecoderReadsEncoder(t *testing.T) {
	needFFmpeg(t)
	const w, h, n = 640, 480, 20
	frames := patternRGB(t, w, h, n)
	for _, videoRange := range []bool{false, true} {
		s := DefaultSettings(w, h)
		s.VideoRange = videoRange
		enc := newEncoder(t, s)
		d, err := h264dec.New()
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var aus []AccessUnit
		var pics []h264dec.Picture
		for i, f := range frames {
			if videoRange {
				f = asFormat(t, f, capture.YUYV, jpeg.SubsamplingDefault)
			}
			au, err := enc.Encode(f, false)
			if err != nil {
				t.Fatal(err)
			}
			aus = append(aus, au)
			p, ok, err := d.Decode(au.Data)
			if !ok || err != nil {
				t.Fatalf("video range %v, frame %d: ok %v, %v; want its picture at once", videoRange, i, ok, err)
			}
			if p.FullRange == videoRange {
				t.Errorf("video range %v, frame %d: FullRange %v", videoRange, i, p.FullRange)
			}
			pics = append(pics, p)
		}
		ref := ffmpegDecode(t, writeStream(t, aus), map[bool]string{false: "yuvj420p", true: "yuv420p"}[videoRange])
		size := h264dec.I420Size(w, h)
		if len(ref) != n*size {
			t.Fatalf("ffmpeg decoded %d bytes, want %d pictures of %d", len(ref), n, size)
		}
		for i, p := range pics {
			if !bytes.Equal(p.Data, ref[i*size:(i+1)*size]) {
				t.Fatalf("video range %v, picture %d differs from ffmpeg's", videoRange, i)
			}
			y, _, _ := p.Planes()
			if q := imagetest.PSNR(y, sourceLuma(frames[i], videoRange)); q < 40 {
				t.Errorf("video range %v, picture %d: luma PSNR %.1f dB against the source, want ≥ 40", videoRange, i, q)
			}
		}
	}
}

// sourceLuma is the BT.601 luma of an rgb8 frame, full or video range.
func sourceLuma(f *capture.Frame, videoRange bool) []byte {
	out := make([]byte, f.Width*f.Height)
	for y := range f.Height {
		for x := range f.Width {
			px := f.Data[y*f.Step+3*x:]
			r, g, b := float64(px[0]), float64(px[1]), float64(px[2])
			if videoRange {
				out[y*f.Width+x] = videoY(r, g, b)
				continue
			}
			out[y*f.Width+x] = clamp8(0.299*r + 0.587*g + 0.114*b)
		}
	}
	return out
}
