package jpeg

import (
	"fmt"
	"math"
	"runtime"
)

// Image describes raw pixels to encode. It holds no pixels of its own.
type Image struct {
	Pix           []byte
	Width, Height int
	Stride        int // bytes from one row to the next; 0 means tightly packed
	Format        Format
}

// Encoder compresses raw frames with one reusable TurboJPEG handle and
// reusable buffers: after the first frame of a size nothing is allocated and
// no new memory is touched. It is not safe for concurrent use.
type Encoder struct {
	// Subsampling of colour JPEGs; zero means 4:2:0, what libjpeg and so
	// OpenCV's imencode (compressed_image_transport) write. RGB8 and BGR8
	// take any; YUYV and UYVY take 4:2:2 (their own chroma, copied) or 4:2:0
	// (two rows' chroma averaged: a quarter fewer blocks to code and bytes
	// to send). Mono8 always makes a grayscale JPEG.
	Subsampling Subsampling
	// AccurateDCT selects the accurate forward DCT. TurboJPEG's default for
	// compression is the fast one, which costs little accuracy; tjbench's
	// default is the same.
	AccurateDCT bool

	h       handle
	out     []byte // sized by tjBufSize, kept between calls (TJFLAG_NOREALLOC)
	y, u, v []byte // planar 4:2:2 or 4:2:0 for packed input, kept between calls
	rows    []byte // two rows of 4:2:2 chroma, for the 4:2:0 split
	cleanup runtime.Cleanup
}

// NewEncoder makes an Encoder; Close frees its handle.
func NewEncoder() (*Encoder, error) {
	h := initCompress()
	if h == nil {
		return nil, fmt.Errorf("jpeg: tjInitCompress failed")
	}
	e := &Encoder{h: h}
	e.cleanup = runtime.AddCleanup(e, destroy, h)
	return e, nil
}

// Close frees the TurboJPEG handle and the buffers. The Encoder cannot be
// used afterwards, and slices returned by Encode are no longer valid.
func (e *Encoder) Close() error {
	if e.h != nil {
		e.cleanup.Stop()
		destroy(e.h)
		e.h = nil
	}
	e.out, e.y, e.u, e.v, e.rows = nil, nil, nil, nil, nil
	return nil
}

// Encode compresses img at quality (1–100) and returns the JPEG as a slice of
// the Encoder's own buffer: valid only until the next call on this Encoder.
// Copy it (or use AppendJPEG) to keep it longer.
func (e *Encoder) Encode(img Image, quality int) ([]byte, error) {
	need, err := e.MaxSize(img)
	if err != nil {
		return nil, err
	}
	if len(e.out) < need {
		e.out = make([]byte, need)
	}
	n, err := e.encode(img, quality, e.out[:need])
	if err != nil {
		return nil, err
	}
	return e.out[:n], nil
}

// AppendJPEG appends the JPEG of img to dst. If dst has MaxSize(img) spare
// capacity the JPEG is written there directly, with no copy (for example
// into an outgoing message's data); otherwise it is encoded into the
// Encoder's buffer and appended.
func (e *Encoder) AppendJPEG(dst []byte, img Image, quality int) ([]byte, error) {
	need, err := e.MaxSize(img)
	if err != nil {
		return dst, err
	}
	if spare := dst[len(dst):cap(dst)]; len(spare) >= need {
		n, err := e.encode(img, quality, spare[:need])
		if err != nil {
			return dst, err
		}
		return dst[:len(dst)+n], nil
	}
	jpeg, err := e.Encode(img, quality)
	if err != nil {
		return dst, err
	}
	return append(dst, jpeg...), nil
}

// MaxSize is the worst-case JPEG size for img (tjBufSize): the output space
// an encode reserves. It also validates img.
func (e *Encoder) MaxSize(img Image) (int, error) {
	if err := checkImage(img); err != nil {
		return 0, err
	}
	samp, err := e.subsamp(img.Format)
	if err != nil {
		return 0, err
	}
	return bufSize(img.Width, img.Height, samp), nil
}

// encode writes into out, which holds exactly MaxSize(img) bytes.
func (e *Encoder) encode(img Image, quality int, out []byte) (int, error) {
	defer runtime.KeepAlive(e) // the cleanup must not free the handle during the C call
	if e.h == nil {
		return 0, ErrClosed
	}
	if quality < 1 || quality > 100 {
		return 0, fmt.Errorf("jpeg: quality %d outside 1–100", quality)
	}
	samp, err := e.subsamp(img.Format)
	if err != nil {
		return 0, err
	}
	flags := 0
	if e.AccurateDCT {
		flags |= flagAccurateDCT
	}
	stride := img.Stride
	if stride == 0 {
		stride = img.Width * img.Format.BytesPerPixel()
	}
	var n int
	var ok bool
	if pf, direct := img.Format.pixelFormat(); direct {
		n, ok = compress(e.h, img.Pix, img.Width, stride, img.Height, pf, out, samp, quality, flags)
	} else {
		e.growPlanes(img.Width, img.Height)
		if samp == tjSamp420 {
			splitPacked420(img.Pix, img.Width, stride, img.Height, img.Format == UYVY, e.y, e.u, e.v, e.rows)
		} else {
			splitPacked422(img.Pix, img.Width, stride, img.Height, img.Format == UYVY, e.y, e.u, e.v)
		}
		n, ok = compressPlanes(e.h, e.y, e.u, e.v, img.Width, img.Height, samp, out, quality, flags)
	}
	if !ok {
		return 0, libError("encode", e.h)
	}
	return n, nil
}

func (e *Encoder) subsamp(f Format) (int, error) {
	switch f {
	case Mono8:
		return tjSampGray, nil
	case YUYV, UYVY:
		switch e.Subsampling {
		case SubsamplingDefault, Sub420:
			return tjSamp420, nil
		case Sub422:
			return tjSamp422, nil
		}
		return 0, fmt.Errorf("jpeg: %v encodes at 4:2:2 or 4:2:0, not %v", f, e.Subsampling)
	case RGB8, BGR8:
		if s, ok := e.Subsampling.tj(); ok {
			return s, nil
		}
		return 0, fmt.Errorf("jpeg: unknown subsampling %v", e.Subsampling)
	}
	return 0, fmt.Errorf("%w: cannot encode from %v", ErrFormat, f)
}

// growPlanes keeps the largest planes seen, so a steady stream reuses them.
func (e *Encoder) growPlanes(width, height int) {
	ySize, cSize := width*height, width/2*height
	if len(e.y) < ySize {
		e.y = make([]byte, ySize)
	}
	if len(e.u) < cSize {
		e.u = make([]byte, cSize)
		e.v = make([]byte, cSize)
	}
	if len(e.rows) < 2*width {
		e.rows = make([]byte, 2*width)
	}
}

// maxDimension is JPEG's own limit (16-bit sizes in the frame header).
const maxDimension = 65535

// checkImage makes sure the C side never reads past img.Pix.
func checkImage(img Image) error {
	bpp := img.Format.BytesPerPixel()
	if bpp == 0 {
		return fmt.Errorf("%w: %v", ErrFormat, img.Format)
	}
	if img.Width <= 0 || img.Height <= 0 || img.Width > maxDimension || img.Height > maxDimension {
		return fmt.Errorf("%w: %d×%d", ErrGeometry, img.Width, img.Height)
	}
	if (img.Format == YUYV || img.Format == UYVY) && img.Width%2 != 0 {
		return fmt.Errorf("%w: %v is %d pixels wide", ErrOddWidth, img.Format, img.Width)
	}
	row := img.Width * bpp
	stride := img.Stride
	if stride == 0 {
		stride = row
	}
	if stride < row || stride > math.MaxInt32 { // C takes an int; also keeps stride×height from overflowing
		return fmt.Errorf("%w: stride %d for rows of %d bytes", ErrGeometry, stride, row)
	}
	if need := stride*(img.Height-1) + row; len(img.Pix) < need {
		return fmt.Errorf("%w: %d×%d %v with stride %d needs %d bytes, have %d",
			ErrGeometry, img.Width, img.Height, img.Format, stride, need, len(img.Pix))
	}
	return nil
}
