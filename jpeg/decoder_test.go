package jpeg

import (
	"bytes"
	"fmt"
	"image"
	stdjpeg "image/jpeg"
	"testing"
	"webcam/internal/imagetest"
)

// Tolerances against Go's image/jpeg, an independent decoder.
//
// ITU-T T.83 (JPEG conformance) lets a decoder's IDCT output differ from the
// ideal by one level per sample, and libjpeg-turbo documents that its
// decoders may differ from others by a few levels (its accurate integer IDCT
// reproduces libjpeg's, not Go's). Colour conversion then amplifies a one-
// level chroma difference by up to 1.772 (B = Y + 1.772·(Cb−128)), and each
// decoder rounds its own fixed-point conversion: 1 (Y) + 1.772 (chroma) +
// 2×0.5 (rounding) → 4 levels per RGB channel, 1 + rounding → 2 for
// luminance alone. Measured: 4 and 1 at most. The mean bound catches a
// systematic shift that a max bound would let through (measured ≤ 0.21).
const (
	tolMaxRGB  = 4
	tolMaxMono = 2
	tolMean    = 0.5
)

// With interpolated chroma (libjpeg-turbo's default "fancy" upsampling) and
// Go's replicated chroma the two decoders legitimately disagree at colour
// edges, so that mode is checked by PSNR between the two decodes instead.
// Measured: 48–52 dB from 320×240 up; 34.6 dB at 17×9, where the hard-edged
// object is most of the frame.
const (
	minPSNRFancy      = 45.0
	minPSNRFancySmall = 32.0 // under 320×240
)

func TestDecodeMatchesReference(t *testing.T) {
	sizes := [][2]int{{641, 479}, {1, 1}, {3, 2}, {17, 9}, {320, 240}}
	subs := []Subsampling{Sub444, Sub422, Sub420, SubGray}
	for _, sz := range sizes {
		for _, s := range subs {
			w, h := sz[0], sz[1]
			data := encodeCamera(t, w, h, s, 90)
			for _, f := range []Format{RGB8, BGR8, Mono8} {
				for _, fast := range []bool{true, false} {
					name := fmt.Sprintf("%dx%d/%v/%v/fastupsample=%v", w, h, s, f, fast)
					t.Run(name, func(t *testing.T) {
						d := newDecoder(t)
						d.FastUpsample = fast
						checkAgainstReference(t, d, data, f, w, h, fast || s == Sub444 || s == SubGray || f == Mono8)
					})
				}
			}
		}
	}
}

// A JPEG written by Go's own encoder (its quantisation and Huffman tables,
// not ours) decodes alike too.
func TestDecodeForeignJPEG(t *testing.T) {
	const w, h = 333, 211
	src := cachedCameraRGB(w, h)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		copy(img.Pix[4*i:], src[3*i:3*i+3])
		img.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{RGB8, BGR8, Mono8} {
		t.Run(f.String(), func(t *testing.T) {
			d := newDecoder(t)
			d.FastUpsample = true
			checkAgainstReference(t, d, buf.Bytes(), f, w, h, true)
		})
	}
}

func checkAgainstReference(t *testing.T, d *Decoder, data []byte, f Format, w, h int, exact bool) {
	t.Helper()
	n, err := d.DstSize(data, f)
	if err != nil {
		t.Fatal(err)
	}
	if n != FrameSize(w, h, f) {
		t.Fatalf("DstSize %d, want %d", n, FrameSize(w, h, f))
	}
	dst := make([]byte, n)
	gw, gh, step, err := d.DecodeInto(dst, data, f)
	if err != nil {
		t.Fatal(err)
	}
	if gw != w || gh != h || step != w*f.BytesPerPixel() {
		t.Fatalf("got %dx%d step %d, want %dx%d step %d", gw, gh, step, w, h, w*f.BytesPerPixel())
	}
	ref, _, _ := referenceDecode(t, data, f)
	maxAbs, mean := diff(dst, ref)
	if !exact {
		p := imagetest.PSNR(dst, ref)
		t.Logf("PSNR %.1f", p)
		limit := minPSNRFancy
		if w*h < 320*240 {
			limit = minPSNRFancySmall
		}
		if p < limit {
			t.Errorf("PSNR against image/jpeg %.1f dB < %.1f", p, limit)
		}
		return
	}
	tol := tolMaxRGB
	if f == Mono8 {
		tol = tolMaxMono
	}
	if maxAbs > tol || mean > tolMean {
		t.Errorf("against image/jpeg: max |Δ| %d (tolerance %d), mean |Δ| %.3f (tolerance %.1f)", maxAbs, tol, mean, tolMean)
	}
}

// Rows pitch bytes apart hold the same pixels as a tight decode, and the
// padding is left alone.
func TestDecodePitch(t *testing.T) {
	const w, h = 641, 479
	data := encodeCamera(t, w, h, Sub420, 80)
	d := newDecoder(t)
	for _, f := range []Format{RGB8, BGR8, Mono8} {
		t.Run(f.String(), func(t *testing.T) {
			row := w * f.BytesPerPixel()
			tight := make([]byte, row*h)
			if _, _, _, err := d.DecodeInto(tight, data, f); err != nil {
				t.Fatal(err)
			}
			pitch := row + 13
			padded := bytes.Repeat([]byte{0xA5}, pitch*h)
			_, _, step, err := d.DecodeIntoPitch(padded, data, f, pitch)
			if err != nil {
				t.Fatal(err)
			}
			if step != pitch {
				t.Fatalf("step %d, want %d", step, pitch)
			}
			for y := 0; y < h; y++ {
				if !bytes.Equal(padded[y*pitch:y*pitch+row], tight[y*row:(y+1)*row]) {
					t.Fatalf("row %d differs", y)
				}
				if y < h-1 && !bytes.Equal(padded[y*pitch+row:(y+1)*pitch], bytes.Repeat([]byte{0xA5}, 13)) {
					t.Fatalf("padding of row %d overwritten", y)
				}
			}
		})
	}
}

func TestHeader(t *testing.T) {
	d := newDecoder(t)
	for _, s := range []Subsampling{Sub444, Sub422, Sub420, SubGray} {
		w, h, got, err := d.Header(encodeCamera(t, 99, 37, s, 80))
		if err != nil || w != 99 || h != 37 || got != s {
			t.Errorf("%v: Header = %d, %d, %v, %v", s, w, h, got, err)
		}
	}
}
