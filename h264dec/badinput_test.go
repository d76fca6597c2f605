package h264dec

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damaged returns bad access units made from a good stream's IDR: each
// must give an error or no picture (never a crash), and the decoder must
// decode the next good IDR as ffmpeg does.
func damaged(idr []byte) map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 4000)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	flipped := bytes.Clone(idr)
	for i := len(flipped) / 3; i < len(flipped); i += 7 {
		flipped[i] ^= 0x5a
	}
	lastSlice := bytes.LastIndex(idr, []byte{0, 0, 1, 0x65})
	return map[string][]byte{
		"empty":               {},
		"noise":               noise,
		"noise_after_start":   append([]byte{0, 0, 0, 1}, noise...),
		"start_codes_only":    {0, 0, 0, 1, 0, 0, 1, 0, 0, 1},
		"truncated_in_sps":    idr[:8],
		"parameter_sets_only": idr[:lastSlice],
		"truncated_slice":     idr[:lastSlice+4+(len(idr)-lastSlice)/3],
		"bytes_flipped":       flipped,
		"slice_without_sps":   append([]byte{0, 0, 0, 1, 0x65}, noise[:64]...),
	}
}

// Each damaged access unit, fed to a fresh decoder and mid-stream, must give
// an error or no picture, or a picture of the stream's size (libavcodec
// conceals damage it can step over), never a crash; the good access units
// after it, from an IDR on, must decode to what the ffmpeg CLI makes of the
// same bytes. (After a damaged IDR, libavcodec's pictures differ from a
// clean decode by a few pixels until a fresh decoder; ffmpeg's do too.)
func TestBadAccessUnits(t *testing.T) {
	aus := accessUnits(t, baseline.encode(t))
	for name, bad := range damaged(aus[0]) {
		t.Run(name, func(t *testing.T) {
			for _, before := range []int{0, 5} { // fresh, and 5 pictures into the stream
				seq := append(append(append([][]byte{}, aus[:before]...), bad), aus[30:40]...)
				path := filepath.Join(t.TempDir(), "damaged.h264")
				if err := os.WriteFile(path, bytes.Join(seq, nil), 0o644); err != nil {
					t.Fatal(err)
				}
				ref := ffmpegI420(t, path, baseline.w, baseline.h, "yuv420p")
				d := newDecoder(t)
				var pics []Picture
				for i, au := range seq {
					p, ok, err := d.Decode(au)
					if i == before {
						t.Logf("after %d pictures: ok %v, err %v", before, ok, err)
						if ok && (err != nil || p.Width != baseline.w || p.Height != baseline.h || len(p.Data) != I420Size(p.Width, p.Height)) {
							t.Fatalf("picture %dx%d of %d bytes with error %v", p.Width, p.Height, len(p.Data), err)
						}
					} else if !ok || err != nil {
						t.Fatalf("good access unit %d: ok %v, %v", i, ok, err)
					}
					if ok {
						pics = append(pics, p)
					}
				}
				// ffmpeg's own parser may cut the damaged bytes differently
				// (one concealed picture more or less), so the good pictures
				// before and after them are compared, counted from each end.
				const after = 10
				if len(pics) < before+after || len(ref) < before+after {
					t.Fatalf("%d pictures, ffmpeg made %d; want at least %d", len(pics), len(ref), before+after)
				}
				for i := range before + after {
					j, k := i, i
					if i >= before {
						j, k = len(pics)-(before+after-i), len(ref)-(before+after-i)
					}
					if !bytes.Equal(pics[j].Data, ref[k]) {
						t.Fatalf("picture %d differs from ffmpeg's %d (PSNR %.1f dB)", j, k, planePSNR(baseline.w, baseline.h, pics[j].Data, ref[k]))
					}
				}
			}
		})
	}
}

// An access unit libavcodec rejects once it knows the parameter sets is an
// error that says so, with the access unit's size; before them it is only
// a stream joined mid-way (no picture, no error).
func TestRejectedAccessUnitError(t *testing.T) {
	aus := accessUnits(t, baseline.encode(t))
	bad := damaged(aus[0])["noise"]
	d := newDecoder(t)
	if _, ok, err := d.Decode(bad); ok || err != nil {
		t.Fatalf("before any SPS: ok %v, %v; want neither", ok, err)
	}
	decodeAll(t, d, aus[:2])
	_, ok, err := d.Decode(bad)
	const want = "h264dec: decoding access unit of 4000 bytes: Invalid data found when processing input"
	if ok || err == nil || err.Error() != want {
		t.Fatalf("after the parameter sets: ok %v, error %v; want %q", ok, err, want)
	}
	if _, _, err := d.Decode(nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty access unit: %v, want an error saying so", err)
	}
}

func TestUseAfterClose(t *testing.T) {
	aus := accessUnits(t, baseline.encode(t))
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	d.Close()
	d.Reset()
	if _, ok, err := d.Decode(aus[0]); ok || err == nil {
		t.Errorf("Decode after Close: ok %v, %v; want an error", ok, err)
	}
	if _, err := d.Flush(); err == nil {
		t.Error("Flush after Close: no error")
	}
}

// A picture larger than MaxPixels is refused (an error or no picture, not
// a huge allocation); raising the limit lets the next IDR through.
func TestMaxPixels(t *testing.T) {
	path := baseline.encode(t)
	aus := accessUnits(t, path)
	ref := ffmpegI420(t, path, baseline.w, baseline.h, "yuv420p")
	d := newDecoder(t)
	d.MaxPixels = 100 * 100
	for i, au := range aus[:30] {
		if p, ok, err := d.Decode(au); ok {
			t.Fatalf("access unit %d: a %dx%d picture over MaxPixels %d (err %v)", i, p.Width, p.Height, d.MaxPixels, err)
		}
	}
	d.MaxPixels = 0
	p, ok, err := d.Decode(aus[30])
	if !ok || err != nil || !bytes.Equal(p.Data, ref[30]) {
		t.Fatalf("the next IDR within the default limit: ok %v, %v", ok, err)
	}
}
