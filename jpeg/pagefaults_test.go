//go:build linux

package jpeg

import (
	"syscall"
	"testing"
)

// Issue 13 targets ≈0 page faults a frame: a kept buffer whose pages are
// already mapped costs none, a fresh buffer a frame costs hundreds at 1080p.
func TestNoPageFaultsPerFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("page-fault counts need whole frames")
	}
	const w, h, frames = 1920, 1080, 20
	rgb := cachedCameraRGB(w, h)
	yuyv := convert(rgb, w, h, YUYV)
	e := newEncoder(t)
	d := newDecoder(t)
	dst := make([]byte, w*h*3)
	var jpeg []byte
	frame := func() {
		for _, img := range []Image{
			{Pix: rgb, Width: w, Height: h, Format: RGB8},
			{Pix: yuyv, Width: w, Height: h, Format: YUYV},
		} {
			out, err := e.Encode(img, 80)
			if err != nil {
				t.Fatal(err)
			}
			jpeg = out
			if _, _, _, err := d.DecodeInto(dst, jpeg, RGB8); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 3 { // first frames map the buffers and libjpeg-turbo's pools
		frame()
	}
	before := minorFaults(t)
	for range frames {
		frame()
	}
	faults := minorFaults(t) - before
	t.Logf("%d minor page faults over %d frames (2 encodes + 2 decodes each)", faults, frames)
	if faults > frames {
		t.Errorf("%d page faults in %d frames, want ≤ 1 a frame", faults, frames)
	}
}

func minorFaults(t *testing.T) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return ru.Minflt
}
