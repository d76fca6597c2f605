package fmp4

// NALUnits splits Annex-B bytes (an access unit, or a whole stream) into
// their NAL units, header byte first, without start codes or trailing zero
// bytes; the units are slices of b. ErrNotAnnexB if b does not begin with a
// start code. For callers that inspect or reorder the units of an access
// unit (e.g. to put parameter sets before an IDR).
func NALUnits(b []byte) ([][]byte, error) { return appendNALUnits(nil, b) }

// IsBSlice reports whether a coded slice NAL unit (types 1–5) is a B slice:
// one that predicts from a later picture, so the stream's decoding order is
// not its display order.
func IsBSlice(nal []byte) bool {
	t := nalType(nal)
	return isVCL(t) && len(nal) > 1 && sliceType(nal)%5 == 1
}
