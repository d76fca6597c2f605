package capture

import (
	"errors"
	"fmt"
)

// JPEGSize reads the image size from a JPEG's frame header without decoding
// it, and checks that the data looks whole: it starts with SOI and ends with
// EOI (trailing zero padding, which some cameras add, is allowed). Sources use
// it to fill Frame.Width/Height and to drop truncated camera frames, which
// would otherwise reach viewers as grey or torn images.
func JPEGSize(data []byte) (width, height int, err error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0, 0, errors.New("not a JPEG image (no SOI marker)")
	}
	if !hasEOI(data) {
		return 0, 0, fmt.Errorf("truncated JPEG (%d bytes, no EOI marker)", len(data))
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return 0, 0, fmt.Errorf("corrupt JPEG: no marker at byte %d", i)
		}
		m := data[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			i += 2 // markers without a length
			continue
		case m == 0xD9 || m == 0xDA:
			return 0, 0, errors.New("corrupt JPEG: no frame header before the scan")
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return 0, 0, fmt.Errorf("corrupt JPEG: segment %#x at byte %d overruns the data", m, i)
		}
		// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			if n < 7 {
				return 0, 0, errors.New("corrupt JPEG: short frame header")
			}
			height = int(data[i+5])<<8 | int(data[i+6])
			width = int(data[i+7])<<8 | int(data[i+8])
			if width == 0 || height == 0 {
				return 0, 0, fmt.Errorf("JPEG frame header gives size %dx%d", width, height)
			}
			return width, height, nil
		}
		i += 2 + n
	}
	return 0, 0, errors.New("corrupt JPEG: no frame header")
}

// hasEOI reports whether data ends with the EOI marker, allowing up to 4 KiB
// of zero padding after it.
func hasEOI(data []byte) bool {
	end := len(data)
	for limit := max(2, len(data)-4096); end > limit && data[end-1] == 0; end-- {
	}
	return end >= 2 && data[end-2] == 0xFF && data[end-1] == 0xD9
}
