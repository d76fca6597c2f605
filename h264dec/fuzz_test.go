package h264dec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"webcam/fmp4"
)

// FuzzDecode feeds arbitrary bytes as one access unit, then as the access
// units fmp4.SplitAccessUnits cuts from them: each call must give an error,
// no picture, or a whole picture (never both a picture and an error, never
// a crash), and Flush and Reset must keep the decoder usable.
func FuzzDecode(f *testing.F) {
	// testdata/fuzz/FuzzDecode holds the committed seeds (TestWriteFuzzSeeds).
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := New()
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		d.MaxPixels = 1 << 20 // keeps each input fast; the limit itself is tested elsewhere
		check := func(p Picture, ok bool, err error) {
			if ok && err != nil {
				t.Fatalf("a picture and an error: %v", err)
			}
			if ok && (p.Width <= 0 || p.Height <= 0 || len(p.Data) != I420Size(p.Width, p.Height)) {
				t.Fatalf("picture %dx%d of %d bytes", p.Width, p.Height, len(p.Data))
			}
		}
		check(d.Decode(data))
		d.Reset()
		dst := make([]byte, 1024)
		for _, au := range fmp4.SplitAccessUnits(data) {
			check(d.DecodeInto(au, dst))
		}
		pics, _ := d.Flush()
		for _, p := range pics {
			check(p, true, nil)
		}
		check(d.Decode(data))
	})
}

// TestWriteFuzzSeeds regenerates the committed seed corpus (each file
// < 20 KB): small streams of each layout, and damaged copies.
//
//	H264DEC_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./h264dec
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("H264DEC_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set H264DEC_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/FuzzDecode")
	}
	read := func(s stream) []byte {
		b, err := os.ReadFile(s.encode(t))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	base := read(stream{64, 48, 4, "yuv420p", []string{"-profile:v", "baseline", "-bf", "0"}})
	aus := fmp4.SplitAccessUnits(base)
	flipped := bytes.Clone(base)
	for i := len(flipped) / 2; i < len(flipped); i += 5 {
		flipped[i] ^= 0x21
	}
	seeds := map[string][]byte{
		"baseline_64x48":     base,
		"idr_64x48":          aus[0],
		"p_only_64x48":       bytes.Join(aus[1:], nil),
		"bframes_64x48":      read(stream{64, 48, 6, "yuv420p", []string{"-profile:v", "high", "-bf", "2"}}),
		"high444_17x9":       read(stream{17, 9, 3, "yuv444p", []string{"-profile:v", "high444", "-bf", "0"}}),
		"high422_10bit_32x9": read(stream{32, 9, 3, "yuv422p10le", []string{"-profile:v", "high422", "-bf", "0"}}),
		"gray_32x32":         read(stream{32, 32, 2, "gray", []string{"-profile:v", "high", "-bf", "0"}}),
		"truncated_half":     base[:len(base)/2],
		"flipped":            flipped,
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if len(body) > 20<<10 {
			t.Fatalf("seed %s: %d bytes, keep seeds under 20 KB", name, len(body))
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
