package fmp4

// bitReader reads the big-endian bit fields and exp-Golomb codes of an H.264
// RBSP (emulation prevention bytes already removed). Its error is sticky: a
// read past the end sets err and every later read returns 0, so a parser can
// read a whole structure and check err once.
type bitReader struct {
	data []byte
	pos  int // in bits
	err  error
}

// bit reads one bit.
func (r *bitReader) bit() uint32 {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.data)*8 {
		r.err = errTruncated
		return 0
	}
	b := r.data[r.pos/8] >> (7 - r.pos%8) & 1
	r.pos++
	return uint32(b)
}

// bits reads n ≤ 32 bits as an unsigned number, u(n) in the standard.
func (r *bitReader) bits(n int) uint32 {
	var v uint32
	for range n {
		v = v<<1 | r.bit()
	}
	return v
}

// flag reads u(1) as a bool.
func (r *bitReader) flag() bool { return r.bit() == 1 }

// ue reads an unsigned exp-Golomb code, ue(v). More than 31 leading zeros
// cannot be a valid code in any syntax element we read.
func (r *bitReader) ue() uint32 {
	zeros := 0
	for r.bit() == 0 {
		if r.err != nil {
			return 0
		}
		zeros++
		if zeros > 31 {
			r.err = errBadExpGolomb
			return 0
		}
	}
	return (1<<zeros - 1) + r.bits(zeros)
}

// se reads a signed exp-Golomb code, se(v): 1, 2, 3, 4 … map to 1, −1, 2, −2 ….
func (r *bitReader) se() int32 {
	k := r.ue()
	if k%2 == 1 {
		return int32(k/2 + 1)
	}
	return -int32(k / 2)
}

// unescapeRBSP returns a NAL unit's payload with its emulation prevention
// bytes (the 03 of 00 00 03) removed. It copies only when there is one.
func unescapeRBSP(payload []byte) []byte {
	var out []byte
	zeros, last := 0, 0
	for i, b := range payload {
		if zeros >= 2 && b == 3 {
			out = append(out, payload[last:i]...)
			last = i + 1
			zeros = 0
			continue
		}
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	if out == nil {
		return payload
	}
	return append(out, payload[last:]...)
}
