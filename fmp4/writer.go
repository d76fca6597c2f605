package fmp4

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// ContentType is the MIME type of the stream, as web_video_server sends it
// for type=h264.
const ContentType = "video/mp4"

// AccessUnit is one coded picture as an encoder hands it out.
type AccessUnit struct {
	// Data is Annex-B: start codes, each followed by a NAL unit (AUD, SPS,
	// PPS, SEI, slices). The writer does not keep it.
	Data []byte
	// Key marks an IDR picture, where a decoder can start.
	Key bool
	// Time is the capture time on any one clock (a duration since some
	// origin): only differences between access units count.
	Time time.Duration
}

// Options tune the timing; the zero value is fine for a camera.
type Options struct {
	// FirstDuration is the first sample's duration, when no interval is
	// known yet. Default: 1/30 s.
	FirstDuration time.Duration
	// MaxInterval is the longest gap between stamps kept as it is; a longer
	// one, or a stamp that does not advance, continues the timeline by the
	// last frame's duration instead. Default: 1 s.
	MaxInterval time.Duration
}

// Errors of WriteAccessUnit.
var (
	// ErrNoParameterSets: the first keyframe came without an SPS and a PPS,
	// neither in it nor in an earlier access unit. The writer keeps waiting.
	ErrNoParameterSets = errors.New("fmp4: keyframe without SPS and PPS (in it or before it): cannot write the init segment")
	// ErrParameterSetsChanged: an access unit carries an SPS or PPS that
	// differs from the init segment's (a new size, profile or encoder). An
	// MP4 stream has one init segment, so this one ends here: the caller
	// starts a new stream (a new HTTP response, a new Writer) from this
	// access unit, which a new Writer accepts if it is a keyframe.
	ErrParameterSetsChanged = errors.New("fmp4: SPS/PPS changed: a new stream (new init segment) is needed")
	// ErrReordered: a B slice. Fragments here carry no composition offsets,
	// so pictures must come in display order (no B-frames: x264's
	// tune=zerolatency, bframes=0, or the baseline profile).
	ErrReordered = errors.New("fmp4: B slice: reordered frames are not supported; encode without B-frames")
)

// Writer writes a live H.264 stream as fragmented MP4: the init segment
// (ftyp, moov) before the first keyframe, then one fragment (moof, mdat) per
// access unit. Each WriteAccessUnit that writes anything makes exactly one
// Write call on the underlying writer, so a caller can flush after it. A
// Writer is not safe for concurrent use.
type Writer struct {
	out   io.Writer
	clock decodeClock

	buf      boxBuffer  // the bytes of one Write, kept between calls
	nals     [][]byte   // the current access unit's NAL units, kept between calls
	pending  paramSets  // the latest SPS and PPS seen before the init segment
	params   *paramSets // the init segment's; nil until it is written
	sequence uint32     // of the last fragment
	err      error      // sticky: after it the stream cannot continue
}

// NewWriter returns a Writer that writes to out.
func NewWriter(out io.Writer, opts Options) *Writer {
	if opts.FirstDuration <= 0 {
		opts.FirstDuration = time.Second / 30
	}
	if opts.MaxInterval <= 0 {
		opts.MaxInterval = time.Second
	}
	return &Writer{
		out: out,
		clock: decodeClock{
			firstDuration: max(toTicks(opts.FirstDuration), 1),
			maxInterval:   opts.MaxInterval,
		},
	}
}

// Codec returns the RFC 6381 codec string of the stream (avc1.PPCCLL) for
// MediaSource and <source type>, or "" before the init segment is written.
func (w *Writer) Codec() string {
	if w.params == nil {
		return ""
	}
	return w.params.parsed.Codec()
}

// SPS returns the parsed SPS of the init segment, and false before it is
// written.
func (w *Writer) SPS() (SPS, bool) {
	if w.params == nil {
		return SPS{}, false
	}
	return w.params.parsed, true
}

// WriteAccessUnit writes one access unit as a fragment. Before the first
// keyframe it writes nothing and returns nil (an SPS and PPS in those access
// units are remembered); with the first keyframe it writes the init segment
// and the fragment together. An access unit with no picture (only parameter
// sets, say) writes nothing.
//
// Damaged input returns an error and writes nothing; the stream may go on
// with the next access unit. ErrParameterSetsChanged, ErrReordered and a
// failed Write end the stream: every later call returns the same error.
func (w *Writer) WriteAccessUnit(au AccessUnit) error {
	if w.err != nil {
		return w.err
	}
	nals, err := appendNALUnits(w.nals[:0], au.Data)
	w.nals = nals
	if err != nil {
		return err
	}
	content, err := scanAccessUnit(nals)
	if err != nil {
		return err
	}
	if err := w.takeParamSets(content); err != nil {
		return err
	}
	if !content.picture {
		return nil
	}
	if content.bSlice {
		w.err = ErrReordered
		return w.err
	}
	w.buf.b = w.buf.b[:0]
	if w.params == nil {
		if !au.Key {
			return nil // a decoder cannot start here
		}
		if err := w.startStream(); err != nil {
			return err
		}
	}
	w.appendFragment(au)
	if _, err := w.out.Write(w.buf.b); err != nil {
		w.err = fmt.Errorf("fmp4: write: %w", err)
		return w.err
	}
	return nil
}

// auContent is what one access unit holds, from its NAL unit headers.
type auContent struct {
	sps, pps [][]byte // parameter sets, slices of the caller's data
	picture  bool     // at least one slice
	bSlice   bool
}

// scanAccessUnit sorts an access unit's NAL units and checks the parameter
// sets fit avcC's counts and 16-bit lengths.
func scanAccessUnit(nals [][]byte) (auContent, error) {
	var c auContent
	for _, nal := range nals {
		switch t := nalType(nal); {
		case t == nalSPS:
			c.sps = append(c.sps, nal)
		case t == nalPPS:
			c.pps = append(c.pps, nal)
		case isVCL(t):
			if !c.picture {
				st := sliceType(nal)
				if st < 0 {
					return c, fmt.Errorf("fmp4: slice (NAL type %d) of %d bytes: header truncated", t, len(nal))
				}
				c.bSlice = st%5 == 1
			}
			c.picture = true
		}
	}
	if len(c.sps) > 31 || len(c.pps) > 255 {
		return c, fmt.Errorf("fmp4: %d SPS and %d PPS in one access unit: more than avcC holds", len(c.sps), len(c.pps))
	}
	for _, sets := range [2][][]byte{c.sps, c.pps} {
		for _, ps := range sets {
			if len(ps) > 0xffff {
				return c, fmt.Errorf("fmp4: parameter set of %d bytes: more than avcC holds", len(ps))
			}
		}
	}
	return c, nil
}

// takeParamSets remembers the parameter sets of an access unit before the
// init segment, and after it checks they are the init segment's.
func (w *Writer) takeParamSets(c auContent) error {
	if w.params != nil {
		if (c.sps != nil && !equalNALs(c.sps, w.params.sps)) ||
			(c.pps != nil && !equalNALs(c.pps, w.params.pps)) {
			w.err = ErrParameterSetsChanged
			return w.err
		}
		return nil
	}
	if c.sps != nil {
		w.pending.sps = cloneNALs(c.sps)
	}
	if c.pps != nil {
		w.pending.pps = cloneNALs(c.pps)
	}
	return nil
}

// startStream parses the SPS and appends the init segment to the buffer.
func (w *Writer) startStream() error {
	if w.pending.sps == nil || w.pending.pps == nil {
		return ErrNoParameterSets
	}
	parsed, err := ParseSPS(w.pending.sps[0])
	if err != nil {
		return err
	}
	params := w.pending
	params.parsed = parsed
	w.params = &params
	appendInit(&w.buf, w.params)
	return nil
}

// appendFragment appends the access unit's fragment to the buffer.
func (w *Writer) appendFragment(au AccessUnit) {
	decodeTime, duration := w.clock.next(au.Time)
	w.sequence++
	marks := appendFragmentHead(&w.buf, sample{
		sequence:   w.sequence,
		decodeTime: uint64(decodeTime),
		duration:   uint32(duration),
		sync:       au.Key,
	})
	appendSampleData(&w.buf, w.nals)
	finishFragment(&w.buf, marks)
}

func equalNALs(a, b [][]byte) bool {
	return slices.EqualFunc(a, b, bytes.Equal)
}

// cloneNALs copies NAL units out of the caller's buffer.
func cloneNALs(nals [][]byte) [][]byte {
	out := make([][]byte, len(nals))
	for i, nal := range nals {
		out[i] = bytes.Clone(nal)
	}
	return out
}
