package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"webcam/internal/imagetest"
)

// Round-trip quality at quality 90 on camera-like frames (σ≈4 sensor noise:
// the noise itself is what JPEG spends its bits on and partly loses).
// Measured at 641×479 (640×479) and 1280×720: RGB8/BGR8 35.6–35.7 dB,
// Mono8, YUYV and UYVY 40.6 dB (go test -v -run TestEncodeRoundTrip).
var minPSNR = map[Format]float64{
	RGB8:  33, // 4:2:0 drops the per-channel chroma noise
	BGR8:  33,
	Mono8: 38,
	YUYV:  38, // compared as luminance: the chroma was already 4:2:2 in the source
	UYVY:  38,
}

type roundTripCase struct {
	f    Format
	w, h int
}

func roundTripCases() []roundTripCase {
	var cases []roundTripCase
	for _, f := range []Format{RGB8, BGR8, Mono8} {
		for _, sz := range [][2]int{{641, 479}, {1, 1}, {3, 2}, {8, 8}, {1280, 720}} {
			cases = append(cases, roundTripCase{f, sz[0], sz[1]})
		}
	}
	for _, f := range []Format{YUYV, UYVY} {
		for _, sz := range [][2]int{{640, 479}, {2, 1}, {2, 2}, {6, 3}, {1280, 720}} {
			cases = append(cases, roundTripCase{f, sz[0], sz[1]})
		}
	}
	return cases
}

func TestEncodeRoundTrip(t *testing.T) {
	e := newEncoder(t)
	d := newDecoder(t)
	for _, c := range roundTripCases() {
		t.Run(fmt.Sprintf("%v/%dx%d", c.f, c.w, c.h), func(t *testing.T) {
			src := convert(cachedCameraRGB(c.w, c.h), c.w, c.h, c.f)
			out, err := e.Encode(Image{Pix: src, Width: c.w, Height: c.h, Format: c.f}, 90)
			if err != nil {
				t.Fatal(err)
			}
			data := bytes.Clone(out)
			// Go's decoder must accept it too: a browser or another node will read it.
			ref, rw, rh := referenceDecode(t, data, Mono8)
			if rw != c.w || rh != c.h {
				t.Fatalf("image/jpeg sees %dx%d", rw, rh)
			}
			wantSub := map[Format]Subsampling{RGB8: Sub420, BGR8: Sub420, Mono8: SubGray, YUYV: Sub420, UYVY: Sub420}[c.f]
			if _, _, s, err := d.Header(data); err != nil || s != wantSub {
				t.Fatalf("subsampling %v (%v), want %v", s, err, wantSub)
			}

			got, want := decodeLike(t, d, data, src, c)
			p := imagetest.PSNR(got, want)
			t.Logf("PSNR %.1f dB, %d bytes", p, len(data))
			if c.w*c.h >= 64*64 && p < minPSNR[c.f] {
				t.Errorf("round trip PSNR %.1f dB < %.0f", p, minPSNR[c.f])
			}
			// A handful of pixels: only a sanity bound. At 3×2 one pixel is the
			// saturated red object, which 4:2:0 smears over its neighbours (22.5 dB).
			if c.w*c.h < 64*64 && p < 20 {
				t.Errorf("round trip PSNR %.1f dB on a tiny image", p)
			}
			if c.f == Mono8 || c.f == YUYV || c.f == UYVY {
				// The Y plane through an independent decoder, too.
				if p := imagetest.PSNR(ref, got); p < 45 {
					t.Errorf("luminance differs from image/jpeg's decode: %.1f dB", p)
				}
			}
		})
	}
}

// decodeLike decodes data into the source's own layout where it can, and
// returns the pair to compare.
func decodeLike(t *testing.T, d *Decoder, data, src []byte, c roundTripCase) (got, want []byte) {
	t.Helper()
	out := c.f
	if c.f == YUYV || c.f == UYVY {
		out = Mono8
		want = make([]byte, c.w*c.h)
		for i := range want {
			want[i] = src[2*i+map[Format]int{YUYV: 0, UYVY: 1}[c.f]]
		}
	} else {
		want = src
	}
	got = make([]byte, FrameSize(c.w, c.h, out))
	if _, _, _, err := d.DecodeInto(got, data, out); err != nil {
		t.Fatal(err)
	}
	return got, want
}

// Strides: padded rows give exactly the JPEG the tight rows give, so the
// padding is never read.
func TestEncodeStride(t *testing.T) {
	e := newEncoder(t)
	for _, c := range roundTripCases() {
		t.Run(fmt.Sprintf("%v/%dx%d", c.f, c.w, c.h), func(t *testing.T) {
			row := c.w * c.f.BytesPerPixel()
			src := convert(cachedCameraRGB(c.w, c.h), c.w, c.h, c.f)
			tight, err := e.Encode(Image{Pix: src, Width: c.w, Height: c.h, Format: c.f}, 80)
			if err != nil {
				t.Fatal(err)
			}
			tight = bytes.Clone(tight)
			for _, pad := range []int{1, 4, 64} {
				padded := withStride(src, row, c.h, row+pad)
				got, err := e.Encode(Image{Pix: padded, Width: c.w, Height: c.h, Stride: row + pad, Format: c.f}, 80)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tight) {
					t.Errorf("stride %d: JPEG differs from the tightly packed one", row+pad)
				}
			}
		})
	}
}

// YUYV and UYVY hold the same planes in another order: same JPEG.
func TestEncodeYUYVEqualsUYVY(t *testing.T) {
	e := newEncoder(t)
	const w, h = 640, 479
	rgb := cachedCameraRGB(w, h)
	a, err := e.Encode(Image{Pix: convert(rgb, w, h, YUYV), Width: w, Height: h, Format: YUYV}, 80)
	if err != nil {
		t.Fatal(err)
	}
	a = bytes.Clone(a)
	b, err := e.Encode(Image{Pix: convert(rgb, w, h, UYVY), Width: w, Height: h, Format: UYVY}, 80)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("YUYV and UYVY of the same frame encode differently")
	}
}

func TestAppendJPEG(t *testing.T) {
	e := newEncoder(t)
	const w, h = 641, 479
	img := Image{Pix: cachedCameraRGB(w, h), Width: w, Height: h, Format: RGB8}
	want, err := e.Encode(img, 80)
	if err != nil {
		t.Fatal(err)
	}
	want = bytes.Clone(want)
	max, _ := e.MaxSize(img)
	for _, dst := range map[string][]byte{
		"nil":          nil,
		"prefix":       []byte("hdr:"),
		"roomy prefix": append(make([]byte, 0, 4+max), "hdr:"...),
	} {
		prefix := string(dst)
		got, err := e.AppendJPEG(dst, img, 80)
		if err != nil {
			t.Fatal(err)
		}
		if string(got[:len(prefix)]) != prefix || !bytes.Equal(got[len(prefix):], want) {
			t.Errorf("AppendJPEG(%q) gave a different JPEG", prefix)
		}
	}
}

func TestEncodeBadInput(t *testing.T) {
	e := newEncoder(t)
	pix := make([]byte, 64*64*3)
	cases := []struct {
		name    string
		img     Image
		quality int
		want    error
		msg     string // must appear in the error
	}{
		{"YUYV odd width", Image{Pix: pix, Width: 641, Height: 2, Format: YUYV}, 80, ErrOddWidth, "641"},
		{"UYVY odd width", Image{Pix: pix, Width: 3, Height: 2, Format: UYVY}, 80, ErrOddWidth, "3 pixels wide"},
		{"short pixels", Image{Pix: pix[:100], Width: 64, Height: 64, Format: RGB8}, 80, ErrGeometry, "needs"},
		{"stride below row", Image{Pix: pix, Width: 64, Height: 8, Stride: 100, Format: RGB8}, 80, ErrGeometry, "stride"},
		{"stride past end", Image{Pix: pix, Width: 64, Height: 64, Stride: 64*3 + 1, Format: RGB8}, 80, ErrGeometry, "needs"},
		{"stride that overflows", Image{Pix: pix, Width: 64, Height: 64, Stride: 1 << 62, Format: RGB8}, 80, ErrGeometry, "stride"},
		{"zero width", Image{Pix: pix, Width: 0, Height: 8, Format: RGB8}, 80, ErrGeometry, ""},
		{"negative height", Image{Pix: pix, Width: 8, Height: -1, Format: Mono8}, 80, ErrGeometry, ""},
		{"too wide", Image{Pix: pix, Width: 70000, Height: 1, Format: Mono8}, 80, ErrGeometry, ""},
		{"no format", Image{Pix: pix, Width: 8, Height: 8}, 80, ErrFormat, ""},
		{"quality 0", Image{Pix: pix, Width: 8, Height: 8, Format: RGB8}, 0, nil, "quality"},
		{"quality 101", Image{Pix: pix, Width: 8, Height: 8, Format: RGB8}, 101, nil, "quality"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Encode(c.img, c.quality)
			if err == nil {
				t.Fatal("no error")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not mention %q", err, c.msg)
			}
		})
	}
	// The encoder still works afterwards.
	if _, err := e.Encode(Image{Pix: pix, Width: 64, Height: 64, Format: RGB8}, 80); err != nil {
		t.Fatal(err)
	}
}

func TestClosed(t *testing.T) {
	e, _ := NewEncoder()
	e.Close()
	if _, err := e.Encode(Image{Pix: make([]byte, 3), Width: 1, Height: 1, Format: RGB8}, 80); !errors.Is(err, ErrClosed) {
		t.Errorf("Encode after Close: %v", err)
	}
	d, _ := NewDecoder()
	d.Close()
	d.Close() // twice is harmless
	if _, _, _, err := d.DecodeInto(make([]byte, 3), []byte{0xff, 0xd8}, RGB8); !errors.Is(err, ErrClosed) {
		t.Errorf("DecodeInto after Close: %v", err)
	}
}

// Packed 4:2:2 input encodes at 4:2:0 by default (as libjpeg and OpenCV's
// imencode do), at 4:2:2 when asked, and refuses what it cannot make.
func TestEncodePackedSubsampling(t *testing.T) {
	const w, h = 64, 48
	d := newDecoder(t)
	for _, c := range []struct {
		f       Format
		asked   Subsampling
		want    Subsampling
		refused bool
	}{
		{YUYV, SubsamplingDefault, Sub420, false},
		{YUYV, Sub420, Sub420, false},
		{YUYV, Sub422, Sub422, false},
		{UYVY, Sub422, Sub422, false},
		{UYVY, Sub444, 0, true},
		{YUYV, SubGray, 0, true},
	} {
		t.Run(fmt.Sprintf("%v/%v", c.f, c.asked), func(t *testing.T) {
			e := newEncoder(t)
			e.Subsampling = c.asked
			src := convert(cachedCameraRGB(w, h), w, h, c.f)
			out, err := e.Encode(Image{Pix: src, Width: w, Height: h, Format: c.f}, 90)
			if c.refused {
				if err == nil || !strings.Contains(err.Error(), "4:2:2 or 4:2:0") {
					t.Fatalf("err %v, want a refusal naming 4:2:2 or 4:2:0", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, _, s, err := d.Header(out); err != nil || s != c.want {
				t.Fatalf("subsampling %v (%v), want %v", s, err, c.want)
			}
		})
	}
}
