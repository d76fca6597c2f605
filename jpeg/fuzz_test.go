package jpeg

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decode entry point: Header, DstSize
// and DecodeInto in every output format must return an error or an image of
// the size the header declared, never crash or write past dst.
func FuzzDecode(f *testing.F) {
	// testdata/fuzz/FuzzDecode holds the committed seeds (TestWriteFuzzSeeds).
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		d.MaxPixels = 1 << 20 // keeps each input fast; the limit itself is tested elsewhere
		for _, format := range []Format{RGB8, BGR8, Mono8} {
			n, err := d.DstSize(data, format)
			if err != nil {
				return
			}
			const guard = 64
			buf := bytes.Repeat([]byte{0xA5}, n+guard)
			w, h, step, err := d.DecodeInto(buf[:n], data, format)
			if !bytes.Equal(buf[n:], bytes.Repeat([]byte{0xA5}, guard)) {
				t.Fatalf("%v: wrote past dst", format)
			}
			if err != nil {
				continue
			}
			hw, hh, _, _ := d.Header(data)
			if w != hw || h != hh || step*h != n {
				t.Fatalf("%v: decoded %dx%d step %d, header %dx%d, dst %d", format, w, h, step, hw, hh, n)
			}
		}
	})
}

// TestWriteFuzzSeeds regenerates the committed seed corpus:
//
//	JPEG_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./jpeg
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("JPEG_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set JPEG_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/FuzzDecode")
	}
	e := newEncoder(t)
	enc := func(w, h int, f Format, s Subsampling, q int) []byte {
		e.Subsampling = s
		out, err := e.Encode(Image{Pix: convert(cachedCameraRGB(w, h), w, h, f), Width: w, Height: h, Format: f}, q)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Clone(out)
	}
	rgb420 := enc(16, 16, RGB8, Sub420, 80)
	corrupt := bytes.Clone(rgb420)
	copy(corrupt[len(corrupt)/2:], []byte{0xff, 0xd3})
	seeds := map[string][]byte{
		"rgb420_16x16":    rgb420,
		"rgb444_9x7":      enc(9, 7, RGB8, Sub444, 90),
		"mono_17x5":       enc(17, 5, Mono8, 0, 75),
		"yuyv422_6x4":     enc(6, 4, YUYV, 0, 50),
		"rgb420_1x1":      enc(1, 1, RGB8, Sub420, 100),
		"truncated_half":  rgb420[:len(rgb420)/2],
		"truncated_sof":   rgb420[:bytes.Index(rgb420, []byte{0xff, 0xc0})+6],
		"corrupt_restart": corrupt,
		"huge_declared":   withSize(t, rgb420, 65500, 65500),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
