package jpeg

import (
	"fmt"
	"math"
	"runtime"
)

// DefaultMaxPixels bounds what a Decoder accepts unless told otherwise:
// 8192×8192, well above any camera, far below what a 65535×65535 header
// would make a caller allocate.
const DefaultMaxPixels = 8192 * 8192

// Decoder decompresses JPEGs with one reusable TurboJPEG handle. It is not
// safe for concurrent use: give each goroutine its own Decoder.
type Decoder struct {
	// MaxPixels rejects images with more pixels (width×height) before any
	// decoding, with ErrTooLarge. Zero means DefaultMaxPixels.
	MaxPixels int
	// FastDCT trades accuracy for speed (TJFLAG_FASTDCT). Off by default: the
	// accurate integer IDCT is what reference decoders match.
	FastDCT bool
	// FastUpsample replicates chroma instead of interpolating it
	// (TJFLAG_FASTUPSAMPLE), as Go's image/jpeg does. Off by default.
	FastUpsample bool
	// StopOnWarning abandons a damaged image at the first warning instead of
	// finishing it grey; either way the call returns an *Error.
	StopOnWarning bool

	h       handle
	cleanup runtime.Cleanup
}

// NewDecoder makes a Decoder; Close frees its handle.
func NewDecoder() (*Decoder, error) {
	h := initDecompress()
	if h == nil {
		return nil, fmt.Errorf("jpeg: tjInitDecompress failed")
	}
	d := &Decoder{h: h}
	// A forgotten Close leaks only until the GC finds the Decoder.
	d.cleanup = runtime.AddCleanup(d, destroy, h)
	return d, nil
}

// Close frees the TurboJPEG handle. The Decoder cannot be used afterwards.
func (d *Decoder) Close() error {
	if d.h != nil {
		d.cleanup.Stop()
		destroy(d.h)
		d.h = nil
	}
	return nil
}

// Header reads the JPEG's size and chroma subsampling without decoding it.
func (d *Decoder) Header(jpeg []byte) (width, height int, s Subsampling, err error) {
	defer runtime.KeepAlive(d) // the cleanup must not free the handle during the C call
	if d.h == nil {
		return 0, 0, 0, ErrClosed
	}
	if len(jpeg) == 0 {
		return 0, 0, 0, &Error{Op: "header", Msg: "no data"}
	}
	hdr, ok := decompressHeader(d.h, jpeg)
	if !ok {
		err := libError("header", d.h)
		err.Warning = false // no pixels come out of a header read
		d.renew()
		return 0, 0, 0, err
	}
	if hdr.width < 1 || hdr.height < 1 {
		// TurboJPEG 2.1 reports success, sizes unset, for data that ends
		// before any frame header (a tables-only stream, or a frame cut short).
		return 0, 0, 0, &Error{Op: "header", Msg: "no image in the data (truncated before the frame header?)"}
	}
	return hdr.width, hdr.height, subsamplingOf(hdr.subsamp), nil
}

// renew replaces the handle. TurboJPEG 2.1's tjDecompressHeader3 returns
// from a fatal error without resetting the decompressor, and the next call
// then goes on parsing markers from the old state, failing on good data.
// Only failures pay for this.
func (d *Decoder) renew() {
	h := initDecompress()
	if h == nil {
		return // keep the old handle: better than none
	}
	d.cleanup.Stop()
	destroy(d.h)
	d.h = h
	d.cleanup = runtime.AddCleanup(d, destroy, h)
}

// DstSize is the number of bytes DecodeInto needs in dst for this JPEG in
// format f, checked against MaxPixels.
func (d *Decoder) DstSize(jpeg []byte, f Format) (int, error) {
	w, h, _, err := d.Header(jpeg)
	if err != nil {
		return 0, err
	}
	if f.BytesPerPixel() == 0 {
		return 0, fmt.Errorf("%w: %v", ErrFormat, f)
	}
	if err := d.checkPixels(w, h); err != nil {
		return 0, err
	}
	return FrameSize(w, h, f), nil
}

// DecodeInto decodes jpeg straight into dst in format f (RGB8, BGR8 or
// Mono8), rows packed tightly: step = width × bytes per pixel. dst must hold
// at least step×height bytes (see DstSize); it is the caller's buffer, for
// example an outgoing message's pixel data, so nothing is allocated or copied.
//
// A truncated or corrupt JPEG returns an *Error (see Error.Warning); ErrTooLarge
// and ErrShortBuffer are returned before anything is decoded.
func (d *Decoder) DecodeInto(dst, jpeg []byte, f Format) (width, height, step int, err error) {
	return d.DecodeIntoPitch(dst, jpeg, f, 0)
}

// DecodeIntoPitch is DecodeInto with rows pitch bytes apart (0: tightly packed),
// for destinations whose rows are padded.
func (d *Decoder) DecodeIntoPitch(dst, jpeg []byte, f Format, pitch int) (width, height, step int, err error) {
	defer runtime.KeepAlive(d)
	pf, ok := f.pixelFormat()
	if !ok {
		return 0, 0, 0, fmt.Errorf("%w: cannot decode into %v", ErrFormat, f)
	}
	w, h, _, err := d.Header(jpeg)
	if err != nil {
		return 0, 0, 0, err
	}
	if err := d.checkPixels(w, h); err != nil {
		return 0, 0, 0, err
	}
	row := w * f.BytesPerPixel()
	if pitch == 0 {
		pitch = row
	}
	if pitch < row || pitch > math.MaxInt32 { // C takes an int; also keeps pitch×height from overflowing
		return 0, 0, 0, fmt.Errorf("%w: pitch %d for rows of %d bytes", ErrGeometry, pitch, row)
	}
	if need := pitch*(h-1) + row; len(dst) < need {
		return 0, 0, 0, fmt.Errorf("%w: %d×%d %v needs %d bytes, have %d", ErrShortBuffer, w, h, f, need, len(dst))
	}
	if !decompress(d.h, jpeg, dst, w, pitch, h, pf, d.flags()) {
		return 0, 0, 0, libError("decode", d.h)
	}
	return w, h, pitch, nil
}

func (d *Decoder) checkPixels(w, h int) error {
	limit := d.MaxPixels
	if limit <= 0 {
		limit = DefaultMaxPixels
	}
	if w*h > limit {
		return fmt.Errorf("%w: %d×%d > %d pixels", ErrTooLarge, w, h, limit)
	}
	return nil
}

func (d *Decoder) flags() int {
	// LIMITSCANS: a progressive JPEG of thousands of scans is a CPU bomb,
	// not a camera frame.
	flags := flagLimitScans
	if d.FastDCT {
		flags |= flagFastDCT
	} else {
		flags |= flagAccurateDCT
	}
	if d.FastUpsample {
		flags |= flagFastUpsample
	}
	if d.StopOnWarning {
		flags |= flagStopOnWarning
	}
	return flags
}
