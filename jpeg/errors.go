package jpeg

import (
	"errors"
	"fmt"
)

var (
	// ErrTooLarge: the JPEG declares more pixels than the Decoder's MaxPixels
	// (a decompression bomb, or a frame far larger than any camera's).
	ErrTooLarge = errors.New("jpeg: image larger than the pixel limit")
	// ErrShortBuffer: dst cannot hold the decoded image.
	ErrShortBuffer = errors.New("jpeg: destination buffer too small")
	// ErrFormat: the Format cannot be used for this operation.
	ErrFormat = errors.New("jpeg: unsupported pixel format")
	// ErrGeometry: width, height, stride or source length do not describe an image.
	ErrGeometry = errors.New("jpeg: bad image geometry")
	// ErrOddWidth: packed 4:2:2 input (YUYV, UYVY) shares chroma between pixel
	// pairs, so its width must be even.
	ErrOddWidth = errors.New("jpeg: packed 4:2:2 needs an even width")
	// ErrClosed: the Decoder or Encoder was closed.
	ErrClosed = errors.New("jpeg: use after Close")
)

// Error is libjpeg-turbo's report on one image: corrupt or truncated data on
// decode, or a failure inside the library on encode. Every Error means the
// frame should be counted; Warning tells whether pixels were produced at all.
type Error struct {
	Op  string // "header", "decode" or "encode"
	Msg string // libjpeg-turbo's own message
	// Warning is TurboJPEG's TJERR_WARNING: the library met damaged data (a
	// truncated frame, extraneous bytes) and could step over it, finishing
	// the image grey where data was missing. Some webcams emit such warnings
	// on frames that look fine, so a caller may choose to publish those.
	// Caveat (TurboJPEG 2.1): a fatal error that follows a warning within the
	// same call is classed as a warning too, so dst may be incomplete; drop
	// (and count) every error unless you accept damaged frames. Only a
	// "decode" Error carries Warning.
	Warning bool
}

func (e *Error) Error() string {
	kind := "error"
	if e.Warning {
		kind = "warning"
	}
	return fmt.Sprintf("jpeg: %s %s: %s", e.Op, kind, e.Msg)
}

func libError(op string, h handle) *Error {
	msg, warning := lastError(h)
	return &Error{Op: op, Msg: msg, Warning: warning}
}
