package h264

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"webcam/capture"
	"webcam/jpeg"
)

// patternRGB reads n frames of the project's test pattern (counter band,
// scrolling bars, caption) at w×h (even), as rgb8.
func patternRGB(t testing.TB, w, h, n int) []*capture.Frame {
	t.Helper()
	src, err := capture.Open("testpattern://", capture.Request{Width: w, Height: h, FPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out := make([]*capture.Frame, n)
	for i := range out {
		if out[i], err = src.Read(); err != nil {
			t.Fatal(err)
		}
		out[i].Seq = uint64(i)
	}
	return out
}

// cropped is f with its last column and row dropped (odd sizes from even
// test-pattern frames): same data, same step.
func cropped(f *capture.Frame) *capture.Frame {
	return &capture.Frame{Seq: f.Seq, Stamp: f.Stamp, Width: f.Width - 1, Height: f.Height - 1,
		Format: f.Format, Step: f.Step, Data: f.Data}
}

// asFormat converts an rgb8 frame to p, the way a camera would send it.
// YUYV/UYVY: BT.601 video range, chroma averaged over pixel pairs.
// JPEG: TurboJPEG at quality 92 with subsampling s.
func asFormat(t testing.TB, f *capture.Frame, p capture.PixelFormat, s jpeg.Subsampling) *capture.Frame {
	t.Helper()
	w, h := f.Width, f.Height
	out := &capture.Frame{Seq: f.Seq, Stamp: f.Stamp, Width: w, Height: h, Format: p}
	px := func(x, y int) (r, g, b float64) {
		i := y*f.Step + 3*x
		return float64(f.Data[i]), float64(f.Data[i+1]), float64(f.Data[i+2])
	}
	switch p {
	case capture.RGB8:
		return f
	case capture.BGR8, capture.Mono8:
		bpp := p.BytesPerPixel()
		out.Step = w * bpp
		out.Data = make([]byte, out.Step*h)
		for y := range h {
			for x := range w {
				r, g, b := px(x, y)
				if p == capture.Mono8 {
					out.Data[y*out.Step+x] = clamp8(0.299*r + 0.587*g + 0.114*b)
					continue
				}
				copy(out.Data[y*out.Step+3*x:], []byte{byte(b), byte(g), byte(r)})
			}
		}
	case capture.YUYV, capture.UYVY:
		out.Step = w * 2
		out.Data = make([]byte, out.Step*h)
		for y := range h {
			for x := 0; x+1 < w; x += 2 {
				r0, g0, b0 := px(x, y)
				r1, g1, b1 := px(x+1, y)
				y0, y1 := videoY(r0, g0, b0), videoY(r1, g1, b1)
				u := clamp8(128 + (-0.148*(r0+r1)-0.291*(g0+g1)+0.439*(b0+b1))/2)
				v := clamp8(128 + (0.439*(r0+r1)-0.368*(g0+g1)-0.071*(b0+b1))/2)
				q := out.Data[y*out.Step+2*x:]
				if p == capture.YUYV {
					q[0], q[1], q[2], q[3] = y0, u, y1, v
				} else {
					q[0], q[1], q[2], q[3] = u, y0, v, y1
				}
			}
		}
	case capture.JPEG:
		enc, err := jpeg.NewEncoder()
		if err != nil {
			t.Fatal(err)
		}
		defer enc.Close()
		enc.Subsampling = s
		img := jpeg.Image{Pix: f.Data, Width: w, Height: h, Stride: f.Step, Format: jpeg.RGB8}
		if s == jpeg.SubGray {
			g := asFormat(t, f, capture.Mono8, 0)
			img = jpeg.Image{Pix: g.Data, Width: w, Height: h, Stride: g.Step, Format: jpeg.Mono8}
		}
		data, err := enc.Encode(img, 92)
		if err != nil {
			t.Fatal(err)
		}
		out.Data = bytes.Clone(data)
	default:
		t.Fatalf("no conversion to %s", p)
	}
	return out
}

func videoY(r, g, b float64) byte { return clamp8(16 + 0.257*r + 0.504*g + 0.098*b) }

func clamp8(v float64) byte { return byte(min(255, max(0, math.Round(v)))) }

// probe is what ffprobe says about an Annex-B file.
type probe struct {
	Codec   string `json:"codec_name"`
	Profile string `json:"profile"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Frames  string `json:"nb_read_frames"`
	Range   string `json:"color_range"`
}

func ffprobe(t testing.TB, path string) probe {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-f", "h264", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=codec_name,profile,width,height,nb_read_frames,color_range", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var r struct{ Streams []probe }
	if err := json.Unmarshal(out, &r); err != nil || len(r.Streams) != 1 {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	return r.Streams[0]
}

// ffmpegDecode decodes an Annex-B file to packed pixels (pixFmt rgb24 or
// gray), converted by ffmpeg as the stream's VUI says (range, matrix).
func ffmpegDecode(t testing.TB, path, pixFmt string) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "h264", "-i", path,
		"-f", "rawvideo", "-pix_fmt", pixFmt, "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v", path, err)
	}
	return out
}

func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (scripts/setup.sh installs it)", tool)
		}
	}
}

// writeStream writes access units back to back: an Annex-B elementary stream.
func writeStream(t testing.TB, aus []AccessUnit) string {
	t.Helper()
	var b bytes.Buffer
	for _, au := range aus {
		b.Write(au.Data)
	}
	path := filepath.Join(t.TempDir(), "stream.h264")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// reference is the source frame as a decoder should give it back: packed
// rgb24 (gray for mono8) at w×h, box-averaged when w×h is smaller.
func reference(f *capture.Frame, gray bool, w, h int) []byte {
	bpp := 3
	if gray {
		bpp = 1
	}
	sx, sy := f.Width/w, f.Height/h // the tests scale by whole factors
	out := make([]byte, w*h*bpp)
	for y := range h {
		for x := range w {
			for c := range bpp {
				sum := 0
				for dy := range sy {
					for dx := range sx {
						i := (y*sy+dy)*f.Step + (x*sx+dx)*3
						if gray {
							sum += int(clamp8(0.299*float64(f.Data[i]) + 0.587*float64(f.Data[i+1]) + 0.114*float64(f.Data[i+2])))
						} else {
							sum += int(f.Data[i+c])
						}
					}
				}
				out[(y*w+x)*bpp+c] = byte((sum + sx*sy/2) / (sx * sy))
			}
		}
	}
	return out
}


// nalTypes lists the nal_unit_type of each NAL unit in an Annex-B buffer.
func nalTypes(data []byte) []int {
	var types []int
	for i := 0; i+3 < len(data); i++ {
		if data[i] == 0 && data[i+1] == 0 && data[i+2] == 1 {
			types = append(types, int(data[i+3]&0x1f))
			i += 3
		}
	}
	return types
}

func newEncoder(t testing.TB, s Settings) *Encoder {
	t.Helper()
	e, err := NewEncoder(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func encodeAll(t testing.TB, e *Encoder, frames []*capture.Frame, force map[int]bool) []AccessUnit {
	t.Helper()
	aus := make([]AccessUnit, len(frames))
	for i, f := range frames {
		au, err := e.Encode(f, force[i])
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		aus[i] = au
	}
	return aus
}

func keyframeIndexes(aus []AccessUnit) []int {
	var out []int
	for i, au := range aus {
		if au.Keyframe {
			out = append(out, i)
		}
	}
	return out
}
