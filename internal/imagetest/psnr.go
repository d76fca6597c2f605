// Package imagetest holds measures the tests of several packages compare
// images with (jpeg, h264, h264dec, capture), so each is written once.
package imagetest

import "math"

// PSNR is the peak signal-to-noise ratio of b against a, 8-bit samples, in
// dB: +Inf when they are equal. a and b have the same length.
func PSNR(a, b []byte) float64 {
	var se float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(len(a))))
}
