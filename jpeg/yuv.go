package jpeg

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// YUV is planar YCbCr (JFIF: full range, BT.601), as a JPEG stores it and as
// video encoders take it. Each plane is tightly packed: its stride is its
// width (TurboJPEG's plane width, which pads odd sizes to the chroma block).
// A grayscale image has only Y; Cb and Cr are then left as they were.
type YUV struct {
	Y, Cb, Cr     []byte
	Width, Height int // of the image
	YStride       int // of the Y plane: Width, rounded up to even when chroma is subsampled horizontally
	// ChromaWidth and ChromaHeight are the Cb and Cr planes' size, rounded up
	// for odd image sizes (0 for grayscale).
	ChromaWidth, ChromaHeight int
	Subsampling               Subsampling
}

// ErrScale: the size asked of a scaled decode is not one TurboJPEG can make.
var ErrScale = errors.New("jpeg: no TurboJPEG scaling factor gives this size")

// layout sizes y for width×height at TurboJPEG subsampling samp, growing the
// planes only when they are too small, so a steady stream reuses them.
func (y *YUV) layout(width, height, samp int) {
	y.Width, y.Height = width, height
	y.Subsampling = subsamplingOf(samp)
	y.YStride = planeWidth(0, width, samp)
	y.Y = grow(y.Y, y.YStride*planeHeight(0, height, samp))
	if samp == tjSampGray {
		y.ChromaWidth, y.ChromaHeight = 0, 0
		return
	}
	y.ChromaWidth, y.ChromaHeight = planeWidth(1, width, samp), planeHeight(1, height, samp)
	y.Cb = grow(y.Cb, y.ChromaWidth*y.ChromaHeight)
	y.Cr = grow(y.Cr, y.ChromaWidth*y.ChromaHeight)
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// chroma returns the chroma planes for C, or a one-byte stand-in for a
// grayscale image (TurboJPEG never touches them, but C gets valid pointers).
func (y *YUV) chroma() (cb, cr []byte) {
	if y.ChromaWidth == 0 {
		var none [1]byte
		return none[:], none[:]
	}
	return y.Cb, y.Cr
}

// DecodeYUV decodes jpeg into dst's planes at the JPEG's own chroma
// subsampling, with no colour conversion: the cheapest decode there is, and
// what an H.264 encoder wants. width and height 0 decode at the JPEG's size;
// otherwise they must be a size TurboJPEG's scaling factors give exactly
// (ScaledSize), and the image is decoded scaled, for less work. dst's planes
// are reused when large enough and replaced when not.
func (d *Decoder) DecodeYUV(dst *YUV, jpeg []byte, width, height int) error {
	defer runtime.KeepAlive(d)
	w, h, s, err := d.Header(jpeg)
	if err != nil {
		return err
	}
	if err := d.checkPixels(w, h); err != nil {
		return err
	}
	if width == 0 && height == 0 {
		width, height = w, h
	} else if !IsScaledSize(w, h, width, height) {
		return fmt.Errorf("%w: %d×%d from %d×%d", ErrScale, width, height, w, h)
	}
	samp, _ := s.tj()
	dst.layout(width, height, samp)
	cb, cr := dst.chroma()
	if !decompressYUV(d.h, jpeg, dst.Y, cb, cr, width, height, dst.YStride, dst.ChromaWidth, d.flags()) {
		return libError("decode", d.h)
	}
	return nil
}

var (
	factorsOnce sync.Once
	factors     [][2]int
)

// IsScaledSize reports whether TurboJPEG can decode a w×h JPEG straight to
// width×height with one of its scaling factors (1/8 to 2 in eighths).
func IsScaledSize(w, h, width, height int) bool {
	factorsOnce.Do(func() { factors = scalingFactors() })
	for _, f := range factors {
		// TJSCALED: the scaled size rounds up.
		if (w*f[0]+f[1]-1)/f[1] == width && (h*f[0]+f[1]-1)/f[1] == height {
			return true
		}
	}
	return false
}

// EncodeYUV converts img (RGB8, BGR8 or Mono8) to planar YCbCr in dst at
// subsampling s (zero: 4:2:0) with TurboJPEG's SIMD colour conversion and
// downsampling, the first half of a JPEG encode. Mono8 gives Y only (s is
// ignored). dst's planes are reused when large enough.
func (e *Encoder) EncodeYUV(dst *YUV, img Image, s Subsampling) error {
	defer runtime.KeepAlive(e)
	if e.h == nil {
		return ErrClosed
	}
	if err := checkImage(img); err != nil {
		return err
	}
	pf, ok := img.Format.pixelFormat()
	if !ok {
		return fmt.Errorf("%w: cannot convert %v to YUV", ErrFormat, img.Format)
	}
	samp, ok := s.tj()
	if !ok {
		return fmt.Errorf("jpeg: unknown subsampling %v", s)
	}
	if img.Format == Mono8 {
		samp = tjSampGray
	}
	stride := img.Stride
	if stride == 0 {
		stride = img.Width * img.Format.BytesPerPixel()
	}
	dst.layout(img.Width, img.Height, samp)
	cb, cr := dst.chroma()
	if !encodeYUV(e.h, img.Pix, img.Width, stride, img.Height, pf, dst.Y, cb, cr, dst.YStride, dst.ChromaWidth, samp, 0) {
		return libError("encode", e.h)
	}
	return nil
}

// SplitPacked420 deinterleaves YUYV or UYVY (pitch bytes per row, width even)
// into dst, a tight I420 layout of the same size (YStride = Width,
// ChromaWidth = Width/2, ChromaHeight = ceil(Height/2)): luma as it is,
// each chroma sample the mean of two rows. Values keep their range. tmp is
// scratch of at least 2×Width bytes. The same vectorized split as the
// encoder's 4:2:0 path.
func SplitPacked420(dst *YUV, src []byte, pitch int, uyvy bool, tmp []byte) error {
	w, h := dst.Width, dst.Height
	ch := (h + 1) / 2
	switch {
	case w <= 0 || h <= 0 || w%2 != 0:
		return fmt.Errorf("%w: %d×%d packed 4:2:2 (the width must be even)", ErrGeometry, w, h)
	case pitch < 2*w || len(src) < pitch*(h-1)+2*w:
		return fmt.Errorf("%w: %d bytes with pitch %d for %d×%d packed 4:2:2", ErrGeometry, len(src), pitch, w, h)
	case dst.YStride != w || dst.ChromaWidth != w/2 || len(dst.Y) < w*h || len(dst.Cb) < w/2*ch || len(dst.Cr) < w/2*ch:
		return fmt.Errorf("%w: planes are not a tight %d×%d I420 layout", ErrGeometry, w, h)
	case len(tmp) < 2*w:
		return fmt.Errorf("%w: scratch of %d bytes, want %d", ErrGeometry, len(tmp), 2*w)
	}
	splitPacked420(src, w, pitch, h, uyvy, dst.Y, dst.Cb, dst.Cr, tmp)
	return nil
}
