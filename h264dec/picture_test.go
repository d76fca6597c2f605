package h264dec

import (
	"bytes"
	"testing"
)

func TestI420SizeAndPlanes(t *testing.T) {
	tests := []struct{ w, h, y, c int }{
		{320, 240, 320 * 240, 160 * 120},
		{322, 242, 322 * 242, 161 * 121},
		{321, 241, 321 * 241, 161 * 121}, // odd: chroma rounds up
		{1, 1, 1, 1},
		{3, 2, 6, 2},
	}
	for _, tc := range tests {
		if got := I420Size(tc.w, tc.h); got != tc.y+2*tc.c {
			t.Errorf("I420Size(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.y+2*tc.c)
		}
		data := make([]byte, I420Size(tc.w, tc.h))
		for i := range data {
			data[i] = byte(i)
		}
		y, cb, cr := Picture{Width: tc.w, Height: tc.h, Data: data}.Planes()
		if len(y) != tc.y || len(cb) != tc.c || len(cr) != tc.c || cap(y) != tc.y || cap(cb) != tc.c {
			t.Errorf("%dx%d: planes of %d, %d, %d (caps %d, %d), want %d, %d, %d", tc.w, tc.h, len(y), len(cb), len(cr), cap(y), cap(cb), tc.y, tc.c, tc.c)
			continue
		}
		if &cb[0] != &data[tc.y] || &cr[0] != &data[tc.y+tc.c] {
			t.Errorf("%dx%d: Cb or Cr not where packed I420 has it", tc.w, tc.h)
		}
	}
}

// DecodeInto writes into dst when it is large enough, else into a new
// buffer, and a picture never aliases libavcodec's buffers: it keeps its
// values while the decoder goes on.
func TestDecodeIntoBuffers(t *testing.T) {
	aus := accessUnits(t, baseline.encode(t))
	n := I420Size(baseline.w, baseline.h)
	d := newDecoder(t)

	big := make([]byte, 7, n+100)
	p, ok, err := d.DecodeInto(aus[0], big)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if len(p.Data) != n || &p.Data[0] != &big[:1][0] {
		t.Errorf("dst with room: picture of %d bytes not in dst", len(p.Data))
	}

	small := make([]byte, n-1)
	p, ok, err = d.DecodeInto(aus[1], small)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if len(p.Data) != n || &p.Data[0] == &small[0] {
		t.Errorf("dst too small: picture of %d bytes, in dst: %v", len(p.Data), &p.Data[0] == &small[0])
	}
	kept := bytes.Clone(p.Data)
	for _, au := range aus[2:20] {
		if _, _, err := d.Decode(au); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(p.Data, kept) {
		t.Error("a picture changed while the decoder went on: it aliases libavcodec's memory")
	}
}

// Steady state with DecodeInto allocates nothing per frame.
func TestDecodeIntoAllocs(t *testing.T) {
	aus := accessUnits(t, baseline.encode(t))
	d := newDecoder(t)
	dst := make([]byte, I420Size(baseline.w, baseline.h))
	i := 0
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok, err := d.DecodeInto(aus[i%len(aus)], dst); !ok || err != nil {
			t.Fatal(i, ok, err)
		}
		i++
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per frame, want 0", allocs)
	}
}
