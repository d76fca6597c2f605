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
