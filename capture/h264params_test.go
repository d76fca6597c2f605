package capture

import (
	"bytes"
	"testing"
)

// annexB joins NAL units with 4-byte start codes.
func annexB(nals ...[]byte) []byte {
	var out []byte
	for _, n := range nals {
		out = append(append(out, h264StartCode...), n...)
	}
	return out
}

func TestH264ParamsComplete(t *testing.T) {
	sps, pps := []byte{0x67, 0x42, 0xc0, 0x1e, 0xd9}, []byte{0x68, 0xce, 0x3c, 0x80}
	aud, sei := []byte{0x09, 0xf0}, []byte{0x06, 0x05, 0x01}
	idr, p := []byte{0x65, 0x88, 0x84}, []byte{0x41, 0x9a, 0x02}
	var params h264Params
	tests := []struct {
		name    string
		in, out []byte
		idr     bool
	}{
		{"IDR before any parameter set passes as it is", annexB(idr), annexB(idr), true},
		{"IDR with its own", annexB(aud, sps, pps, sei, idr), annexB(aud, sps, pps, sei, idr), true},
		{"P frame", annexB(aud, p), annexB(aud, p), false},
		{"bare IDR gets both after the delimiter", annexB(aud, sei, idr), annexB(aud, sps, pps, sei, idr), true},
		{"IDR with a PPS only gets the SPS", annexB(pps, idr), annexB(sps, pps, idr), true},
	}
	for _, tt := range tests {
		out, isIDR, err := params.complete(tt.in)
		if err != nil || isIDR != tt.idr || !bytes.Equal(out, tt.out) {
			t.Errorf("%s: % x, IDR %v, %v; want % x, IDR %v", tt.name, out, isIDR, err, tt.out, tt.idr)
		}
	}
	if _, _, err := params.complete([]byte{0x65, 1, 2}); err == nil {
		t.Error("bytes without a start code were taken")
	}
}
