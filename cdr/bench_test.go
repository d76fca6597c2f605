package cdr

import (
	"math/rand/v2"
	"testing"
)

var frameSizes = []struct {
	name          string
	width, height int
}{
	{"640x480", 640, 480},
	{"1280x720", 1280, 720},
	{"1920x1080", 1920, 1080},
}

// rgbFrame is an rgb8 Image of the given size with noise for pixels.
func rgbFrame(width, height int) *Image {
	data := make([]byte, width*height*3)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	return &Image{
		Header:   Header{Stamp: Time{Sec: 1700000000, Nanosec: 123456789}, FrameID: "camera_optical_frame"},
		Height:   uint32(height),
		Width:    uint32(width),
		Encoding: "rgb8",
		Step:     uint32(width * 3),
		Data:     data,
	}
}

// TestAppendCDRReusesBuffer is the steady state of a publisher: once its
// buffer has grown, encoding any message allocates nothing.
func TestAppendCDRReusesBuffer(t *testing.T) {
	for _, m := range append(samples(), rgbFrame(64, 48)) {
		buf, err := m.AppendCDR(nil)
		if err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(50, func() {
			buf, err = m.AppendCDR(buf[:0])
		})
		if err != nil || allocs != 0 {
			t.Errorf("%s: %v allocations per AppendCDR into a reused buffer (err %v), want 0", m.TypeName(), allocs, err)
		}
	}
}

// BenchmarkImageAppendCDR serializes an rgb8 frame into a reused buffer;
// compare with BenchmarkMemcpyFloor, the bare copy of its pixels.
func BenchmarkImageAppendCDR(b *testing.B) {
	for _, size := range frameSizes {
		b.Run(size.name, func(b *testing.B) {
			img := rgbFrame(size.width, size.height)
			buf, err := img.AppendCDR(nil) // the first frame grows the buffer
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(img.Data)))
			b.ReportAllocs()
			for b.Loop() {
				buf, err = img.AppendCDR(buf[:0])
			}
			if err != nil || len(buf) != img.Size() {
				b.Fatalf("encoded %d bytes (err %v), want %d", len(buf), err, img.Size())
			}
		})
	}
}

// BenchmarkMemcpyFloor copies the same pixels into a reused buffer: no
// serializer can beat it.
func BenchmarkMemcpyFloor(b *testing.B) {
	for _, size := range frameSizes {
		b.Run(size.name, func(b *testing.B) {
			img := rgbFrame(size.width, size.height)
			buf := make([]byte, len(img.Data))
			b.SetBytes(int64(len(img.Data)))
			b.ReportAllocs()
			for b.Loop() {
				copy(buf, img.Data)
			}
		})
	}
}
