package jpeg

import (
	"bytes"
	"fmt"
	"testing"
)

// The C deinterleave (vectorized by gcc) against the obvious Go loop, at
// widths that exercise the vector body and its scalar tail, with padded rows.
func TestSplitPacked422(t *testing.T) {
	for _, f := range []Format{YUYV, UYVY} {
		for _, sz := range [][2]int{{2, 1}, {6, 3}, {34, 5}, {640, 7}, {1282, 3}} {
			for _, pad := range []int{0, 3} {
				w, h := sz[0], sz[1]
				t.Run(fmt.Sprintf("%v/%dx%d/pad%d", f, w, h, pad), func(t *testing.T) {
					src := withStride(convert(cachedCameraRGB(w, h), w, h, f), 2*w, h, 2*w+pad)
					y, u, v := make([]byte, w*h), make([]byte, w/2*h), make([]byte, w/2*h)
					splitPacked422(src, w, 2*w+pad, h, f == UYVY, y, u, v)
					wy, wu, wv := make([]byte, w*h), make([]byte, w/2*h), make([]byte, w/2*h)
					yo, uo, vo := 0, 1, 3
					if f == UYVY {
						yo, uo, vo = 1, 0, 2
					}
					for r := 0; r < h; r++ {
						row := src[r*(2*w+pad):]
						for i := 0; i < w; i++ {
							wy[r*w+i] = row[2*i+yo]
						}
						for i := 0; i < w/2; i++ {
							wu[r*w/2+i], wv[r*w/2+i] = row[4*i+uo], row[4*i+vo]
						}
					}
					if !bytes.Equal(y, wy) || !bytes.Equal(u, wu) || !bytes.Equal(v, wv) {
						t.Fatal("planes differ from the reference split")
					}
				})
			}
		}
	}
}

// The 4:2:0 split: luma as in 4:2:2, each chroma sample the rounded-up mean
// of two rows (an odd last row alone), against a Go loop.
func TestSplitPacked420(t *testing.T) {
	for _, f := range []Format{YUYV, UYVY} {
		for _, sz := range [][2]int{{2, 1}, {6, 3}, {34, 5}, {640, 8}, {1282, 3}} {
			for _, pad := range []int{0, 3} {
				w, h := sz[0], sz[1]
				t.Run(fmt.Sprintf("%v/%dx%d/pad%d", f, w, h, pad), func(t *testing.T) {
					pitch := 2*w + pad
					src := withStride(convert(cachedCameraRGB(w, h), w, h, f), 2*w, h, pitch)
					ch := (h + 1) / 2
					y, u, v := make([]byte, w*h), make([]byte, w/2*ch), make([]byte, w/2*ch)
					splitPacked420(src, w, pitch, h, f == UYVY, y, u, v, make([]byte, 2*w))
					yo, uo, vo := 0, 1, 3
					if f == UYVY {
						yo, uo, vo = 1, 0, 2
					}
					wy, wu, wv := make([]byte, w*h), make([]byte, w/2*ch), make([]byte, w/2*ch)
					for r := 0; r < h; r++ {
						for i := 0; i < w; i++ {
							wy[r*w+i] = src[r*pitch+2*i+yo]
						}
					}
					for r := 0; r < h; r += 2 {
						r1 := min(r+1, h-1)
						for i := 0; i < w/2; i++ {
							a, b := src[r*pitch+4*i:], src[r1*pitch+4*i:]
							wu[r/2*w/2+i] = byte((int(a[uo]) + int(b[uo]) + 1) / 2)
							wv[r/2*w/2+i] = byte((int(a[vo]) + int(b[vo]) + 1) / 2)
						}
					}
					if !bytes.Equal(y, wy) || !bytes.Equal(u, wu) || !bytes.Equal(v, wv) {
						t.Fatal("planes differ from the reference split")
					}
				})
			}
		}
	}
}

// Issue 13 asks for YUYV handling at close to memory speed: the split
// against a plain copy of the same bytes.
func BenchmarkSplitPacked422(b *testing.B) {
	for _, sz := range benchSizes {
		w, h := sz.w, sz.h
		src := convert(cachedCameraRGB(w, h), w, h, YUYV)
		y, u, v := make([]byte, w*h), make([]byte, w/2*h), make([]byte, w/2*h)
		b.Run(sz.name+"/split", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				splitPacked422(src, w, 2*w, h, false, y, u, v)
			}
		})
		tmp := make([]byte, 2*w)
		b.Run(sz.name+"/split420", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				splitPacked420(src, w, 2*w, h, false, y, u, v, tmp)
			}
		})
		dst := make([]byte, len(src))
		b.Run(sz.name+"/copy", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				copy(dst, src)
			}
		})
	}
}
