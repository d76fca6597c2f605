package h264dec

import (
	"errors"
	"fmt"
	"runtime"
)

var (
	errClosed = errors.New("h264dec: use after Close")
	errEmpty  = errors.New("h264dec: empty access unit")
)

// DefaultMaxPixels bounds the pictures a Decoder accepts unless told
// otherwise: the largest frame any H.264 level allows (level 6.2: 139,264
// macroblocks, 8192×4352). A damaged or hostile SPS may declare more, and
// libavcodec would conceal a whole such picture, seconds of CPU and over
// 100 MB each.
const DefaultMaxPixels = 139264 * 16 * 16

// Decoder decodes one H.264 stream, access unit by access unit. Not safe for
// concurrent use.
type Decoder struct {
	// MaxPixels refuses pictures with more pixels (width×height, the width
	// rounded up to libavcodec's stride alignment): their access units give
	// an error or no picture. Zero (or less) means DefaultMaxPixels.
	MaxPixels int

	h         handle
	maxPixels int // the limit libavcodec was last given
	cleanup   runtime.Cleanup
	// sawSPS, sawPPS: parameter sets have been fed since New. Before both,
	// libavcodec's rejections are a mid-stream join, not corruption.
	sawSPS, sawPPS bool
}

// New opens a decoder: low delay (AV_CODEC_FLAG_LOW_DELAY), one thread, no
// frame threading, so each picture comes out with its own access unit
// unless the stream reorders (B-frames).
func New() (*Decoder, error) {
	h, err := openDecoder()
	if err != nil {
		return nil, err
	}
	d := &Decoder{h: h}
	d.cleanup = runtime.AddCleanup(d, closeDecoder, h)
	return d, nil
}

// Close frees the decoder; later calls return an error. Close twice is a no-op.
func (d *Decoder) Close() {
	if d.h == nil {
		return
	}
	d.cleanup.Stop()
	closeDecoder(d.h)
	d.h = nil
}

// Reset is for a gap in the stream: it drops the reference pictures and any
// picture held for reordering (avcodec_flush_buffers), keeping the parameter
// sets. Pictures come back from the next IDR (or recovery point); access
// units before it give ok false.
func (d *Decoder) Reset() {
	defer runtime.KeepAlive(d) // the cleanup must not free the decoder during the C call
	if d.h != nil {
		flush(d.h)
	}
}

// Decode feeds one access unit in Annex-B form (start codes; SPS/PPS may
// precede an IDR) and returns the picture it completes, in a new buffer.
//
// ok is false, with no error, when there is no picture yet: before the
// first IDR, after Reset until the next IDR, during a reordering stream's
// delay, for an access unit that holds no slice (parameter sets or SEI on
// their own), and for any access unit libavcodec rejects before an SPS and
// a PPS have been fed (a stream joined mid-GOP: its slices name parameter
// sets not seen yet). After that, an access unit libavcodec rejects returns
// an error naming libavcodec's reason; the decoder stays usable. Damage
// libavcodec can conceal (a lost slice, bad macroblocks) is concealed and
// the picture returned. An empty access unit is an error.
func (d *Decoder) Decode(au []byte) (p Picture, ok bool, err error) {
	return d.DecodeInto(au, nil)
}

// DecodeInto is Decode writing the picture into dst[:size] when cap(dst)
// holds its I420 size (no allocation per frame), else into a new buffer.
func (d *Decoder) DecodeInto(au, dst []byte) (Picture, bool, error) {
	defer runtime.KeepAlive(d)
	if d.h == nil {
		return Picture{}, false, errClosed
	}
	if len(au) == 0 {
		return Picture{}, false, errEmpty
	}
	if len(au) > maxAccessUnit {
		return Picture{}, false, fmt.Errorf("h264dec: access unit of %d bytes is too large", len(au))
	}
	d.applyMaxPixels()
	if !d.sawSPS || !d.sawPPS {
		sps, pps := parameterSets(au)
		d.sawSPS, d.sawPPS = d.sawSPS || sps, d.sawPPS || pps
	}
	r := decode(d.h, au)
	if r.err != 0 {
		if d.rejectionExpected(au) {
			return Picture{}, false, nil
		}
		return Picture{}, false, fmt.Errorf("h264dec: decoding access unit of %d bytes: %s", len(au), avError(r.err))
	}
	if !r.got {
		return Picture{}, false, nil
	}
	p, err := d.take(r, dst)
	return p, err == nil, err
}

func (d *Decoder) applyMaxPixels() {
	limit := d.MaxPixels
	if limit <= 0 {
		limit = DefaultMaxPixels
	}
	if limit != d.maxPixels {
		setMaxPixels(d.h, limit)
		d.maxPixels = limit
	}
}

// rejectionExpected: libavcodec says "no frame!" (invalid data) for an
// access unit without a slice, and for slices whose parameter sets it has
// not seen; neither is a damaged stream.
func (d *Decoder) rejectionExpected(au []byte) bool {
	if !d.sawSPS || !d.sawPPS {
		return true
	}
	nals, slices := nalCounts(au)
	return nals > 0 && slices == 0
}

// take copies the received picture into dst (reused when large enough).
func (d *Decoder) take(r result, dst []byte) (Picture, error) {
	n := I420Size(r.width, r.height)
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	if rc := takePicture(d.h, dst); rc != 0 {
		return Picture{}, fmt.Errorf("h264dec: converting a %dx%d %s picture to I420: %s", r.width, r.height, pixelFormatName(r.format), avError(rc))
	}
	return Picture{Width: r.width, Height: r.height, Data: dst, FullRange: r.fullRange}, nil
}

// Flush is for the end of a stream: it returns the pictures a reordering
// stream still holds (in output order, each in a new buffer) and leaves the
// decoder ready for a new stream from its next IDR, as after Reset. A
// stream without reordering holds none.
func (d *Decoder) Flush() ([]Picture, error) {
	defer runtime.KeepAlive(d)
	if d.h == nil {
		return nil, errClosed
	}
	defer flush(d.h)
	if rc := drain(d.h); rc != 0 {
		return nil, fmt.Errorf("h264dec: draining: %s", avError(rc))
	}
	var out []Picture
	for {
		r := nextDrained(d.h)
		if r.err != 0 {
			return out, fmt.Errorf("h264dec: draining: %s", avError(r.err))
		}
		if !r.got {
			return out, nil
		}
		p, err := d.take(r, nil)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
}
