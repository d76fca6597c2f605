package imagetest

import (
	"math"
	"testing"
)

func TestPSNR(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []byte
		want float64
	}{
		{"equal", []byte{1, 2, 3}, []byte{1, 2, 3}, math.Inf(1)},
		{"one level off everywhere", []byte{10, 20}, []byte{11, 19}, 10 * math.Log10(255*255)},
		{"full scale", []byte{0}, []byte{255}, 0},
	} {
		if got := PSNR(tc.a, tc.b); math.Abs(got-tc.want) > 1e-9 && got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
