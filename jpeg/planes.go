package jpeg

import (
	"fmt"
	"runtime"
)

// Planes from a video decoder: an H.264 stream's pictures are I420, most
// often in video range (luma 16–235, chroma 16–240), while JPEG and
// TurboJPEG's colour conversion assume JFIF's full range. These turn such
// planes into a JPEG or packed pixels without a round trip through RGB.

// EncodePlanes compresses y (4:2:0, 4:2:2 or 4:4:4 planes, full range) at
// quality. The JPEG is a slice of the Encoder's own buffer, as Encode's.
func (e *Encoder) EncodePlanes(y *YUV, quality int) ([]byte, error) {
	defer runtime.KeepAlive(e)
	if e.h == nil {
		return nil, ErrClosed
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("jpeg: quality %d outside 1–100", quality)
	}
	samp, err := y.checkPlanes()
	if err != nil {
		return nil, err
	}
	need := bufSize(y.Width, y.Height, samp)
	if len(e.out) < need {
		e.out = make([]byte, need)
	}
	flags := 0
	if e.AccurateDCT {
		flags |= flagAccurateDCT
	}
	n, ok := compressYUV(e.h, y.Y, y.Cb, y.Cr, y.Width, y.Height, y.YStride, y.ChromaWidth, samp, e.out[:need], quality, flags)
	if !ok {
		return nil, libError("encode", e.h)
	}
	return e.out[:n], nil
}

// PixelsFromPlanes converts y (full range) into dst as packed f pixels
// (RGB8, BGR8 or Mono8), rows packed, with TurboJPEG's SIMD conversion.
func (d *Decoder) PixelsFromPlanes(dst []byte, y *YUV, f Format) error {
	defer runtime.KeepAlive(d)
	if d.h == nil {
		return ErrClosed
	}
	pf, ok := f.pixelFormat()
	if !ok {
		return fmt.Errorf("%w: cannot convert YUV planes to %v", ErrFormat, f)
	}
	samp, err := y.checkPlanes()
	if err != nil {
		return err
	}
	pitch := y.Width * f.BytesPerPixel()
	if len(dst) < pitch*y.Height {
		return fmt.Errorf("jpeg: %d bytes for a %dx%d %v image of %d", len(dst), y.Width, y.Height, f, pitch*y.Height)
	}
	if !decodeYUV(d.h, y.Y, y.Cb, y.Cr, y.YStride, y.ChromaWidth, samp, dst, y.Width, pitch, y.Height, pf, 0) {
		return libError("decode", d.h)
	}
	return nil
}

// checkPlanes makes sure the C side never reads past a plane, and returns
// the TurboJPEG subsampling.
func (y *YUV) checkPlanes() (int, error) {
	samp, ok := y.Subsampling.tj()
	if !ok || y.Subsampling == SubsamplingDefault {
		return 0, fmt.Errorf("jpeg: planes with subsampling %v", y.Subsampling)
	}
	if y.Width <= 0 || y.Height <= 0 || y.Width > maxDimension || y.Height > maxDimension {
		return 0, fmt.Errorf("jpeg: planes of %dx%d", y.Width, y.Height)
	}
	cw, ch := planeWidth(1, y.Width, samp), planeHeight(1, y.Height, samp)
	switch {
	case y.YStride < y.Width || len(y.Y) < y.YStride*(y.Height-1)+y.Width:
		return 0, fmt.Errorf("jpeg: Y plane of %d bytes (stride %d) for %dx%d", len(y.Y), y.YStride, y.Width, y.Height)
	case y.ChromaWidth < cw || y.ChromaHeight < ch:
		return 0, fmt.Errorf("jpeg: chroma planes of %dx%d for %dx%d %v (want %dx%d)", y.ChromaWidth, y.ChromaHeight, y.Width, y.Height, y.Subsampling, cw, ch)
	case len(y.Cb) < y.ChromaWidth*(ch-1)+cw || len(y.Cr) < y.ChromaWidth*(ch-1)+cw:
		return 0, fmt.Errorf("jpeg: chroma planes of %d and %d bytes for %dx%d", len(y.Cb), len(y.Cr), cw, ch)
	}
	return samp, nil
}

// Video range to full range: luma 16..235 and chroma 16..240 (around 128)
// stretched to 0..255 and clamped, rounding to nearest.
var lumaFull, chromaFull = rangeTables()

func rangeTables() (luma, chroma [256]byte) {
	clamp := func(v float64) byte { return byte(min(255, max(0, v+0.5))) }
	for i := range 256 {
		luma[i] = clamp((float64(i) - 16) * 255 / 219)
		chroma[i] = clamp((float64(i)-128)*255/224 + 128)
	}
	return luma, chroma
}

// FullRangeLuma and FullRangeChroma stretch one video-range sample to full
// range, for loops that convert as they copy (a YUYV split).
func FullRangeLuma(v byte) byte   { return lumaFull[v] }
func FullRangeChroma(v byte) byte { return chromaFull[v] }

// FullRange writes src's video-range planes into dst at full range, reusing
// dst's planes when large enough. src is not changed.
func FullRange(dst, src *YUV) {
	*dst = YUV{Y: grow(dst.Y, len(src.Y)), Cb: grow(dst.Cb, len(src.Cb)), Cr: grow(dst.Cr, len(src.Cr)),
		Width: src.Width, Height: src.Height, YStride: src.YStride,
		ChromaWidth: src.ChromaWidth, ChromaHeight: src.ChromaHeight, Subsampling: src.Subsampling}
	remap(src.Y, dst.Y, &lumaFull)
	remap(src.Cb, dst.Cb, &chromaFull)
	remap(src.Cr, dst.Cr, &chromaFull)
}
