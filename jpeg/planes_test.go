package jpeg

import (
	"testing"
	"webcam/internal/imagetest"
)

// The planes of a camera frame (TurboJPEG's own RGB → YCbCr) round-trip
// through EncodePlanes and PixelsFromPlanes close to the original pixels.
func TestPlanesRoundTrip(t *testing.T) {
	e, d := newEncoder(t), newDecoder(t)
	for _, tc := range []struct {
		name string
		w, h int
		s    Subsampling
	}{
		{"420", 320, 240, Sub420},
		{"420 odd", 321, 239, Sub420},
		{"422", 320, 240, Sub422},
		{"444", 160, 120, Sub444},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rgb := cameraRGB(tc.w, tc.h, 7)
			var y YUV
			if err := e.EncodeYUV(&y, Image{Pix: rgb, Width: tc.w, Height: tc.h, Format: RGB8}, tc.s); err != nil {
				t.Fatal(err)
			}
			back := make([]byte, len(rgb))
			if err := d.PixelsFromPlanes(back, &y, RGB8); err != nil {
				t.Fatal(err)
			}
			if p := imagetest.PSNR(rgb, back); p < 30 {
				t.Errorf("planes → RGB: PSNR %.1f dB, want ≥ 30", p)
			}
			jpg, err := e.EncodePlanes(&y, 90)
			if err != nil {
				t.Fatal(err)
			}
			dec, w, h := referenceDecode(t, append([]byte(nil), jpg...), RGB8)
			if w != tc.w || h != tc.h {
				t.Fatalf("JPEG is %dx%d, want %dx%d", w, h, tc.w, tc.h)
			}
			if p := imagetest.PSNR(rgb, dec); p < 28 {
				t.Errorf("planes → JPEG → RGB: PSNR %.1f dB, want ≥ 28", p)
			}
		})
	}
}

func TestPlanesRefusals(t *testing.T) {
	e, d := newEncoder(t), newDecoder(t)
	good := func() YUV {
		return YUV{Y: make([]byte, 64*48), Cb: make([]byte, 32*24), Cr: make([]byte, 32*24),
			Width: 64, Height: 48, YStride: 64, ChromaWidth: 32, ChromaHeight: 24, Subsampling: Sub420}
	}
	for _, tc := range []struct {
		name string
		edit func(*YUV)
	}{
		{"short Y", func(y *YUV) { y.Y = y.Y[:100] }},
		{"short Cr", func(y *YUV) { y.Cr = y.Cr[:10] }},
		{"chroma too narrow", func(y *YUV) { y.ChromaWidth = 16 }},
		{"no subsampling", func(y *YUV) { y.Subsampling = SubsamplingDefault }},
		{"zero size", func(y *YUV) { y.Width = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := good()
			tc.edit(&y)
			if _, err := e.EncodePlanes(&y, 80); err == nil {
				t.Error("EncodePlanes accepted bad planes")
			}
			if err := d.PixelsFromPlanes(make([]byte, 64*48*3), &y, RGB8); err == nil {
				t.Error("PixelsFromPlanes accepted bad planes")
			}
		})
	}
	y := good()
	if err := d.PixelsFromPlanes(make([]byte, 10), &y, RGB8); err == nil {
		t.Error("PixelsFromPlanes wrote into a short buffer")
	}
}

func TestFullRange(t *testing.T) {
	src := YUV{Y: []byte{0, 16, 126, 235, 255}, Cb: []byte{16, 128, 240}, Cr: []byte{0, 128, 255},
		Width: 5, Height: 1, YStride: 5, ChromaWidth: 3, ChromaHeight: 1, Subsampling: Sub420}
	var dst YUV
	FullRange(&dst, &src)
	for _, tc := range []struct {
		name      string
		got, want []byte
	}{
		{"luma", dst.Y, []byte{0, 0, 128, 255, 255}},
		{"cb", dst.Cb, []byte{1, 128, 255}}, // 16 → 0.5, rounded up
		{"cr", dst.Cr, []byte{0, 128, 255}},
		{"source unchanged", src.Y, []byte{0, 16, 126, 235, 255}},
	} {
		if string(tc.got) != string(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
