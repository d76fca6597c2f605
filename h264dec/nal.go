package h264dec

import "bytes"

// NAL unit types (H.264 table 7-1) the decoder looks at.
const (
	nalSlice = 1 // first coded-slice type; 1–5 are slices
	nalIDR   = 5 // last coded-slice type
	nalSPS   = 7
	nalPPS   = 8
)

var startCode = []byte{0, 0, 1}

// forEachNALType calls f with the type of each NAL unit in an Annex-B
// buffer, in order, until f returns false.
func forEachNALType(b []byte, f func(t uint8) bool) {
	for {
		i := bytes.Index(b, startCode)
		if i < 0 || i+3 >= len(b) {
			return
		}
		b = b[i+3:]
		if !f(b[0] & 0x1f) {
			return
		}
	}
}

func isSlice(t uint8) bool { return t >= nalSlice && t <= nalIDR }

// parameterSets reports which parameter sets come before the first slice of
// an access unit (where the standard puts them).
func parameterSets(au []byte) (sps, pps bool) {
	forEachNALType(au, func(t uint8) bool {
		sps = sps || t == nalSPS
		pps = pps || t == nalPPS
		return !isSlice(t)
	})
	return sps, pps
}

// nalCounts counts an access unit's NAL units and, among them, its slices.
func nalCounts(au []byte) (nals, slices int) {
	forEachNALType(au, func(t uint8) bool {
		nals++
		if isSlice(t) {
			slices++
		}
		return true
	})
	return nals, slices
}
