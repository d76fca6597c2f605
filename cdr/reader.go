package cdr

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

// DecodeError says why bytes are not a valid serialized message.
type DecodeError struct {
	Type   string // ROS type being decoded, e.g. "sensor_msgs/msg/Image"
	Field  string // field path, e.g. "header.frame_id" or "status[2].values[0].key"
	Offset int    // byte offset in the input, counting the encapsulation header
	Reason string
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("cdr: decoding %s: at byte %d: %s", e.Type, e.Offset, e.Reason)
	}
	return fmt.Sprintf("cdr: decoding %s: %s at byte %d: %s", e.Type, e.Field, e.Offset, e.Reason)
}

// maxTrailing is how many bytes may follow a message: RTPS pads serialized
// payloads to a multiple of 4. More than that means the bytes are some other
// message type.
const maxTrailing = 3

// reader decodes one message. The first error sticks: later reads return
// zero values, so decoders read straight through and check once at the end.
type reader struct {
	msg string
	b   []byte
	off int
	err *DecodeError

	// padding, when set, is told about every alignment gap; the
	// cross-implementation test uses it to know which bytes rmw leaves
	// uninitialized.
	padding func(off, n int)
}

func newReader(msg string, b []byte) *reader {
	r := &reader{msg: msg, b: b}
	if len(b) < headerLen {
		r.fail("", fmt.Sprintf("%d bytes is shorter than the %d-byte encapsulation header", len(b), headerLen))
		return r
	}
	if b[0] != encapsulation[0] || b[1] != encapsulation[1] {
		r.fail("", fmt.Sprintf("encapsulation %#04x is not supported; want 0x0001 (CDR little-endian, XCDR1, as ROS 2 publishes)",
			binary.BigEndian.Uint16(b)))
		return r
	}
	// b[2:4] are options, reserved in XCDR1: ignored.
	r.off = headerLen
	return r
}

func (r *reader) fail(field, reason string) {
	if r.err == nil {
		r.err = &DecodeError{Type: r.msg, Field: field, Offset: r.off, Reason: reason}
	}
}

// failedIn reports whether decoding element i of the sequence prefix
// failed, and if so puts the element on the error's field path: "key"
// becomes "values[0].key", then "status[2].values[0].key".
func (r *reader) failedIn(prefix string, i int) bool {
	if r.err == nil {
		return false
	}
	r.err.Field = fmt.Sprintf("%s[%d].%s", prefix, i, r.err.Field)
	return true
}

// need checks that n more bytes are there.
func (r *reader) need(field string, n uint64) bool {
	if r.err != nil {
		return false
	}
	if left := len(r.b) - r.off; n > uint64(left) {
		r.fail(field, fmt.Sprintf("need %d bytes, only %d left (truncated message?)", n, left))
		return false
	}
	return true
}

func (r *reader) align(field string, a int) bool {
	gap := -(r.off - headerLen) & (a - 1)
	if !r.need(field, uint64(gap)) {
		return false
	}
	if gap > 0 && r.padding != nil {
		r.padding(r.off, gap)
	}
	r.off += gap
	return true
}

func (r *reader) u8(field string) uint8 {
	if !r.need(field, 1) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

// boolean accepts only 0 and 1, as Fast CDR does.
func (r *reader) boolean(field string) bool {
	at := r.off
	v := r.u8(field)
	if v > 1 {
		r.off = at
		r.fail(field, fmt.Sprintf("bool byte is %d; want 0 or 1", v))
	}
	return v == 1
}

func (r *reader) u32(field string) uint32 {
	if !r.align(field, 4) || !r.need(field, 4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *reader) i32(field string) int32 { return int32(r.u32(field)) }

func (r *reader) f64s(field string, dst []float64) {
	if len(dst) == 0 || !r.align(field, 8) || !r.need(field, 8*uint64(len(dst))) {
		return
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
		r.off += 8
	}
}

// str reads a string as ROS's C type support does: up to the first NUL
// within the declared length. A length of 0 (no NUL at all) is an empty
// string, which Fast CDR also accepts.
func (r *reader) str(field string) string {
	n := r.u32(field)
	if !r.need(field, uint64(n)) {
		return ""
	}
	raw := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	return string(raw)
}

// count reads a sequence length and checks that count elements of at least
// minSize bytes each can fit in what is left, so a corrupt count cannot make
// the decoder allocate gigabytes.
func (r *reader) count(field string, minSize int) int {
	at := r.off
	n := r.u32(field)
	if r.err != nil {
		return 0
	}
	if left := len(r.b) - r.off; uint64(n)*uint64(minSize) > uint64(left) {
		r.off = at
		r.fail(field, fmt.Sprintf("sequence of %d elements needs at least %d bytes, only %d left", n, uint64(n)*uint64(minSize), left))
		return 0
	}
	return int(n)
}

// octets reads a uint8[] sequence. The result aliases the input.
func (r *reader) octets(field string) []byte {
	n := r.count(field, 1)
	if r.err != nil {
		return nil
	}
	p := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return p
}

func (r *reader) header(h *Header) {
	h.Stamp.Sec = r.i32("header.stamp.sec")
	h.Stamp.Nanosec = r.u32("header.stamp.nanosec")
	h.FrameID = r.str("header.frame_id")
}

// finish reports the first error, or trailing bytes beyond RTPS padding.
func (r *reader) finish() error {
	if r.err == nil {
		if extra := len(r.b) - r.off; extra > maxTrailing {
			r.fail("", fmt.Sprintf("%d bytes follow the end of the message (at most %d of padding allowed); is this really a %s?", extra, maxTrailing, r.msg))
		}
	}
	if r.err != nil {
		return r.err
	}
	return nil
}
