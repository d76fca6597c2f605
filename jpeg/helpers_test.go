package jpeg

import (
	"bytes"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// cameraRGB makes a frame that compresses like a camera's: smooth lighting,
// textured surfaces, sharp object edges and per-pixel sensor noise (σ≈4
// levels, independent per channel as after demosaicing). Flat test bars
// compress and decode several times faster and would hide the real cost.
func cameraRGB(w, h int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	pix := make([]byte, w*h*3)
	fw, fh := float64(w), float64(h)
	for y := 0; y < h; y++ {
		fy := float64(y) / fh
		for x := 0; x < w; x++ {
			fx := float64(x) / fw
			light := 0.55 + 0.45*math.Exp(-((fx-0.35)*(fx-0.35)+(fy-0.4)*(fy-0.4))*4)
			base := [3]float64{
				90 + 80*fx + 30*math.Sin(fy*5),
				70 + 90*fy + 25*math.Cos(fx*4),
				120 - 60*fx + 40*math.Sin((fx+fy)*3),
			}
			texture := 12 * math.Sin(float64(x)*0.9) * math.Sin(float64(y)*0.7)
			if fx > 0.55 && fx < 0.8 && fy > 0.3 && fy < 0.75 { // an object with hard edges
				base = [3]float64{200, 60, 40}
				texture = 6 * math.Sin(float64(x+y)*1.7)
			}
			if fy > fx*0.8+0.6 { // a darker floor, diagonal edge
				base = [3]float64{50, 55, 60}
			}
			for c := 0; c < 3; c++ {
				v := base[c]*light + texture + rng.NormFloat64()*4
				pix[(y*w+x)*3+c] = clamp8(v)
			}
		}
	}
	return pix
}

func clamp8(v float64) byte {
	v = math.Round(v)
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}

var frameCache sync.Map // "wxh" → []byte RGB; benchmark frames are slow to make

func cachedCameraRGB(w, h int) []byte {
	key := [2]int{w, h}
	if v, ok := frameCache.Load(key); ok {
		return v.([]byte)
	}
	pix := cameraRGB(w, h, uint64(w*h))
	frameCache.Store(key, pix)
	return pix
}

// JFIF (full-range BT.601) conversions, the colour space JPEG itself uses.
func luma(r, g, b byte) float64 { return 0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b) }
func cb(r, g, b byte) float64 {
	return 128 - 0.168736*float64(r) - 0.331264*float64(g) + 0.5*float64(b)
}
func cr(r, g, b byte) float64 {
	return 128 + 0.5*float64(r) - 0.418688*float64(g) - 0.081312*float64(b)
}

// convert turns a tightly packed RGB frame into f, tightly packed.
// Packed 4:2:2 averages the chroma of each pixel pair; w must be even for it.
func convert(rgb []byte, w, h int, f Format) []byte {
	out := make([]byte, FrameSize(w, h, f))
	for i := 0; i < w*h; i++ {
		r, g, b := rgb[3*i], rgb[3*i+1], rgb[3*i+2]
		switch f {
		case RGB8:
			copy(out[3*i:], rgb[3*i:3*i+3])
		case BGR8:
			out[3*i], out[3*i+1], out[3*i+2] = b, g, r
		case Mono8:
			out[i] = clamp8(luma(r, g, b))
		case YUYV, UYVY:
			if i%2 == 1 {
				continue
			}
			r2, g2, b2 := rgb[3*i+3], rgb[3*i+4], rgb[3*i+5]
			u := clamp8((cb(r, g, b) + cb(r2, g2, b2)) / 2)
			v := clamp8((cr(r, g, b) + cr(r2, g2, b2)) / 2)
			y0, y1 := clamp8(luma(r, g, b)), clamp8(luma(r2, g2, b2))
			q := out[2*i : 2*i+4]
			if f == YUYV {
				q[0], q[1], q[2], q[3] = y0, u, y1, v
			} else {
				q[0], q[1], q[2], q[3] = u, y0, v, y1
			}
		}
	}
	return out
}

// withStride copies a tightly packed image into rows stride bytes apart,
// filling the padding with a value that would show if it were read.
func withStride(pix []byte, rowBytes, h, stride int) []byte {
	out := bytes.Repeat([]byte{0xA5}, stride*(h-1)+rowBytes)
	for y := 0; y < h; y++ {
		copy(out[y*stride:], pix[y*rowBytes:(y+1)*rowBytes])
	}
	return out
}

// referenceDecode decodes with Go's image/jpeg, an independent decoder, into
// f. Go replicates chroma (no interpolation), like TJFLAG_FASTUPSAMPLE.
func referenceDecode(t testing.TB, data []byte, f Format) (pix []byte, w, h int) {
	t.Helper()
	img, err := stdjpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	pix = make([]byte, FrameSize(w, h, f))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var r, g, bl, yy byte
			switch m := img.(type) {
			case *image.YCbCr:
				c := m.YCbCrAt(x+b.Min.X, y+b.Min.Y)
				yy = c.Y
				r, g, bl = color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			case *image.Gray:
				yy = m.GrayAt(x+b.Min.X, y+b.Min.Y).Y
				r, g, bl = yy, yy, yy
			default:
				t.Fatalf("image/jpeg gave %T", img)
			}
			i := y*w + x
			switch f {
			case RGB8:
				pix[3*i], pix[3*i+1], pix[3*i+2] = r, g, bl
			case BGR8:
				pix[3*i], pix[3*i+1], pix[3*i+2] = bl, g, r
			case Mono8:
				pix[i] = yy
			}
		}
	}
	return pix, w, h
}

// diff reports the largest and the mean absolute difference.
func diff(a, b []byte) (maxAbs int, mean float64) {
	var sum int
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		sum += d
		maxAbs = max(maxAbs, d)
	}
	return maxAbs, float64(sum) / float64(len(a))
}


func newDecoder(t testing.TB) *Decoder {
	t.Helper()
	d, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func newEncoder(t testing.TB) *Encoder {
	t.Helper()
	e, err := NewEncoder()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// encodeCamera makes a JPEG of a camera-like frame with subsampling s.
func encodeCamera(t testing.TB, w, h int, s Subsampling, quality int) []byte {
	t.Helper()
	e := newEncoder(t)
	img := Image{Pix: cachedCameraRGB(w, h), Width: w, Height: h, Format: RGB8}
	if s == SubGray {
		img = Image{Pix: convert(img.Pix, w, h, Mono8), Width: w, Height: h, Format: Mono8}
	}
	e.Subsampling = s
	out, err := e.Encode(img, quality)
	if err != nil {
		t.Fatalf("encode %dx%d %v: %v", w, h, s, err)
	}
	return bytes.Clone(out)
}
