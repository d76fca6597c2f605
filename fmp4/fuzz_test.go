package fmp4

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseSPS: any bytes give an error or a size within H.264's limits,
// never a panic.
func FuzzParseSPS(f *testing.F) {
	// testdata/fuzz/FuzzParseSPS holds the committed seeds (TestWriteFuzzSeeds).
	f.Fuzz(func(t *testing.T, nal []byte) {
		s, err := ParseSPS(nal)
		if err != nil {
			return
		}
		if s.Width <= 0 || s.Height <= 0 || s.Width > 16*maxMacroblocks || s.Height > 16*maxMacroblocks {
			t.Fatalf("size %dx%d", s.Width, s.Height)
		}
		if len(s.Codec()) != len("avc1.000000") {
			t.Fatalf("codec %q", s.Codec())
		}
	})
}

// FuzzSplitAccessUnits: each access unit begins with a start code, and
// together they are the stream from its first start code on.
func FuzzSplitAccessUnits(f *testing.F) {
	f.Fuzz(func(t *testing.T, stream []byte) {
		aus := SplitAccessUnits(stream)
		joined := bytes.Join(aus, nil)
		if !bytes.HasSuffix(stream, joined) {
			t.Fatalf("access units are not the stream's tail")
		}
		for i, au := range aus {
			if _, err := appendNALUnits(nil, au); err != nil {
				t.Fatalf("access unit %d does not begin with a start code: %v", i, err)
			}
		}
	})
}

// FuzzWriteAccessUnit: a damaged stream fed through a Writer never panics,
// and whatever it writes is whole boxes, the init segment first.
func FuzzWriteAccessUnit(f *testing.F) {
	f.Fuzz(func(t *testing.T, stream []byte) {
		var out writeCounter
		w := NewWriter(&out, Options{})
		for i, au := range SplitAccessUnits(stream) {
			key := bytes.Contains(au, []byte{0, 1, 0x65}) || i == 0
			_ = w.WriteAccessUnit(AccessUnit{Data: au, Key: key, Time: time.Duration(i) * time.Second / 30})
		}
		if out.Len() == 0 {
			return
		}
		boxes := topLevelBoxes(t, out.Bytes())
		if boxes[0].typ != "ftyp" || boxes[1].typ != "moov" {
			t.Fatalf("begins with %q %q", boxes[0].typ, boxes[1].typ)
		}
		for _, b := range boxes[2:] {
			if b.typ != "moof" && b.typ != "mdat" {
				t.Fatalf("box %q after the init segment", b.typ)
			}
		}
	})
}

// TestWriteFuzzSeeds regenerates the committed seed corpora:
//
//	FMP4_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./fmp4
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("FMP4_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set FMP4_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/Fuzz*")
	}
	small := func(profile, pixFmt, params string, w, h, frames int) []byte {
		return encode(t, encoding{width: w, height: h, profile: profile, pixFmt: pixFmt,
			zeroLatency: true, x264Params: params, frames: frames})
	}
	baseline := small("baseline", "", "", 64, 48, 3)
	withAUD := small("main", "", "aud=1", 48, 34, 3)
	spsOf := func(stream []byte) []byte { return firstNAL(t, stream, nalSPS) }
	high := spsOf(small("high", "", "", 1920, 1080, 1))
	writeSeeds(t, "FuzzParseSPS", map[string][]byte{
		"baseline_64x48":   spsOf(baseline),
		"main_48x34":       spsOf(withAUD),
		"high_1920x1080":   high,
		"high422_846x478":  spsOf(small("high422", "yuv422p", "", 846, 478, 1)),
		"high444_642x362":  spsOf(small("high444", "yuv444p", "", 642, 362, 1)),
		"high10_320x240":   spsOf(small("high10", "yuv420p10le", "", 320, 240, 1)),
		"interlaced_1080i": spsFields{profile: 77, level: 40, widthMbs: 120, heightUnits: 34, cropping: true, crop: [4]uint32{0, 0, 0, 2}}.nal(),
		"poc1_scaling":     spsFields{profile: 100, level: 31, chroma: 1, scalingLists: true, pocType: 1, widthMbs: 80, heightUnits: 45, frameMbsOnly: true}.nal(),
		"separate_planes":  spsFields{profile: 244, level: 31, chroma: 3, separatePlanes: true, widthMbs: 54, heightUnits: 30, frameMbsOnly: true, cropping: true, crop: [4]uint32{1, 9, 0, 1}}.nal(),
		"truncated_high":   high[:len(high)/2],
	})
	writeSeeds(t, "FuzzSplitAccessUnits", map[string][]byte{
		"baseline_3":   baseline,
		"aud_3":        withAUD,
		"slices_4":     small("baseline", "", "slices=4", 64, 64, 2),
		"garbage_lead": append([]byte{0xff, 0, 1}, baseline[:64]...),
	})
	writeSeeds(t, "FuzzWriteAccessUnit", map[string][]byte{
		"baseline_3":      baseline,
		"aud_3":           withAUD,
		"truncated":       baseline[:len(baseline)/2],
		"keyframe_no_sps": baseline[bytes.Index(baseline, []byte{0, 0, 1, 0x65}):],
	})
}

func writeSeeds(t *testing.T, target string, seeds map[string][]byte) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
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
