package capture

import (
	"bytes"
	"fmt"
	"image"
	"sync/atomic"

	"gocv.io/x/gocv"
)

// ConversionCounts says how much work conversions have done since start; the
// node exposes it and tests use it to prove "at most once per frame".
type ConversionCounts struct {
	Decodes  uint64 // JPEG or H.264 → pixels
	Encodes  uint64 // pixels → JPEG
	Converts uint64 // pixels → other pixels
	Corrupt  uint64 // corrupt camera frames dropped (truncated or torn JPEGs)
}

var counts struct{ decodes, encodes, converts, corrupt atomic.Uint64 }

// Counts returns the conversion counters.
func Counts() ConversionCounts {
	return ConversionCounts{counts.decodes.Load(), counts.encodes.Load(), counts.converts.Load(), counts.corrupt.Load()}
}

// DropCorrupt checks a JPEG frame for the markers of a whole image (SOI
// first, EOI last), which costs nothing next to a decode, and counts the
// frame as corrupt when they are missing: a source or a runner then drops it
// rather than hand viewers a torn image.
func DropCorrupt(f *Frame) bool {
	if f.Format != JPEG {
		return false
	}
	d := f.Data
	if len(d) >= 4 && d[0] == 0xFF && d[1] == 0xD8 && hasEOI(d) {
		return false
	}
	counts.corrupt.Add(1)
	return true
}

// colorCodes maps (from, to) to OpenCV's conversion. Pairs absent here are not
// supported; JPEG sources go through decodeJPEG instead.
var colorCodes = map[[2]PixelFormat]gocv.ColorConversionCode{
	{RGB8, BGR8}:  gocv.ColorRGBToBGR,
	{BGR8, RGB8}:  gocv.ColorBGRToRGB,
	{RGB8, Mono8}: gocv.ColorRGBToGray,
	{BGR8, Mono8}: gocv.ColorBGRToGray,
	{YUYV, RGB8}:  gocv.ColorYUVToRGBYUY2,
	{YUYV, BGR8}:  gocv.ColorYUVToBGRYUY2,
	{YUYV, Mono8}: gocv.ColorYUVToGRAYYUY2,
	{UYVY, RGB8}:  gocv.ColorYUVToRGBUYVY,
	{UYVY, BGR8}:  gocv.ColorYUVToBGRUYVY,
	{UYVY, Mono8}: gocv.ColorYUVToGRAYUYVY,
	{Mono8, RGB8}: gocv.ColorGrayToBGR, // gray → 3 equal channels: order is moot
	{Mono8, BGR8}: gocv.ColorGrayToBGR,
}

var matTypes = map[PixelFormat]gocv.MatType{
	RGB8: gocv.MatTypeCV8UC3, BGR8: gocv.MatTypeCV8UC3, Mono8: gocv.MatTypeCV8UC1,
	YUYV: gocv.MatTypeCV8UC2, UYVY: gocv.MatTypeCV8UC2,
}

// CanConvert reports whether Pixels(to) can succeed for frames of format from.
func CanConvert(from, to PixelFormat) bool {
	if from == to {
		return true
	}
	if from == JPEG || from == H264 {
		return to == RGB8 || to == BGR8 || to == Mono8
	}
	_, ok := colorCodes[[2]PixelFormat{from, to}]
	return ok
}

// Pixels returns the frame's image as packed pixels in format p, with its row
// step. The frame's own data is returned as is when it already is in p; any
// conversion is made once and shared by all callers.
func (f *Frame) Pixels(p PixelFormat) (data []byte, step int, err error) {
	f.checkLive()
	if f.Format == p {
		return f.Data, f.Step, nil
	}
	if !CanConvert(f.Format, p) {
		return nil, 0, fmt.Errorf("cannot convert %s to %s", f.Format, p)
	}
	slot := f.derived.rawSlot(p)
	slot.once.Do(func() { slot.data, slot.err = f.convert(p); slot.done.Store(true) })
	return slot.data, f.Width * p.BytesPerPixel(), slot.err
}

// mat wraps the frame's pixels without copying; the Mat must not outlive f.
func (f *Frame) mat() (gocv.Mat, error) {
	t, ok := matTypes[f.Format]
	if !ok {
		return gocv.Mat{}, fmt.Errorf("no OpenCV layout for %s", f.Format)
	}
	if f.Step != f.Width*f.Format.BytesPerPixel() {
		return gocv.Mat{}, fmt.Errorf("padded rows (step %d) are not supported", f.Step)
	}
	return gocv.NewMatFromBytes(f.Height, f.Width, t, f.Data[:f.Step*f.Height])
}

func (f *Frame) convert(p PixelFormat) ([]byte, error) {
	if f.Format == JPEG {
		return f.decodeJPEG(p)
	}
	out := make([]byte, f.PixelsSize(p))
	convert := f.convertInto
	if f.Format == H264 {
		convert = f.h264PixelsInto
	}
	if err := convert(out, p); err != nil {
		return nil, err
	}
	return out, nil
}

// convertInto converts f's pixels to p into out with OpenCV's (SIMD)
// colour conversion.
func (f *Frame) convertInto(out []byte, p PixelFormat) error {
	src, err := f.mat()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := gocv.NewMatFromBytes(f.Height, f.Width, matTypes[p], out)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := gocv.CvtColor(src, &dst, colorCodes[[2]PixelFormat{f.Format, p}]); err != nil {
		return err
	}
	counts.converts.Add(1)
	return nil
}

func (f *Frame) decodeJPEG(p PixelFormat) ([]byte, error) {
	out := make([]byte, f.Width*f.Height*p.BytesPerPixel())
	if err := f.decodeInto(out, p); err != nil {
		return nil, err
	}
	return out, nil
}

// PixelsSize is the size of the frame's image as packed pixels in p.
func (f *Frame) PixelsSize(p PixelFormat) int { return f.Width * f.Height * p.BytesPerPixel() }

// PixelsInto writes the frame's image as packed pixels in format p into dst,
// which holds PixelsSize(p) bytes: an outgoing message's data, so a decode
// or colour conversion writes the pixels once, where they are sent from. A
// conversion another caller already made (Pixels) is copied instead.
func (f *Frame) PixelsInto(dst []byte, p PixelFormat) error {
	f.checkLive()
	if len(dst) != f.PixelsSize(p) {
		return fmt.Errorf("frame %d as %s needs %d bytes, the buffer has %d", f.Seq, p, f.PixelsSize(p), len(dst))
	}
	if !CanConvert(f.Format, p) {
		return fmt.Errorf("cannot convert %s to %s", f.Format, p)
	}
	if src, step, ok := f.packedOrCached(p); ok {
		for y := range f.Height {
			copy(dst[y*f.Width*p.BytesPerPixel():(y+1)*f.Width*p.BytesPerPixel()], src[y*step:])
		}
		return nil
	}
	switch f.Format {
	case JPEG:
		return f.decodeInto(dst, p)
	case H264:
		return f.h264PixelsInto(dst, p)
	}
	return f.convertInto(dst, p)
}

// packedOrCached is the frame's pixels in p when it has them already: its
// own data, or a conversion made by Pixels.
func (f *Frame) packedOrCached(p PixelFormat) ([]byte, int, bool) {
	if f.Format == p {
		return f.Data, f.Step, true
	}
	f.derived.mu.Lock()
	slot := f.derived.raw[p]
	f.derived.mu.Unlock()
	if slot == nil || !slot.done.Load() || slot.err != nil {
		return nil, 0, false
	}
	return slot.data, f.Width * p.BytesPerPixel(), true
}

// JPEG returns the frame as a JPEG. A JPEG frame (an MJPEG camera's) is
// returned unchanged whenever no resize is asked, whatever o.Quality says:
// re-encoding would only lose quality and burn CPU. Otherwise the frame is
// encoded once per distinct options and the result shared by all callers.
func (f *Frame) JPEG(o EncodeOptions) ([]byte, error) {
	o.PNG = false
	return f.Encoded(o)
}

// Encoded is the frame as JPEG or, with o.PNG, as PNG (o.Quality then the
// compression level, 0..9), scaled and inverted as o asks; each distinct
// rendition is made once per frame. A JPEG frame is returned unchanged as
// JPEG whenever nothing about it must change.
func (f *Frame) Encoded(o EncodeOptions) ([]byte, error) {
	f.checkLive()
	w, h := ScaledSize(f.Width, f.Height, o.Width, o.Height)
	o.Width, o.Height = w, h
	if f.Format == JPEG && !o.PNG && !o.Invert && w == f.Width && h == f.Height {
		return f.Data, nil
	}
	switch {
	case o.PNG && (o.Quality < 0 || o.Quality > 9):
		return nil, fmt.Errorf("PNG compression level %d is outside 0..9", o.Quality)
	case !o.PNG && o.Quality == 0:
		o.Quality = DefaultJPEGQuality
	case !o.PNG && (o.Quality < 1 || o.Quality > 100):
		return nil, fmt.Errorf("JPEG quality %d is outside 1..100", o.Quality)
	}
	slot := f.derived.jpegSlot(o)
	slot.once.Do(func() { slot.data, slot.err = f.encode(o) })
	return slot.data, slot.err
}

// DefaultJPEGQuality is used when a caller leaves Quality at 0.
const DefaultJPEGQuality = 80

func (f *Frame) encode(o EncodeOptions) ([]byte, error) {
	if o.Width == f.Width && o.Height == f.Height && !o.Invert && !o.PNG {
		if f.Format == H264 {
			return f.h264JPEG(o.Quality)
		}
		if out, ok, err := f.turboEncode(o.Quality); ok {
			return out, err
		}
	}
	var bgr gocv.Mat
	var err error
	switch f.Format {
	case BGR8, Mono8:
		bgr, err = f.mat() // OpenCV encodes BGR and gray natively
	default:
		var px []byte
		if px, _, err = f.Pixels(BGR8); err == nil {
			bgr, err = gocv.NewMatFromBytes(f.Height, f.Width, gocv.MatTypeCV8UC3, px)
		}
	}
	if err != nil {
		return nil, err
	}
	defer bgr.Close()
	img := bgr
	if o.Width != f.Width || o.Height != f.Height {
		small := gocv.NewMat()
		defer small.Close()
		if err := gocv.Resize(bgr, &small, image.Pt(o.Width, o.Height), 0, 0, gocv.InterpolationArea); err != nil {
			return nil, err
		}
		img = small
	}
	if o.Invert {
		flipped := gocv.NewMat()
		defer flipped.Close()
		if err := gocv.Flip(img, &flipped, -1); err != nil { // both axes: 180°
			return nil, err
		}
		img = flipped
	}
	ext, params := gocv.JPEGFileExt, []int{gocv.IMWriteJpegQuality, o.Quality}
	if o.PNG {
		ext, params = gocv.PNGFileExt, []int{gocv.IMWritePngCompression, o.Quality}
	}
	buf, err := gocv.IMEncodeWithParams(ext, img, params)
	if err != nil {
		return nil, err
	}
	defer buf.Close()
	out := bytes.Clone(buf.GetBytes()) // GetBytes aliases C memory that Close frees
	if len(out) == 0 {
		return nil, fmt.Errorf("%s encoder returned no data", ext)
	}
	counts.encodes.Add(1)
	return out, nil
}

// ScaledSize is the size a frame of srcW×srcH is encoded at when w×h is
// asked for: 0 keeps the source size, one side 0 keeps the aspect ratio.
func ScaledSize(srcW, srcH, w, h int) (int, int) {
	switch {
	case w <= 0 && h <= 0:
		return srcW, srcH
	case w <= 0:
		return max(1, srcW*h/srcH), h
	case h <= 0:
		return w, max(1, srcH*w/srcW)
	}
	return w, h
}
