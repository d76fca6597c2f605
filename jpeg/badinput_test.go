package jpeg

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// sofOffset finds the baseline frame header (SOF0), whose height and width
// follow at +5 and +7.
func sofOffset(t *testing.T, data []byte) int {
	t.Helper()
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	return i
}

func withSize(t *testing.T, data []byte, w, h int) []byte {
	b := bytes.Clone(data)
	i := sofOffset(t, b)
	b[i+5], b[i+6], b[i+7], b[i+8] = byte(h>>8), byte(h), byte(w>>8), byte(w)
	return b
}

func TestDecodeBadInput(t *testing.T) {
	const w, h = 64, 48
	good := encodeCamera(t, w, h, Sub420, 80)
	sof := sofOffset(t, good)
	scan := bytes.Index(good, []byte{0xff, 0xda}) // entropy-coded data follows the SOS header
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	corrupt := bytes.Clone(good)
	copy(corrupt[len(good)/2:], []byte{0xff, 0xd3}) // a restart marker where none belongs

	type want struct {
		is      error  // errors.Is target, or nil for an *Error
		op      string // the *Error's Op when is == nil
		warning bool
	}
	cases := []struct {
		name string
		data []byte
		dst  int // bytes of dst; 0: enough for w×h RGB8
		f    Format
		want want
	}{
		{"nil", nil, 0, RGB8, want{op: "header"}},
		{"empty", []byte{}, 0, RGB8, want{op: "header"}},
		{"one byte", good[:1], 0, RGB8, want{op: "header"}},
		{"SOI only", good[:2], 0, RGB8, want{op: "header"}},
		{"cut in APP0", good[:11], 0, RGB8, want{op: "header"}},
		{"cut before SOF", good[:sof], 0, RGB8, want{op: "header"}},
		{"cut in SOF", good[:sof+6], 0, RGB8, want{op: "header"}},
		{"cut in Huffman tables", good[:scan-30], 0, RGB8, want{op: "header"}},
		{"cut at scan start", good[:scan+20], 0, RGB8, want{op: "decode", warning: true}},
		{"cut mid-scan", good[:len(good)/2], 0, RGB8, want{op: "decode", warning: true}},
		{"cut before EOI", good[:len(good)-2], 0, Mono8, want{op: "decode", warning: true}},
		{"restart marker mid-scan", corrupt, 0, BGR8, want{op: "decode", warning: true}},
		{"garbage", garbage, 0, RGB8, want{op: "header"}},
		{"SOI then garbage", append([]byte{0xff, 0xd8}, garbage...), 0, RGB8, want{op: "header"}},
		{"65500×65500 declared", withSize(t, good, 65500, 65500), 0, RGB8, want{is: ErrTooLarge}},
		{"65500×1 declared", withSize(t, good, 65500, 1), 0, RGB8, want{is: ErrShortBuffer}},
		{"65535×65535 declared", withSize(t, good, 65535, 65535), 0, RGB8, want{op: "header"}}, // over libjpeg's 65500
		{"zero height declared", withSize(t, good, w, 0), 0, RGB8, want{op: "header"}},
		{"dst one byte short", good, w*h*3 - 1, RGB8, want{is: ErrShortBuffer}},
		{"no dst", good, -1, Mono8, want{is: ErrShortBuffer}},
		{"decode into YUYV", good, 0, YUYV, want{is: ErrFormat}},
		{"decode into no format", good, 0, 0, want{is: ErrFormat}},
	}
	d := newDecoder(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.dst
			if n == 0 {
				n = w * h * 3
			}
			dst := make([]byte, max(n, 0))
			_, _, _, err := d.DecodeInto(dst, c.data, c.f)
			if err == nil {
				t.Fatal("no error")
			}
			if c.want.is != nil {
				if !errors.Is(err, c.want.is) {
					t.Fatalf("error %v, want %v", err, c.want.is)
				}
			} else {
				var jerr *Error
				if !errors.As(err, &jerr) {
					t.Fatalf("error %T %v, want *Error", err, err)
				}
				if jerr.Op != c.want.op || jerr.Warning != c.want.warning {
					t.Errorf("got %+v, want Op %q Warning %v", *jerr, c.want.op, c.want.warning)
				}
				if jerr.Msg == "" || !strings.HasPrefix(err.Error(), "jpeg: ") {
					t.Errorf("unhelpful message %q", err)
				}
			}
			// The same Decoder decodes the next good frame exactly as a new one
			// would: no state carries over from the failure.
			got := make([]byte, w*h*3)
			if _, _, _, err := d.DecodeInto(got, good, RGB8); err != nil {
				t.Fatalf("good frame after bad input: %v", err)
			}
			fresh := newDecoder(t)
			want := make([]byte, w*h*3)
			fresh.DecodeInto(want, good, RGB8)
			if !bytes.Equal(got, want) {
				t.Fatal("good frame after bad input decodes differently")
			}
		})
	}
}

func TestDecodePitchBad(t *testing.T) {
	data := encodeCamera(t, 64, 48, Sub420, 80)
	d := newDecoder(t)
	dst := make([]byte, 64*48*3*2)
	for _, pitch := range []int{-1, 64*3 - 1, 1 << 62} {
		if _, _, _, err := d.DecodeIntoPitch(dst, data, RGB8, pitch); !errors.Is(err, ErrGeometry) {
			t.Errorf("pitch %d: %v, want ErrGeometry", pitch, err)
		}
	}
	if _, _, _, err := d.DecodeIntoPitch(dst, data, RGB8, len(dst)); !errors.Is(err, ErrShortBuffer) {
		t.Errorf("pitch past the end: %v, want ErrShortBuffer", err)
	}
}

func TestMaxPixels(t *testing.T) {
	data := encodeCamera(t, 64, 48, Sub420, 80)
	d := newDecoder(t)
	d.MaxPixels = 64*48 - 1
	if _, _, _, err := d.DecodeInto(make([]byte, 64*48*3), data, RGB8); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DecodeInto over the limit: %v", err)
	}
	if _, err := d.DstSize(data, RGB8); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DstSize over the limit: %v", err)
	}
	d.MaxPixels = 64 * 48
	if _, _, _, err := d.DecodeInto(make([]byte, 64*48*3), data, RGB8); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

// A damaged frame can still be decoded to the end when the caller wants it;
// StopOnWarning gives up at once, and both report the damage.
func TestStopOnWarning(t *testing.T) {
	good := encodeCamera(t, 64, 48, Sub420, 80)
	cut := good[:len(good)/2]
	for _, stop := range []bool{false, true} {
		d := newDecoder(t)
		d.StopOnWarning = stop
		var jerr *Error
		if _, _, _, err := d.DecodeInto(make([]byte, 64*48*3), cut, RGB8); !errors.As(err, &jerr) || !jerr.Warning {
			t.Errorf("StopOnWarning=%v: %v, want a warning *Error", stop, err)
		}
	}
}
