package capture

import (
	"bytes"

	"webcam/fmp4"
)

// H.264 NAL unit types (table 7-1) that h264Params looks at.
const (
	h264NALSlice = 1 // a non-IDR slice: I, P or B
	h264NALIDR   = 5
	h264NALSPS = 7
	h264NALPPS = 8
	h264NALAUD = 9
)

var h264StartCode = []byte{0, 0, 0, 1}

// h264Params keeps the last SPS and PPS of a stream, so that every IDR can
// go out with them (H264 frames promise that; a stream may carry them once
// only) and the picture size is known.
type h264Params struct {
	sps    []byte   // NAL units without start codes, our own copies
	pps    [][]byte //
	width  int      // the SPS's cropped size; 0 until an SPS parsed
	height int
	// reorders: a B slice has been seen, so pictures come in decoding
	// order, not display order (WebRTC viewers and fMP4 without composition
	// offsets cannot take them as they are).
	reorders bool
}

// ready reports whether an IDR can be made decodable on its own.
func (p *h264Params) ready() bool { return p.sps != nil && len(p.pps) > 0 }

// complete returns the access unit with SPS and PPS before its IDR slices
// (au itself when it has them or is no IDR), and whether it is an IDR. It
// remembers the parameter sets au carries.
func (p *h264Params) complete(au []byte) (out []byte, idr bool, err error) {
	nals, err := fmp4.NALUnits(au)
	if err != nil {
		return nil, false, err
	}
	var hasSPS, hasPPS bool
	var pps [][]byte
	for _, n := range nals {
		switch n[0] & 0x1f {
		case h264NALSPS:
			hasSPS = true
			p.setSPS(n)
		case h264NALPPS:
			hasPPS = true
			pps = append(pps, bytes.Clone(n))
		case h264NALIDR:
			idr = true
		case h264NALSlice:
			p.reorders = p.reorders || fmp4.IsBSlice(n)
		}
	}
	if hasPPS {
		p.pps = pps
	}
	if !idr || (hasSPS && hasPPS) || !p.ready() {
		return au, idr, nil
	}
	return p.withParams(nals, !hasSPS, !hasPPS), true, nil
}

// setSPS keeps an SPS and the size it gives, if it parses.
func (p *h264Params) setSPS(n []byte) {
	if bytes.Equal(n, p.sps) {
		return
	}
	p.sps = bytes.Clone(n)
	if s, err := fmp4.ParseSPS(n); err == nil {
		p.width, p.height = s.Width, s.Height
	}
}

// withParams rebuilds an access unit from its NAL units with the missing
// parameter sets inserted after the delimiter, if any, else first.
func (p *h264Params) withParams(nals [][]byte, sps, pps bool) []byte {
	var out []byte
	put := func(n []byte) { out = append(append(out, h264StartCode...), n...) }
	if nals[0][0]&0x1f == h264NALAUD {
		put(nals[0])
		nals = nals[1:]
	}
	if sps {
		put(p.sps)
	}
	if pps {
		for _, n := range p.pps {
			put(n)
		}
	}
	for _, n := range nals {
		put(n)
	}
	return out
}
