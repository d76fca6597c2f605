package cdr

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// encapsulation starts every message this package writes: representation
// CDR_LE (XCDR1, little-endian), options zero.
var encapsulation = [4]byte{0x00, 0x01, 0x00, 0x00}

// headerLen is the size of the encapsulation header. Alignment is counted
// from the byte after it.
const headerLen = len(encapsulation)

// rosString is what ROS's C type support puts on the wire for s: the bytes
// before the first NUL, since it measures strings with strlen.
func rosString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// sizer computes the exact serialized size of a message, walking its fields
// the same way the writer does, and finds lengths CDR cannot express.
type sizer struct {
	msg string // ROS type, for errors
	n   int    // bytes after the encapsulation header
	err error
}

func (s *sizer) align(a int) { s.n = (s.n + a - 1) &^ (a - 1) }
func (s *sizer) u8()         { s.n++ }
func (s *sizer) u32()        { s.align(4); s.n += 4 }

// f64s sizes count consecutive float64s. An empty run adds no padding. Whether
// Fast CDR pads there makes no difference to the bytes: the one sequence of
// float64 (CameraInfo.d) is followed by float64[9] k, which aligns to 8 anyway.
func (s *sizer) f64s(count int) {
	if count > 0 {
		s.align(8)
		s.n += 8 * count
	}
}

func (s *sizer) str(field, v string) {
	v = rosString(v)
	s.length(field, len(v)+1)
	s.u32()
	s.n += len(v) + 1
}

// seq sizes a sequence's count; the caller sizes the elements.
func (s *sizer) seq(field string, count int) {
	s.length(field, count)
	s.u32()
}

func (s *sizer) length(field string, n int) {
	if uint64(n) > math.MaxUint32 && s.err == nil {
		s.err = fmt.Errorf("cdr: encoding %s: %s has length %d; CDR allows at most %d", s.msg, field, n, uint64(math.MaxUint32))
	}
}

func (s *sizer) header(h *Header) {
	s.u32() // stamp.sec
	s.u32() // stamp.nanosec
	s.str("header.frame_id", h.FrameID)
}

// total is the message size including the encapsulation header.
func (s *sizer) total() int { return headerLen + s.n }

// writer appends one message to a byte slice. The slice is grown to the
// message's size up front, so no append in between reallocates.
type writer struct {
	b    []byte
	base int // index just past the encapsulation header
}

func newWriter(dst []byte, size int) writer {
	dst = slices.Grow(dst, size)
	dst = append(dst, encapsulation[:]...)
	return writer{b: dst, base: len(dst)}
}

func (w *writer) align(a int) {
	for (len(w.b)-w.base)&(a-1) != 0 {
		w.b = append(w.b, 0)
	}
}

func (w *writer) u8(v uint8) { w.b = append(w.b, v) }

func (w *writer) boolean(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *writer) u32(v uint32) {
	w.align(4)
	w.b = binary.LittleEndian.AppendUint32(w.b, v)
}

func (w *writer) i32(v int32) { w.u32(uint32(v)) }

func (w *writer) f64s(vs []float64) {
	if len(vs) == 0 {
		return
	}
	w.align(8)
	for _, v := range vs {
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
	}
}

// str writes a string; the sizer has already checked its length fits.
func (w *writer) str(v string) {
	v = rosString(v)
	w.u32(uint32(len(v) + 1))
	w.b = append(w.b, v...)
	w.b = append(w.b, 0)
}

// octets writes a uint8[] sequence: the one large copy of a frame.
func (w *writer) octets(p []byte) {
	w.u32(uint32(len(p)))
	w.b = append(w.b, p...)
}

func (w *writer) header(h *Header) {
	w.i32(h.Stamp.Sec)
	w.u32(h.Stamp.Nanosec)
	w.str(h.FrameID)
}
