package jpeg

import "fmt"

// Format is the layout of raw pixels on the Go side of an encode or decode.
// It is the package's own small type so that jpeg imports nothing of the
// project; callers map their encodings onto it.
type Format uint8

const (
	_     Format = iota // the zero Format is invalid, so a forgotten field fails loudly
	RGB8                // 3 bytes a pixel, R G B
	BGR8                // 3 bytes a pixel, B G R
	Mono8               // 1 byte a pixel, luminance
	YUYV                // packed 4:2:2, Y0 U Y1 V for each pair of pixels (encode only)
	UYVY                // packed 4:2:2, U Y0 V Y1 for each pair of pixels (encode only)
)

func (f Format) String() string {
	switch f {
	case RGB8:
		return "RGB8"
	case BGR8:
		return "BGR8"
	case Mono8:
		return "Mono8"
	case YUYV:
		return "YUYV"
	case UYVY:
		return "UYVY"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// BytesPerPixel is the size of one pixel; 2 for the packed 4:2:2 formats
// (4 bytes for each pair), 0 for an invalid Format.
func (f Format) BytesPerPixel() int {
	switch f {
	case RGB8, BGR8:
		return 3
	case Mono8:
		return 1
	case YUYV, UYVY:
		return 2
	}
	return 0
}

// FrameSize is the size of a tightly packed width×height image in f: what a
// decode into f needs in dst.
func FrameSize(width, height int, f Format) int {
	return width * height * f.BytesPerPixel()
}

// pixelFormat maps the formats TurboJPEG can write or read directly.
func (f Format) pixelFormat() (pixelFormat, bool) {
	switch f {
	case RGB8:
		return pfRGB, true
	case BGR8:
		return pfBGR, true
	case Mono8:
		return pfGray, true
	}
	return 0, false
}

// Subsampling is a JPEG's chroma subsampling.
type Subsampling uint8

const (
	// SubsamplingDefault lets the Encoder choose: 4:2:0 for colour, what
	// cameras and browsers expect, a third of the chroma data of 4:4:4.
	SubsamplingDefault Subsampling = iota
	Sub444
	Sub422
	Sub420
	SubGray
	Sub440
	Sub411
)

func (s Subsampling) String() string {
	switch s {
	case SubsamplingDefault:
		return "default"
	case Sub444:
		return "4:4:4"
	case Sub422:
		return "4:2:2"
	case Sub420:
		return "4:2:0"
	case SubGray:
		return "gray"
	case Sub440:
		return "4:4:0"
	case Sub411:
		return "4:1:1"
	}
	return fmt.Sprintf("Subsampling(%d)", uint8(s))
}

func (s Subsampling) tj() (int, bool) {
	switch s {
	case Sub444:
		return tjSamp444, true
	case Sub422:
		return tjSamp422, true
	case Sub420, SubsamplingDefault:
		return tjSamp420, true
	case SubGray:
		return tjSampGray, true
	case Sub440:
		return tjSamp440, true
	case Sub411:
		return tjSamp411, true
	}
	return 0, false
}

func subsamplingOf(tj int) Subsampling {
	switch tj {
	case tjSamp444:
		return Sub444
	case tjSamp422:
		return Sub422
	case tjSamp420:
		return Sub420
	case tjSampGray:
		return SubGray
	case tjSamp440:
		return Sub440
	case tjSamp411:
		return Sub411
	}
	return SubsamplingDefault // TurboJPEG 2.1 reports no other value for a header it accepts
}
