package fmp4

// NALUnits splits Annex-B bytes (an access unit, or a whole stream) into
// their NAL units, header byte first, without start codes or trailing zero
// bytes; the units are slices of b. ErrNotAnnexB if b does not begin with a
// start code. For callers that inspect or reorder the units of an access
// unit (e.g. to put parameter sets before an IDR).
func NALUnits(b []byte) ([][]byte, error) { return appendNALUnits(nil, b) }
