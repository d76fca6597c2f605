package fmp4

import (
	"bytes"
	"errors"
	"testing"
)

func TestNALUnits(t *testing.T) {
	au := []byte{0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 0}
	nals, err := NALUnits(au)
	want := [][]byte{{0x67, 1, 2}, {0x68, 3}, {0x65, 4, 5}}
	if err != nil || len(nals) != len(want) {
		t.Fatalf("NALUnits = %x, %v; want %x", nals, err, want)
	}
	for i := range want {
		if !bytes.Equal(nals[i], want[i]) {
			t.Errorf("unit %d = %x, want %x", i, nals[i], want[i])
		}
	}
	if _, err := NALUnits([]byte{0x65, 0, 0, 1, 0x65}); !errors.Is(err, ErrNotAnnexB) {
		t.Errorf("bytes before the first start code: %v, want ErrNotAnnexB", err)
	}
}

func TestIsBSlice(t *testing.T) {
	for _, tc := range []struct {
		name string
		nal  []byte
		want bool
	}{
		{"B (slice_type 1)", []byte{0x01, 0xA0, 0}, true},
		{"B (slice_type 6)", []byte{0x01, 0x9C, 0}, true},
		{"P (slice_type 0)", []byte{0x41, 0xC0, 0}, false},
		{"I (slice_type 2)", []byte{0x41, 0xB0, 0}, false},
		{"SPS", []byte{0x67, 0xA0, 0}, false},
		{"header only", []byte{0x01}, false},
	} {
		if got := IsBSlice(tc.nal); got != tc.want {
			t.Errorf("%s: IsBSlice(% x) = %v, want %v", tc.name, tc.nal, got, tc.want)
		}
	}
}
