package jpeg

import (
	"errors"
	"fmt"
	"testing"
)

// DecodeYUV gives each subsampling's own planes, at full and scaled sizes,
// and its luma matches an independent decoder's.
func TestDecodeYUVPlanes(t *testing.T) {
	tests := []struct {
		s            Subsampling
		w, h         int // JPEG size
		dw, dh       int // asked (0: native)
		yStride      int
		cw, ch       int
		compareLuma  bool
		wantScaleErr bool
	}{
		{Sub420, 64, 48, 0, 0, 64, 32, 24, true, false},
		{Sub422, 64, 48, 0, 0, 64, 32, 48, true, false},
		{Sub444, 64, 48, 0, 0, 64, 64, 48, true, false},
		{SubGray, 64, 48, 0, 0, 64, 0, 0, true, false},
		{Sub420, 63, 47, 0, 0, 64, 32, 24, false, false}, // odd: planes padded to the chroma block
		{Sub420, 64, 48, 32, 24, 32, 16, 12, false, false},
		{Sub420, 64, 48, 8, 6, 8, 4, 3, false, false},
		{Sub420, 64, 48, 50, 30, 0, 0, 0, false, true},
	}
	d := newDecoder(t)
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v/%dx%d→%dx%d", tc.s, tc.w, tc.h, tc.dw, tc.dh), func(t *testing.T) {
			data := encodeCamera(t, tc.w, tc.h, tc.s, 95)
			var y YUV
			err := d.DecodeYUV(&y, data, tc.dw, tc.dh)
			if tc.wantScaleErr {
				if !errors.Is(err, ErrScale) {
					t.Fatalf("DecodeYUV to %dx%d = %v, want ErrScale", tc.dw, tc.dh, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if y.YStride != tc.yStride || y.ChromaWidth != tc.cw || y.ChromaHeight != tc.ch || y.Subsampling != tc.s {
				t.Errorf("layout: Y stride %d, chroma %dx%d, %v; want %d, %dx%d, %v",
					y.YStride, y.ChromaWidth, y.ChromaHeight, y.Subsampling, tc.yStride, tc.cw, tc.ch, tc.s)
			}
			if !tc.compareLuma {
				return
			}
			ref, _, _ := referenceDecode(t, data, Mono8)
			if maxAbs, _ := diff(y.Y[:tc.w*tc.h], ref); maxAbs > 2 {
				t.Errorf("luma differs from image/jpeg's by up to %d", maxAbs)
			}
		})
	}
}

// EncodeYUV converts with JFIF's matrix: compare with the formulas.
func TestEncodeYUVMatchesJFIF(t *testing.T) {
	const w, h = 32, 16
	rgb := cameraRGB(w, h, 7)
	e := newEncoder(t)
	for _, f := range []Format{RGB8, BGR8} {
		var y YUV
		if err := e.EncodeYUV(&y, Image{Pix: convert(rgb, w, h, f), Width: w, Height: h, Format: f}, Sub420); err != nil {
			t.Fatal(err)
		}
		if y.ChromaWidth != w/2 || y.ChromaHeight != h/2 {
			t.Fatalf("%v: chroma %dx%d, want %dx%d", f, y.ChromaWidth, y.ChromaHeight, w/2, h/2)
		}
		worst := 0
		for i := 0; i < w*h; i++ {
			r, g, b := rgb[3*i], rgb[3*i+1], rgb[3*i+2]
			worst = max(worst, absInt(int(y.Y[i])-int(clamp8(luma(r, g, b)))))
		}
		// 2x2 chroma mean of the top-left block.
		var cbSum float64
		for _, i := range []int{0, 1, w, w + 1} {
			cbSum += cb(rgb[3*i], rgb[3*i+1], rgb[3*i+2])
		}
		if worst > 1 || absInt(int(y.Cb[0])-int(clamp8(cbSum/4))) > 2 {
			t.Errorf("%v: luma off by up to %d, Cb[0] %d want %d", f, worst, y.Cb[0], clamp8(cbSum/4))
		}
	}
	var y YUV
	if err := e.EncodeYUV(&y, Image{Pix: make([]byte, w*h*2), Width: w, Height: h, Format: YUYV}, Sub420); !errors.Is(err, ErrFormat) {
		t.Errorf("EncodeYUV(YUYV) = %v, want ErrFormat", err)
	}
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
