package fmp4

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestWriterBadInput: damaged access units give a clear error and write
// nothing; the writer stays usable for the next good one unless the error
// ends the stream.
func TestWriterBadInput(t *testing.T) {
	stream := encode(t, encoding{width: 320, height: 240, profile: "baseline", zeroLatency: true, frames: 2})
	aus := SplitAccessUnits(stream)
	sps, pps := firstNAL(t, stream, nalSPS), firstNAL(t, stream, nalPPS)
	idr := firstNAL(t, stream, nalIDR)
	annexB := func(nals ...[]byte) []byte {
		var b []byte
		for _, nal := range nals {
			b = append(append(b, 0, 0, 0, 1), nal...)
		}
		return b
	}
	cases := []struct {
		name string
		au   AccessUnit
		want error  // errors.Is, or nil to match text
		text string // in the message
	}{
		{"empty", AccessUnit{Key: true}, ErrNotAnnexB, ""},
		{"no start code", AccessUnit{Data: idr, Key: true}, ErrNotAnnexB, ""},
		{"keyframe without SPS/PPS", AccessUnit{Data: annexB(idr), Key: true}, ErrNoParameterSets, ""},
		{"keyframe without PPS", AccessUnit{Data: annexB(sps, idr), Key: true}, ErrNoParameterSets, ""},
		{"truncated SPS", AccessUnit{Data: annexB(sps[:6], pps, idr), Key: true}, nil, "truncated"},
		{"truncated slice header", AccessUnit{Data: annexB(sps, pps, []byte{0x65}), Key: true}, nil, "header truncated"},
		{"start code only", AccessUnit{Data: []byte{0, 0, 1}, Key: true}, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			w := NewWriter(&out, Options{})
			err := w.WriteAccessUnit(c.au)
			switch {
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("got %v, want %v", err, c.want)
			case c.want == nil && c.text != "" && (err == nil || !strings.Contains(err.Error(), c.text)):
				t.Errorf("got %v, want an error saying %q", err, c.text)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes for a bad access unit", out.Len())
			}
			// The next good keyframe starts the stream.
			if err := w.WriteAccessUnit(AccessUnit{Data: aus[0], Key: true}); err != nil {
				t.Fatalf("good keyframe after: %v", err)
			}
			if w.Codec() == "" || out.Len() == 0 {
				t.Errorf("good keyframe after: no init segment")
			}
		})
	}
}

// TestWriterParameterSetsChanged: a keyframe with another SPS (a new size)
// ends the stream with ErrParameterSetsChanged and writes nothing of it; the
// same parameter sets again are fine; parameter sets sent before the first
// keyframe are used for it.
func TestWriterParameterSetsChanged(t *testing.T) {
	small := encode(t, encoding{width: 320, height: 240, profile: "baseline", zeroLatency: true, frames: 31})
	large := encode(t, encoding{width: 640, height: 480, profile: "baseline", zeroLatency: true, frames: 1})
	aus := SplitAccessUnits(small)
	var out writeCounter
	w := NewWriter(&out, Options{})
	// Parameter sets alone first, as some hardware encoders send them; then
	// the keyframe without them.
	headers := bytes.Join([][]byte{{0, 0, 0, 1}, firstNAL(t, small, nalSPS), {0, 0, 0, 1}, firstNAL(t, small, nalPPS)}, nil)
	idrOnly := append([]byte{0, 0, 0, 1}, firstNAL(t, small, nalIDR)...)
	steps := []struct {
		name string
		au   AccessUnit
		want error
	}{
		{"headers alone", AccessUnit{Data: headers}, nil},
		{"keyframe without headers", AccessUnit{Data: idrOnly, Key: true}, nil},
		{"next picture", AccessUnit{Data: aus[1], Key: false, Time: time.Second / 30}, nil},
		{"same headers with the next keyframe", AccessUnit{Data: aus[30], Key: true, Time: time.Second}, nil},
		{"new size", AccessUnit{Data: SplitAccessUnits(large)[0], Key: true, Time: 2 * time.Second}, ErrParameterSetsChanged},
		{"after it", AccessUnit{Data: aus[2], Time: 3 * time.Second}, ErrParameterSetsChanged},
	}
	for _, s := range steps {
		if err := w.WriteAccessUnit(s.au); !errors.Is(err, s.want) {
			t.Fatalf("%s: got %v, want %v", s.name, err, s.want)
		}
	}
	if len(out.writes) != 3 {
		t.Errorf("%d writes, want 3 (keyframe with init, picture, keyframe)", len(out.writes))
	}
	if s := probeStream(t, writeFile(t, "out.mp4", out.Bytes()), true); s.NbReadFrames != "3" || s.Width != 320 {
		t.Errorf("ffprobe: %s frames %dx%d, want 3 at 320x240", s.NbReadFrames, s.Width, s.Height)
	}
}

// failingWriter fails every Write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// TestWriterWriteErrorIsSticky: once a Write failed the stream is broken, and
// every later call says so without writing.
func TestWriterWriteErrorIsSticky(t *testing.T) {
	aus := SplitAccessUnits(encode(t, encoding{width: 320, height: 240, profile: "baseline", zeroLatency: true, frames: 2}))
	w := NewWriter(failingWriter{}, Options{})
	for i, au := range aus {
		if err := w.WriteAccessUnit(AccessUnit{Data: au, Key: i == 0}); !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("access unit %d: %v, want the write error", i, err)
		}
	}
}
