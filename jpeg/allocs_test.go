package jpeg

import "testing"

// Once buffers exist, a frame costs no allocation: decode writes into the
// caller's buffer, encode into the Encoder's kept buffer and planes.
func TestNoAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts need the full frame path")
	}
	const w, h = 641, 479
	data := encodeCamera(t, w, h, Sub420, 80)
	d := newDecoder(t)
	for _, f := range []Format{RGB8, BGR8, Mono8} {
		dst := make([]byte, FrameSize(w, h, f))
		check(t, "DecodeInto "+f.String(), func() {
			if _, _, _, err := d.DecodeInto(dst, data, f); err != nil {
				t.Fatal(err)
			}
		})
	}
	check(t, "Header", func() { d.Header(data) })
	check(t, "DstSize", func() { d.DstSize(data, RGB8) })

	e := newEncoder(t)
	rgb := cachedCameraRGB(w+1, h) // even width, for YUYV too
	for _, f := range []Format{RGB8, BGR8, Mono8, YUYV, UYVY} {
		img := Image{Pix: convert(rgb, w+1, h, f), Width: w + 1, Height: h, Format: f}
		check(t, "Encode "+f.String(), func() {
			if _, err := e.Encode(img, 80); err != nil {
				t.Fatal(err)
			}
		})
		room, _ := e.MaxSize(img)
		dst := make([]byte, 0, room)
		check(t, "AppendJPEG "+f.String(), func() {
			if _, err := e.AppendJPEG(dst, img, 80); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func check(t *testing.T, name string, f func()) {
	t.Helper()
	f() // the first call of a size may grow buffers
	if n := testing.AllocsPerRun(20, f); n != 0 {
		t.Errorf("%s: %v allocations per call, want 0", name, n)
	}
}
