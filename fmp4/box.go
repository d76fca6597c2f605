package fmp4

import "encoding/binary"

// boxBuffer appends ISO BMFF boxes (ISO/IEC 14496-12) to a byte slice that is
// kept from call to call. A box is opened with its type and a size to be
// filled in, its fields are appended, and closing it writes the size.
type boxBuffer struct {
	b []byte
}

// open appends a box header with a placeholder size and returns where the
// box starts, for close.
func (w *boxBuffer) open(typ string) int {
	at := len(w.b)
	w.b = append(w.b, 0, 0, 0, 0)
	w.b = append(w.b, typ...)
	return at
}

// openFull appends a full box header: a box header, version and 24-bit flags.
func (w *boxBuffer) openFull(typ string, version uint8, flags uint32) int {
	at := w.open(typ)
	w.u32(uint32(version)<<24 | flags&0xffffff)
	return at
}

// close writes the size of the box opened at `at`.
func (w *boxBuffer) close(at int) {
	binary.BigEndian.PutUint32(w.b[at:], uint32(len(w.b)-at))
}

func (w *boxBuffer) u8(v uint8)   { w.b = append(w.b, v) }
func (w *boxBuffer) u16(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *boxBuffer) u32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }
func (w *boxBuffer) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }

// zeros appends n zero bytes (reserved fields, unset times).
func (w *boxBuffer) zeros(n int) {
	for range n {
		w.b = append(w.b, 0)
	}
}

// unityMatrix appends the identity transformation matrix of mvhd and tkhd.
func (w *boxBuffer) unityMatrix() {
	for _, v := range [9]uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		w.u32(v)
	}
}
