package h264dec

import (
	"bytes"
	"testing"
)

// After Reset in the middle of a GOP, the P pictures that follow have lost
// their references: no picture (and no error) until the next IDR, and from
// there pictures identical to ffmpeg's again. Joining a stream mid-GOP with
// a fresh decoder (no SPS/PPS yet) behaves the same.
func TestResetAndJoinMidStream(t *testing.T) {
	path := baseline.encode(t) // IDR every 30 frames
	aus := accessUnits(t, path)
	ref := ffmpegI420(t, path, baseline.w, baseline.h, "yuv420p")
	const at, nextIDR = 10, 30
	tests := []struct {
		name  string
		start func(d *Decoder) // brings the decoder to access unit at
	}{
		{"reset", func(d *Decoder) {
			for i, au := range aus[:at] {
				if _, ok, err := d.Decode(au); !ok || err != nil {
					t.Fatalf("access unit %d before Reset: ok %v, %v", i, ok, err)
				}
			}
			d.Reset()
		}},
		{"join", func(*Decoder) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDecoder(t)
			tc.start(d)
			for i := at; i < nextIDR; i++ {
				if _, ok, err := d.Decode(aus[i]); ok || err != nil {
					t.Fatalf("access unit %d (P, before the IDR): ok %v, err %v; want no picture, no error", i, ok, err)
				}
			}
			for i := nextIDR; i < len(aus); i++ {
				p, ok, err := d.Decode(aus[i])
				if !ok || err != nil {
					t.Fatalf("access unit %d: ok %v, %v", i, ok, err)
				}
				if !bytes.Equal(p.Data, ref[i]) {
					t.Fatalf("access unit %d: picture differs from ffmpeg's", i)
				}
			}
		})
	}
}

// Reset also drops the pictures a reordering stream holds: none of them
// comes out later, and the pictures from the next IDR are ffmpeg's.
func TestResetDropsHeldPictures(t *testing.T) {
	path := bframes.encode(t)
	aus := accessUnits(t, path)
	ref := ffmpegI420(t, path, bframes.w, bframes.h, "yuv420p")
	d := newDecoder(t)
	const at, nextIDR = 10, 30
	for _, au := range aus[:at] {
		if _, _, err := d.Decode(au); err != nil {
			t.Fatal(err)
		}
	}
	d.Reset()
	pics := decodeAll(t, d, aus[nextIDR:])
	want := ref[nextIDR:]
	if len(pics) != len(want) {
		t.Fatalf("%d pictures after Reset, want the %d from the IDR on", len(pics), len(want))
	}
	for i, p := range pics {
		if !bytes.Equal(p.Data, want[i]) {
			t.Fatalf("picture %d after the IDR differs from ffmpeg's", i)
		}
	}
}
