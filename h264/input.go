package h264

import (
	"errors"
	"fmt"
	"unsafe"

	"webcam/capture"
	"webcam/jpeg"
)

// input turns capture frames into the encoder's I420 picture. Where a
// frame's planes can be written straight into x264's picture (its size, and
// 4:2:0 for a JPEG), they are; otherwise they go through yuv and are scaled
// (box filter) and chroma-resampled into it. A frame with an odd side loses
// its last column or row (EvenSize) rather than being resampled for it.
//
// Colour: every path gives full-range BT.601 (JFIF) planes, which the SPS
// signals. JPEG and TurboJPEG's RGB conversion are full range already;
// YUYV and UYVY, video range as V4L2 cameras send them, are expanded.
type input struct {
	videoRange bool          // Settings.VideoRange: YUYV/UYVY split as they are
	rows       []byte        // scratch for the 4:2:0 split
	dec        *jpeg.Decoder // made on the first JPEG frame
	conv       *jpeg.Encoder // made on the first RGB or BGR frame
	yuv        jpeg.YUV      // a frame's planes when they cannot go straight into the picture
}

func (in *input) close() {
	if in.dec != nil {
		in.dec.Close()
		in.dec = nil
	}
	if in.conv != nil {
		in.conv.Close()
		in.conv = nil
	}
}

var formats = []capture.PixelFormat{capture.JPEG, capture.H264, capture.RGB8, capture.BGR8, capture.Mono8, capture.YUYV, capture.UYVY}

// load fills pic from f.
func (in *input) load(f *capture.Frame, pic picture) error {
	if in.videoRange && !VideoRangeFormat(f.Format) {
		return fmt.Errorf("a %s frame is full range, but this encoder was opened for video-range YUYV/UYVY (Settings.VideoRange)", f.Format)
	}
	switch f.Format {
	case capture.JPEG:
		return in.loadJPEG(f, pic)
	case capture.H264: // another size or profile than the source's: decoded, encoded again
		planes, err := f.Planes()
		if err != nil {
			return err
		}
		return toPicture(planes, pic)
	}
	if err := f.Validate(); err != nil {
		return err
	}
	w, h := EvenSize(f.Width, f.Height)
	if w == 0 || h == 0 {
		return fmt.Errorf("%dx%d is too small for 4:2:0", f.Width, f.Height)
	}
	dst := &in.yuv
	direct := w == pic.width && h == pic.height && pic.tight()
	if direct {
		v := pic.view()
		dst = &v
	} else {
		i420Layout(dst, w, h)
	}
	switch f.Format {
	case capture.RGB8, capture.BGR8:
		if err := in.rgbToYUV(dst, f, w, h); err != nil {
			return err
		}
	case capture.Mono8:
		monoToI420(dst, f.Data, f.Step, w, h)
	case capture.YUYV, capture.UYVY:
		if in.videoRange {
			if err := in.splitVideoRange(dst, f, w, h); err != nil {
				return err
			}
		} else if f.Format == capture.YUYV {
			packed422ToI420(dst, f.Data, f.Step, w, h, 0, 1, 2, 3)
		} else {
			packed422ToI420(dst, f.Data, f.Step, w, h, 1, 0, 3, 2)
		}
	default:
		return fmt.Errorf("cannot encode pixel format %q (supported: %v)", f.Format, formats)
	}
	return toPicture(dst, pic)
}

func (in *input) rgbToYUV(dst *jpeg.YUV, f *capture.Frame, w, h int) error {
	if in.conv == nil {
		c, err := jpeg.NewEncoder()
		if err != nil {
			return err
		}
		in.conv = c
	}
	tf := jpeg.RGB8
	if f.Format == capture.BGR8 {
		tf = jpeg.BGR8
	}
	img := jpeg.Image{Pix: f.Data, Width: w, Height: h, Stride: f.Step, Format: tf}
	return in.conv.EncodeYUV(dst, img, jpeg.Sub420)
}

// loadJPEG decodes to YCbCr planes, no RGB, at the JPEG's size or a
// TurboJPEG scaling factor of it when that is the picture's. At the
// picture's size a 4:2:0 JPEG decodes straight into the picture; one of
// another subsampling has its luma decoded into the picture and only its
// chroma into scratch planes, to be resampled to 4:2:0 (gray: set to 128).
func (in *input) loadJPEG(f *capture.Frame, pic picture) error {
	if in.dec == nil {
		d, err := jpeg.NewDecoder()
		if err != nil {
			return err
		}
		in.dec = d
	}
	w, h, s, err := in.dec.Header(f.Data)
	if err != nil {
		return err
	}
	dw, dh := 0, 0 // the JPEG's own size
	if (w != pic.width || h != pic.height) && jpeg.IsScaledSize(w, h, pic.width, pic.height) {
		dw, dh = pic.width, pic.height
	}
	dst := &in.yuv
	// TurboJPEG pads the luma plane of an even-sized image to the MCU's
	// chroma block, which is 2 or 1 wide and high but for 4:1:1's 4.
	fits := (dw != 0 || (w == pic.width && h == pic.height)) && s != jpeg.Sub411 && pic.tight()
	if fits {
		v := pic.view()
		if s != jpeg.Sub420 {
			v.Cb, v.Cr = in.yuv.Cb, in.yuv.Cr // grown by DecodeYUV as needed, kept below
		}
		dst = &v
	}
	if err := in.dec.DecodeYUV(dst, f.Data, dw, dh); err != nil {
		return err
	}
	if fits && s != jpeg.Sub420 && s != jpeg.SubGray {
		in.yuv.Cb, in.yuv.Cr = dst.Cb, dst.Cr
	}
	return toPicture(dst, pic)
}

// toPicture crops, scales and resamples src into pic; nothing for planes
// that are pic's own.
func toPicture(src *jpeg.YUV, pic picture) error {
	same := func(a, b []byte) bool { return len(a) > 0 && unsafe.SliceData(a) == unsafe.SliceData(b) }
	sameY := same(src.Y, pic.y)
	if sameY && src.ChromaWidth != 0 && same(src.Cb, pic.u) {
		return nil
	}
	w, h := EvenSize(src.Width, src.Height)
	if !sameY && !scalePlaneChecked(src.Y, src.YStride, w, h, pic.y, pic.yStride, pic.width, pic.height) {
		return errors.New("luma plane smaller than its size")
	}
	cw, ch := pic.width/2, pic.height/2
	if src.ChromaWidth == 0 { // grayscale JPEG
		fillPlane(pic.u, pic.cStride, cw, ch, 128)
		fillPlane(pic.v, pic.cStride, cw, ch, 128)
		return nil
	}
	// The chroma under the cropped image, whatever the JPEG's subsampling.
	sw, sh := max(1, w*src.ChromaWidth/src.Width), max(1, h*src.ChromaHeight/src.Height)
	if !scalePlaneChecked(src.Cb, src.ChromaWidth, sw, sh, pic.u, pic.cStride, cw, ch) ||
		!scalePlaneChecked(src.Cr, src.ChromaWidth, sw, sh, pic.v, pic.cStride, cw, ch) {
		return errors.New("chroma plane smaller than its size")
	}
	return nil
}

// scalePlaneChecked is scalePlane once both regions are known to fit.
func scalePlaneChecked(src []byte, sstride, sw, sh int, dst []byte, dstride, dw, dh int) bool {
	fits := func(b []byte, stride, w, h int) bool { return w <= stride && len(b) >= stride*(h-1)+w }
	if sw < 1 || sh < 1 || !fits(src, sstride, sw, sh) || !fits(dst, dstride, dw, dh) {
		return false
	}
	scalePlane(src, sstride, sw, sh, dst, dstride, dw, dh)
	return true
}

func fillPlane(p []byte, stride, w, h int, v byte) {
	for y := 0; y < h; y++ {
		row := p[y*stride : y*stride+w]
		for i := range row {
			row[i] = v
		}
	}
}

// tight reports whether the planes are packed as TurboJPEG writes them
// (stride = width), so a decode or conversion can land in them directly.
func (p picture) tight() bool { return p.yStride == p.width && p.cStride == p.width/2 }

// view is the picture's planes as a jpeg.YUV with no spare capacity, so a
// TurboJPEG call that needs other sizes allocates rather than overrun.
func (p picture) view() jpeg.YUV {
	ys, cs := p.width*p.height, p.width/2*(p.height/2)
	return jpeg.YUV{
		Y: p.y[:ys:ys], Cb: p.u[:cs:cs], Cr: p.v[:cs:cs],
		Width: p.width, Height: p.height, YStride: p.width,
		ChromaWidth: p.width / 2, ChromaHeight: p.height / 2, Subsampling: jpeg.Sub420,
	}
}

// i420Layout sizes y as tight I420 for an even w×h, reusing its planes.
func i420Layout(y *jpeg.YUV, w, h int) {
	grow := func(b []byte, n int) []byte {
		if cap(b) < n {
			return make([]byte, n)
		}
		return b[:n]
	}
	y.Width, y.Height, y.YStride = w, h, w
	y.ChromaWidth, y.ChromaHeight, y.Subsampling = w/2, h/2, jpeg.Sub420
	y.Y = grow(y.Y, w*h)
	y.Cb = grow(y.Cb, w/2*(h/2))
	y.Cr = grow(y.Cr, w/2*(h/2))
}

// monoToI420: luma as it is, neutral chroma.
func monoToI420(dst *jpeg.YUV, src []byte, step, w, h int) {
	for y := 0; y < h; y++ {
		copy(dst.Y[y*dst.YStride:y*dst.YStride+w], src[y*step:y*step+w])
	}
	fillPlane(dst.Cb, dst.ChromaWidth, w/2, h/2, 128)
	fillPlane(dst.Cr, dst.ChromaWidth, w/2, h/2, 128)
}

// packed422ToI420 converts YUYV or UYVY (byte offsets of Y0, U, Y1, V in each
// four-byte pair) to I420: luma as it is, chroma averaged over row pairs, both
// expanded to full range. w and h are even.
func packed422ToI420(dst *jpeg.YUV, src []byte, step, w, h, y0, uo, y1, vo int) {
	pairs := w / 2
	for r := 0; r < h; r += 2 {
		a := src[r*step : r*step+4*pairs]
		b := src[(r+1)*step : (r+1)*step+4*pairs]
		ya := dst.Y[r*dst.YStride : r*dst.YStride+w]
		yb := dst.Y[(r+1)*dst.YStride : (r+1)*dst.YStride+w]
		u := dst.Cb[r/2*dst.ChromaWidth : r/2*dst.ChromaWidth+pairs]
		v := dst.Cr[r/2*dst.ChromaWidth : r/2*dst.ChromaWidth+pairs]
		for i := range pairs {
			p, q := a[4*i:4*i+4], b[4*i:4*i+4]
			ya[2*i], ya[2*i+1] = jpeg.FullRangeLuma(p[y0]), jpeg.FullRangeLuma(p[y1])
			yb[2*i], yb[2*i+1] = jpeg.FullRangeLuma(q[y0]), jpeg.FullRangeLuma(q[y1])
			u[i] = jpeg.FullRangeChroma(byte((uint(p[uo]) + uint(q[uo]) + 1) >> 1))
			v[i] = jpeg.FullRangeChroma(byte((uint(p[vo]) + uint(q[vo]) + 1) >> 1))
		}
	}
}

// splitVideoRange deinterleaves a YUYV or UYVY frame's even w×h part into
// dst with TurboJPEG's package's vectorized split, values as they are.
func (in *input) splitVideoRange(dst *jpeg.YUV, f *capture.Frame, w, h int) error {
	if len(in.rows) < 2*w {
		in.rows = make([]byte, 2*w)
	}
	view := *dst
	view.Width, view.Height = w, h
	return jpeg.SplitPacked420(&view, f.Data, f.Step, f.Format == capture.UYVY, in.rows)
}
