package capture

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// H264Stream is one H.264 source's access units from its last IDR on. Two
// kinds of reader need more than the newest frame that every other consumer
// gets: a passthrough viewer must send every access unit (a lost P picture
// spoils the picture up to the next IDR), and a decoder must have fed every
// unit since an IDR to reach a frame. Both read them here; nobody decodes
// until someone asks an H264 frame for pixels.
type H264Stream struct {
	mu       sync.Mutex
	units    []AccessUnit  // the last IDR first, then every unit since, oldest dropped past maxUnits
	gopStart uint64        // Index of the last IDR; 0: none yet (indexes start at 1)
	next     uint64        // the Index the next unit gets
	changed  chan struct{} // closed and replaced on every append and on Close
	closed   bool
	params   h264Params // the latest parameter sets, put before IDRs that lack them
	askKey   func()     // asks the source for an IDR; nil when it cannot

	dec h264Decoding // the lazily opened decoder, under its own lock
}

// AccessUnit is one H.264 picture of a stream, as its source delivered it.
type AccessUnit struct {
	Index    uint64 // from 1, increasing by one per unit of the stream
	Data     []byte // Annex-B; never written once appended
	Keyframe bool   // an IDR: decoding can start here
	Stamp    time.Time
}

// maxUnits bounds a stream's memory when IDRs are rare (a camera's GOP of
// 10 s at 60 fps fits): past it the oldest units go, and a decoder that
// needs them starts again at the next IDR.
const maxUnits = 1200

// ErrStreamClosed ends the reads of a stream whose source closed.
var ErrStreamClosed = errors.New("capture: H.264 stream closed")

// NewH264Stream starts a stream; askKey, when not nil, asks the source for
// an IDR picture (an encoder in a pipeline), for viewers who join.
func NewH264Stream(askKey func()) *H264Stream {
	return &H264Stream{next: 1, changed: make(chan struct{}), askKey: askKey}
}

// Frame appends one access unit and returns it as a Frame of format H264
// (the Seq is the caller's to set). An IDR without SPS and PPS gets the
// stream's latest ones put before it, so every IDR can start a decoder.
// The size is the SPS's; w and h are used until one has come. Bytes that
// are not Annex-B, and a unit of unknown size, are errors.
func (s *H264Stream) Frame(data []byte, w, h int, stamp time.Time) (*Frame, error) {
	if len(data) == 0 {
		return nil, errors.New("empty H.264 access unit")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrStreamClosed
	}
	data, key, err := s.params.complete(data)
	if err != nil {
		return nil, err
	}
	if s.params.width > 0 && s.params.height > 0 {
		w, h = s.params.width, s.params.height
	}
	if w <= 0 || h <= 0 {
		return nil, errors.New("H.264 access unit before any SPS: the picture size is not known yet")
	}
	u := AccessUnit{Index: s.next, Data: data, Keyframe: key, Stamp: stamp}
	s.next++
	if key {
		s.units, s.gopStart = s.units[:0:0], u.Index // the old units may still be read by a slow reader
	}
	if len(s.units) >= maxUnits {
		s.units = append(s.units[:0:0], s.units[len(s.units)-maxUnits/2:]...)
	}
	s.units = append(s.units, u)
	close(s.changed)
	s.changed = make(chan struct{})
	return &Frame{Width: w, Height: h, Format: H264, Data: data, Stamp: stamp, h264: h264Ref{s, u.Index}}, nil
}

// Close ends the stream: waiting readers get ErrStreamClosed, and the
// decoder, if one was opened, is freed.
func (s *H264Stream) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.changed)
	}
	s.mu.Unlock()
	s.dec.close()
}

// Newest is the Index of the newest unit, 0 before the first.
func (s *H264Stream) Newest() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next - 1
}

// Next returns the unit after the one with Index after, waiting for it. A
// reader that fell behind the kept units (or starts with after 0) is given
// the next IDR instead: its decoder can start there.
func (s *H264Stream) Next(ctx context.Context, after uint64) (AccessUnit, error) {
	for {
		s.mu.Lock()
		u, ok := s.unitAfter(after)
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		switch {
		case ok:
			return u, nil
		case closed:
			return AccessUnit{}, ErrStreamClosed
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return AccessUnit{}, ctx.Err()
		}
	}
}

// unitAfter finds what Next returns, under s.mu.
func (s *H264Stream) unitAfter(after uint64) (AccessUnit, bool) {
	if len(s.units) == 0 {
		return AccessUnit{}, false
	}
	first := s.units[0].Index
	if after+1 >= first && after+1 < s.next && after != 0 {
		return s.units[after+1-first], true
	}
	if s.gopStart > after && s.gopStart == first { // behind, or new: from the IDR on
		return s.units[0], true
	}
	return AccessUnit{}, false
}

// RequestKeyframe asks the source for an IDR picture, if it can make one
// (an encoder in its pipeline); a camera's own stream brings one per GOP.
// It reports whether it could ask.
func (s *H264Stream) RequestKeyframe() bool {
	if s.askKey == nil {
		return false
	}
	s.askKey()
	return true
}

// ProfileLevelID is the stream's profile-level-id as SDP writes it (the
// three bytes after the SPS's NAL header, in hex), "" before any SPS.
func (s *H264Stream) ProfileLevelID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sps := s.params.sps; len(sps) >= 4 {
		return fmt.Sprintf("%02x%02x%02x", sps[1], sps[2], sps[3])
	}
	return ""
}

// Reorders reports whether the stream has sent B pictures (decoding order
// is then not display order), which a relay must not pass on as they are.
func (s *H264Stream) Reorders() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.params.reorders
}

// decodable reports whether the stream has the parameter sets an IDR needs.
func (s *H264Stream) decodable() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.params.ready()
}

// keyframe reports whether the unit with Index i is an IDR, if it is kept.
func (s *H264Stream) keyframe(i uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.units) > 0 && i >= s.units[0].Index && i < s.next && s.units[i-s.units[0].Index].Keyframe
}

// units from..to (Indexes), if all are still kept.
func (s *H264Stream) span(from, to uint64) ([]AccessUnit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.units) == 0 || from < s.units[0].Index || to >= s.next || from > to {
		return nil, false
	}
	first := s.units[0].Index
	return append([]AccessUnit(nil), s.units[from-first:to-first+1]...), true
}

// keyframeAtOrBefore is the gop start if it is kept and not after n.
func (s *H264Stream) keyframeAtOrBefore(n uint64) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gopStart == 0 || s.gopStart > n || len(s.units) == 0 || s.units[0].Index != s.gopStart {
		return 0, false
	}
	return s.gopStart, true
}

// h264Ref ties an H264 frame to its place in its stream.
type h264Ref struct {
	stream *H264Stream
	index  uint64
}

// H264 returns the stream an H264 frame belongs to and its unit's Index.
func (f *Frame) H264() (*H264Stream, uint64, bool) {
	return f.h264.stream, f.h264.index, f.h264.stream != nil
}
