package capture

import (
	"fmt"

	"gocv.io/x/gocv"
)

// maxBadFrames is how many corrupt frames in a row a live source drops before
// Read reports it as failing.
const maxBadFrames = 30

// badFrames counts the corrupt frames (a torn USB transfer, a truncated
// network JPEG) a live source drops: in a row, to give up on a source that
// only sends garbage, and in all, for Counts().Corrupt.
type badFrames struct{ run int }

// drop records one corrupt frame; an error once maxBadFrames came in a row.
func (b *badFrames) drop(source string, err error) error {
	counts.corrupt.Add(1)
	if b.run++; b.run >= maxBadFrames {
		return fmt.Errorf("%s: %d bad frames in a row, last: %w", source, b.run, err)
	}
	return nil
}

// good ends a run of corrupt frames.
func (b *badFrames) good() { b.run = 0 }

// matFrame turns what OpenCV read into a Frame. OpenCV hands over compressed
// data (MJPEG from V4L2 with CONVERT_RGB off, image/jpeg from an appsink, raw
// FFmpeg packets) as one row of bytes; packed pixels come as rows×cols with 1,
// 2 or 3 channels. packed names the format of 2- and 3-channel data (YUYV or
// UYVY; RGB8 or BGR8), which the Mat alone does not tell. A refused pooled
// read gives its buffer back.
func matFrame(r cvRead, packed PixelFormat) (*Frame, error) {
	f := r.pooled
	if f == nil {
		f = &Frame{}
	}
	f.Data, f.GrabBegin, f.GrabEnd = r.data, r.begin, r.end
	if err := describeMat(f, r, packed); err != nil {
		f.Release()
		return nil, err
	}
	return f, nil
}

// describeMat sets f's format and size from what OpenCV read.
func describeMat(f *Frame, r cvRead, packed PixelFormat) error {
	switch r.typ {
	case gocv.MatTypeCV8UC1:
		if r.rows == 1 && len(r.data) >= 2 && r.data[0] == 0xFF && r.data[1] == 0xD8 {
			w, h, err := JPEGSize(r.data)
			if err != nil {
				return err
			}
			f.Format, f.Width, f.Height = JPEG, w, h
			return nil
		}
		f.Format = Mono8
	case gocv.MatTypeCV8UC2:
		if packed != YUYV && packed != UYVY {
			return fmt.Errorf("2-channel frame with no YUV layout known (%dx%d)", r.cols, r.rows)
		}
		f.Format = packed
	case gocv.MatTypeCV8UC3:
		f.Format = BGR8
		if packed == RGB8 {
			f.Format = RGB8
		}
	default:
		return fmt.Errorf("unsupported OpenCV frame type %v (%dx%d)", r.typ, r.cols, r.rows)
	}
	f.Width, f.Height = r.cols, r.rows
	f.Step = f.Width * f.Format.BytesPerPixel()
	return f.Validate()
}
