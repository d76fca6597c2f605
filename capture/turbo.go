package capture

import (
	"bytes"
	"fmt"
	"sync"

	"webcam/jpeg"
)

// JPEG work goes through libjpeg-turbo's TurboJPEG API (package jpeg): it
// decodes into a caller's buffer (the outgoing message) and encodes YUYV
// with no RGB round trip, at 4–5× less CPU than OpenCV's imdecode on camera
// frames. Handles are not safe for concurrent use: each call takes one
// from a pool.

var (
	decoders = sync.Pool{New: func() any { d, _ := jpeg.NewDecoder(); return d }}
	encoders = sync.Pool{New: func() any { e, _ := jpeg.NewEncoder(); return e }}
)

// turboFormats maps the frame formats TurboJPEG reads or writes.
var turboFormats = map[PixelFormat]jpeg.Format{
	RGB8: jpeg.RGB8, BGR8: jpeg.BGR8, Mono8: jpeg.Mono8, YUYV: jpeg.YUYV, UYVY: jpeg.UYVY,
}

// decodeInto decodes the JPEG frame f into dst as p (RGB8, BGR8 or Mono8),
// rows packed, and checks it is the size the source announced.
func (f *Frame) decodeInto(dst []byte, p PixelFormat) error {
	tf, ok := turboFormats[p]
	if !ok || p == YUYV || p == UYVY {
		return fmt.Errorf("cannot decode JPEG frame %d to %s", f.Seq, p)
	}
	d, _ := decoders.Get().(*jpeg.Decoder)
	if d == nil {
		return fmt.Errorf("decoding JPEG frame %d: no TurboJPEG decoder", f.Seq)
	}
	defer decoders.Put(d)
	w, h, _, err := d.Header(f.Data)
	if err != nil {
		return fmt.Errorf("decoding JPEG frame %d: %w", f.Seq, err)
	}
	if w != f.Width || h != f.Height {
		return fmt.Errorf("JPEG frame %d is %dx%d, source said %dx%d", f.Seq, w, h, f.Width, f.Height)
	}
	if _, _, _, err := d.DecodeInto(dst, f.Data, tf); err != nil {
		return fmt.Errorf("decoding JPEG frame %d: %w", f.Seq, err)
	}
	counts.decodes.Add(1)
	return nil
}

// turboEncode encodes f's own pixels (no resize) at quality, or reports
// false when TurboJPEG cannot take them as they are (padded odd rows).
func (f *Frame) turboEncode(quality int) ([]byte, bool, error) {
	tf, ok := turboFormats[f.Format]
	if !ok {
		return nil, false, nil
	}
	e, _ := encoders.Get().(*jpeg.Encoder)
	if e == nil {
		return nil, false, nil
	}
	defer encoders.Put(e)
	out, err := e.Encode(jpeg.Image{Pix: f.Data, Width: f.Width, Height: f.Height, Stride: f.Step, Format: tf}, quality)
	if err != nil {
		return nil, true, fmt.Errorf("encoding frame %d as JPEG: %w", f.Seq, err)
	}
	counts.encodes.Add(1)
	return bytes.Clone(out), true, nil // out is the encoder's, reused by its next call
}
