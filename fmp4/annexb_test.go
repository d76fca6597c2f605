package fmp4

import (
	"bytes"
	"testing"
)

// TestSplitAccessUnitsReal: libx264's 90 pictures come out as 90 access
// units with and without delimiters, each with one picture, the SPS and PPS
// with the keyframes.
func TestSplitAccessUnitsReal(t *testing.T) {
	for _, params := range []string{"", "aud=1", "slices=4"} {
		t.Run("x264-params="+params, func(t *testing.T) {
			stream := encode(t, encoding{width: 640, height: 480, profile: "baseline", zeroLatency: true, x264Params: params})
			aus := SplitAccessUnits(stream)
			if len(aus) != 90 {
				t.Fatalf("%d access units, want 90", len(aus))
			}
			if got := bytes.Join(aus, nil); !bytes.Equal(got, stream) {
				t.Errorf("the access units joined are not the stream")
			}
			for i, au := range aus {
				nals, err := appendNALUnits(nil, au)
				if err != nil {
					t.Fatalf("access unit %d: %v", i, err)
				}
				c, err := scanAccessUnit(nals)
				if err != nil || !c.picture || (c.sps != nil) != (i%30 == 0) {
					t.Fatalf("access unit %d: picture %v, SPS %d, %v", i, c.picture, len(c.sps), err)
				}
			}
		})
	}
}

// TestSplitAccessUnits: boundaries on hand-made NAL unit sequences.
func TestSplitAccessUnits(t *testing.T) {
	const (
		sps      = "\x00\x00\x00\x01\x67\x42"
		pps      = "\x00\x00\x01\x68\xce"
		aud      = "\x00\x00\x00\x01\x09\xf0"
		sei      = "\x00\x00\x01\x06\x05"
		idrFirst = "\x00\x00\x01\x65\x88" // first_mb_in_slice 0
		idrMore  = "\x00\x00\x01\x65\x5a" // first_mb_in_slice > 0
		pFirst   = "\x00\x00\x01\x41\x9a"
		pMore    = "\x00\x00\x01\x41\x12"
	)
	cases := []struct {
		name   string
		stream string
		want   []string
	}{
		{"empty", "", nil},
		{"no start code", "\x12\x34", nil},
		{"one picture", sps + pps + idrFirst, []string{sps + pps + idrFirst}},
		{"slices of one picture", idrFirst + idrMore + idrMore, []string{idrFirst + idrMore + idrMore}},
		{"two pictures", sps + pps + idrFirst + idrMore + pFirst + pMore, []string{sps + pps + idrFirst + idrMore, pFirst + pMore}},
		{"SEI opens the next", idrFirst + sei + pFirst, []string{idrFirst, sei + pFirst}},
		{"delimiters", aud + idrFirst + aud + pFirst + aud + pFirst, []string{aud + idrFirst, aud + pFirst, aud + pFirst}},
		{"garbage before the first start code", "\xff\xee" + idrFirst + pFirst, []string{idrFirst, pFirst}},
		{"start code at the very end", idrFirst + "\x00\x00\x01", []string{idrFirst + "\x00\x00\x01"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SplitAccessUnits([]byte(c.stream))
			if len(got) != len(c.want) {
				t.Fatalf("%d access units %q, want %d %q", len(got), got, len(c.want), c.want)
			}
			for i := range got {
				if string(got[i]) != c.want[i] {
					t.Errorf("access unit %d: %q, want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestAppendNALUnits: start codes of 3 and 4 bytes, trailing zeros, empty
// units, and what is not Annex-B.
func TestAppendNALUnits(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
		err  bool
	}{
		{"3 and 4 byte codes", "\x00\x00\x01\x09\xf0\x00\x00\x00\x01\x65\x88", []string{"\x09\xf0", "\x65\x88"}, false},
		{"trailing zeros dropped", "\x00\x00\x01\x65\x88\x00\x00", []string{"\x65\x88"}, false},
		{"empty units skipped", "\x00\x00\x01\x00\x00\x01\x65", []string{"\x65"}, false},
		{"leading zeros allowed", "\x00\x00\x00\x00\x00\x01\x65", []string{"\x65"}, false},
		{"no start code", "\x65\x88", nil, true},
		{"bytes before the start code", "\x01\x00\x00\x01\x65", nil, true},
		{"empty", "", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := appendNALUnits(nil, []byte(c.in))
			if (err != nil) != c.err {
				t.Fatalf("error %v, want error %v", err, c.err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%q, want %q", got, c.want)
			}
			for i := range got {
				if string(got[i]) != c.want[i] {
					t.Errorf("unit %d: %q, want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestUnescapeRBSP: 00 00 03 loses its 03; nothing else changes.
func TestUnescapeRBSP(t *testing.T) {
	cases := []struct{ in, want string }{
		{"\x01\x02", "\x01\x02"},
		{"\x00\x00\x03\x01", "\x00\x00\x01"},
		{"\x00\x00\x03\x00\x00\x03", "\x00\x00\x00\x00"},
		{"\x00\x03\x00", "\x00\x03\x00"},
		{"\x00\x00\x03", "\x00\x00"},
	}
	for _, c := range cases {
		if got := unescapeRBSP([]byte(c.in)); string(got) != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}
