package fmp4

import (
	"bytes"
	"errors"
)

// NAL unit types (H.264 table 7-1) the writer treats specially.
const (
	nalSlice    = 1  // coded slice of a non-IDR picture
	nalIDR      = 5  // coded slice of an IDR picture
	nalSEI      = 6  // supplemental enhancement information
	nalSPS      = 7  // sequence parameter set
	nalPPS      = 8  // picture parameter set
	nalAUD      = 9  // access unit delimiter
	nalFiller   = 12 // filler data
	nalSPSExt   = 13 // SPS extension
	nalReserved = 14 // first of the types that, like SEI, may only open an access unit
)

// ErrNotAnnexB: the bytes do not begin with a start code (00 00 01).
var ErrNotAnnexB = errors.New("fmp4: not Annex-B: no start code (00 00 01) at the beginning")

var startCode = []byte{0, 0, 1}

// appendNALUnits appends the NAL units of an Annex-B byte string to dst,
// without start codes and without the trailing zero bytes that may pad one
// (trailing_zero_8bits). Empty NAL units (two start codes in a row) are left
// out. The units are slices of b.
func appendNALUnits(dst [][]byte, b []byte) ([][]byte, error) {
	i := bytes.Index(b, startCode)
	if i < 0 || len(bytes.TrimLeft(b[:i], "\x00")) != 0 {
		return dst, ErrNotAnnexB
	}
	b = b[i+3:]
	for len(b) > 0 {
		end := bytes.Index(b, startCode)
		next := end + 3
		if end < 0 {
			end, next = len(b), len(b)
		}
		if nal := bytes.TrimRight(b[:end], "\x00"); len(nal) > 0 {
			dst = append(dst, nal)
		}
		b = b[next:]
	}
	return dst, nil
}

// nalType is the type field of a NAL unit's header byte.
func nalType(nal []byte) uint8 { return nal[0] & 0x1f }

// isVCL: a coded slice (types 1 to 5), the picture data itself.
func isVCL(t uint8) bool { return t >= nalSlice && t <= nalIDR }

// opensAccessUnit: SEI, SPS, PPS, AUD and types 14–18 may only come before a
// picture's first slice (7.4.1.2.3), so after a slice they begin the next
// access unit.
func opensAccessUnit(t uint8) bool {
	return t == nalSEI || t == nalSPS || t == nalPPS || t == nalAUD || (t >= nalReserved && t <= 18)
}

// SplitAccessUnits cuts an Annex-B elementary stream (a .h264 file, or what
// an encoder wrote in one go) into access units, each one picture with the
// parameter sets and SEI before it, as slices of stream with their start
// codes. A new access unit begins at an access unit delimiter, at SEI/SPS/PPS
// after a slice, or at a slice whose first_mb_in_slice is 0 after a slice.
// Bytes before the first start code are left out.
func SplitAccessUnits(stream []byte) [][]byte {
	var aus [][]byte
	auStart, sawSlice := -1, false
	for pos := 0; ; {
		i := bytes.Index(stream[pos:], startCode)
		if i < 0 {
			break
		}
		codeAt := pos + i
		nalAt := codeAt + 3
		pos = nalAt
		if nalAt >= len(stream) {
			break
		}
		t := stream[nalAt] & 0x1f
		begins := t == nalAUD ||
			(sawSlice && opensAccessUnit(t)) ||
			(sawSlice && isVCL(t) && firstMbIsZero(stream[nalAt:]))
		at := leadingZerosStart(stream, codeAt, max(auStart, 0))
		switch {
		case auStart < 0:
			auStart = at
		case begins && at > auStart:
			aus = append(aus, stream[auStart:at])
			auStart, sawSlice = at, false
		}
		if isVCL(t) {
			sawSlice = true
		}
	}
	if auStart >= 0 {
		aus = append(aus, stream[auStart:])
	}
	return aus
}

// leadingZerosStart moves a start code's position back over the zero bytes
// before it (a 4-byte start code, trailing_zero_8bits), so they stay with the
// access unit they open.
func leadingZerosStart(stream []byte, at, floor int) int {
	for at > floor && stream[at-1] == 0 {
		at--
	}
	return at
}

// firstMbIsZero: a slice header begins with first_mb_in_slice as ue(v), and
// ue(v) is 0 exactly when its first bit is 1.
func firstMbIsZero(nal []byte) bool {
	return len(nal) > 1 && nal[1]&0x80 != 0
}

// sliceType reads slice_type from a slice NAL unit (0–9; 1 and 6 are B), or
// −1 if the header is too short to hold it.
func sliceType(nal []byte) int {
	// Two ue(v) need at most 8 bytes here; escapes only matter past 2 zeros.
	head := nal[1:min(len(nal), 16)]
	r := &bitReader{data: unescapeRBSP(head)}
	r.ue() // first_mb_in_slice
	t := r.ue()
	if r.err != nil || t > 9 {
		return -1
	}
	return int(t)
}
