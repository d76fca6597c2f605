package h264

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"webcam/capture"
)

// AccessUnit is one encoded picture: its NAL units in Annex-B form (start
// codes), SPS and PPS in front of every keyframe.
//
// Data is allocated for this access unit alone and never written again: the
// caller owns it and may share it read-only between any number of goroutines
// (one WebRTC track or HTTP viewer each) for as long as it likes. It is the
// one allocation Encode makes per frame.
type AccessUnit struct {
	Data     []byte
	Keyframe bool      // an IDR picture: decoding can start here
	Seq      uint64    // the capture.Frame's Seq
	Stamp    time.Time // the capture.Frame's Stamp
}

// Stats counts an Encoder's work, for /state and /diagnostics.
type Stats struct {
	Encodes   uint64 // access units produced
	Keyframes uint64 // of which IDRs
	Bytes     uint64 // total Annex-B bytes produced
	Errors    uint64 // frames refused (bad input) or failed in x264
}

// ErrClosed: the Encoder was closed.
var ErrClosed = errors.New("h264: use after Close")

// Encoder turns capture frames into H.264 access units with one x264
// encoder. Encode is not safe for concurrent use; Stats, SPS, PPS and
// Settings are.
type Encoder struct {
	settings Settings
	x        x264Handle
	pic      picture // x264's input planes
	sps, pps []byte  // NAL units without start codes
	pts      int64

	in      input // frame conversion state and buffers
	cleanup runtime.Cleanup

	encodes, keyframes, bytes, errors atomic.Uint64
}

// Threads: one, without sliced threads. bench/h264_ratio.sh timed the x264
// CLI on the 720p clip both ways: 2 sliced threads cost the same CPU per
// frame (0.99x), so their only gain is latency from a second core, and in
// the node that core carries capture, JPEG and publishing. Revisit with a
// latency measurement in the node.
const (
	x264Threads = 1
	x264Sliced  = false
)

// NewEncoder validates s and opens an x264 encoder for it.
func NewEncoder(s Settings) (*Encoder, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	lvl, _ := LevelFor(s.Width, s.Height, s.FPS, s.BitrateKbps)
	x, err := openX264(s.Preset, x264Params{
		width: s.Width, height: s.Height, fps: s.FPS, bitrateKbps: s.BitrateKbps,
		vbvKbit: s.vbvKbit(), gop: s.GOP, qmin: s.QMin, qmax: s.QMax, level: lvl,
		threads: x264Threads, sliced: x264Sliced, videoRange: s.VideoRange,
	})
	if err != nil {
		return nil, err
	}
	e := &Encoder{settings: s, x: x, pic: newPicture(x, s.Width, s.Height), in: input{videoRange: s.VideoRange}}
	e.cleanup = runtime.AddCleanup(e, closeX264, x)
	sps, pps, ok := headers(x)
	if !ok {
		e.Close()
		return nil, errors.New("h264: x264 wrote no SPS/PPS")
	}
	e.sps, e.pps = stripStartCode(sps), stripStartCode(pps)
	return e, nil
}

// Close frees the x264 encoder and the conversion handles. The Encoder
// cannot be used afterwards; access units already returned stay valid.
func (e *Encoder) Close() error {
	if e.x != nil {
		e.cleanup.Stop()
		closeX264(e.x)
		e.x = nil
		e.pic = picture{}
	}
	e.in.close()
	return nil
}

// Settings is what the Encoder was opened with.
func (e *Encoder) Settings() Settings { return e.settings }

// SPS is the sequence parameter set NAL unit, without start code (as avcC
// and SDP's sprop-parameter-sets carry it). The same bytes precede every
// keyframe. Read-only.
func (e *Encoder) SPS() []byte { return e.sps }

// PPS is the picture parameter set NAL unit, without start code. Read-only.
func (e *Encoder) PPS() []byte { return e.pps }

// ProfileLevelID is the SPS's profile_idc, constraint flags and level_idc
// in hex, as SDP's profile-level-id names them ("42c01f": constrained
// baseline, level 3.1).
func (e *Encoder) ProfileLevelID() string { return fmt.Sprintf("%x", e.sps[1:4]) }

// Stats is a snapshot of the counters; safe from any goroutine.
func (e *Encoder) Stats() Stats {
	return Stats{
		Encodes: e.encodes.Load(), Keyframes: e.keyframes.Load(),
		Bytes: e.bytes.Load(), Errors: e.errors.Load(),
	}
}

// Encode converts f (any capture format) to the encoder's size and encodes
// it. forceKeyframe makes it an IDR (with SPS and PPS), as a WebRTC PLI or a
// new viewer needs; otherwise an IDR comes every GOP frames. A frame that
// cannot be read (wrong data length, unknown format, corrupt JPEG) returns an
// error and leaves the stream as it was: the next good frame encodes.
func (e *Encoder) Encode(f *capture.Frame, forceKeyframe bool) (AccessUnit, error) {
	defer runtime.KeepAlive(e) // the cleanup must not close x264 during the C call
	if e.x == nil {
		return AccessUnit{}, ErrClosed
	}
	if err := e.in.load(f, e.pic); err != nil {
		e.errors.Add(1)
		return AccessUnit{}, fmt.Errorf("h264: frame %d: %w", f.Seq, err)
	}
	data, key, n := encodePicture(e.x, forceKeyframe, e.pts)
	if n <= 0 {
		e.errors.Add(1)
		// zerolatency never holds a picture back, so no output is a failure.
		return AccessUnit{}, fmt.Errorf("h264: frame %d: x264_encoder_encode returned %d", f.Seq, n)
	}
	e.pts++
	au := AccessUnit{Data: bytes.Clone(data), Keyframe: key, Seq: f.Seq, Stamp: f.Stamp}
	e.encodes.Add(1)
	e.bytes.Add(uint64(n))
	if key {
		e.keyframes.Add(1)
	}
	return au, nil
}

// stripStartCode drops an Annex-B start code (3 or 4 bytes) from one NAL unit.
func stripStartCode(nal []byte) []byte {
	if b, ok := bytes.CutPrefix(nal, []byte{0, 0, 0, 1}); ok {
		return b
	}
	b, _ := bytes.CutPrefix(nal, []byte{0, 0, 1})
	return b
}

// picture is the encoder's I420 input: Go views of x264's planes.
type picture struct {
	y, u, v          []byte
	yStride, cStride int
	width, height    int
}

func newPicture(x x264Handle, w, h int) picture {
	y, ys := inputPlane(x, 0, h)
	u, cs := inputPlane(x, 1, h/2)
	v, _ := inputPlane(x, 2, h/2)
	return picture{y: y, u: u, v: v, yStride: ys, cStride: cs, width: w, height: h}
}
