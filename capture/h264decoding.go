package capture

import (
	"errors"
	"fmt"
	"sync"

	"webcam/h264dec"
)

// h264Decoding is a stream's decoder, opened by the first frame asked for
// pixels. It remembers the last unit it was fed: reaching a later frame
// feeds the units in between (their pictures into scratch); a frame before
// that, or after a gap in the kept units, restarts from the IDR before it.
type h264Decoding struct {
	mu      sync.Mutex
	dec     *h264dec.Decoder
	pos     uint64 // Index of the last unit fed; 0: none since the last reset
	scratch []byte // pictures nobody asked for
	closed  bool
}

// errNoPicture: the decoder held the picture back (a stream with B
// pictures reorders) or has not reached an IDR yet.
var errNoPicture = errors.New("the decoder gave no picture for this access unit")

func (d *h264Decoding) decodeTo(s *H264Stream, n uint64) (h264dec.Picture, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return h264dec.Picture{}, ErrStreamClosed
	}
	if d.dec == nil {
		dec, err := h264dec.New()
		if err != nil {
			return h264dec.Picture{}, err
		}
		d.dec = dec
	}
	units, ok := s.span(d.pos+1, n)
	if d.pos == 0 || !ok {
		k, found := s.keyframeAtOrBefore(n)
		if !found {
			return h264dec.Picture{}, fmt.Errorf("unit %d: no IDR picture before it is kept (a decoder starts at one)", n)
		}
		if d.pos != 0 {
			d.dec.Reset()
		}
		if units, ok = s.span(k, n); !ok {
			return h264dec.Picture{}, fmt.Errorf("unit %d: the units since its IDR are no longer kept", n)
		}
	}
	return d.feed(units)
}

// feed decodes units in order and returns the last one's picture, in a
// buffer of its own (the frame keeps it).
func (d *h264Decoding) feed(units []AccessUnit) (h264dec.Picture, error) {
	for i, u := range units {
		d.pos = u.Index
		if i < len(units)-1 {
			if pic, ok, err := d.dec.DecodeInto(u.Data, d.scratch); err == nil && ok {
				d.scratch = pic.Data
			}
			continue
		}
		pic, ok, err := d.dec.DecodeInto(u.Data, nil)
		switch {
		case err != nil:
			return h264dec.Picture{}, err
		case !ok:
			return h264dec.Picture{}, errNoPicture
		}
		return pic, nil
	}
	return h264dec.Picture{}, errNoPicture
}

func (d *h264Decoding) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.dec != nil {
		d.dec.Close()
		d.dec = nil
	}
}
