package capture

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"webcam/jpeg"
)

// Pixels of H.264 frames. A frame's picture is decoded once (shared by every
// consumer, as other conversions are) by its stream's decoder, which first
// feeds it the units before the frame it has not seen. From the I420 picture
// the packed pixels and the JPEG are made by TurboJPEG with no RGB round
// trip; a video-range picture (most cameras' streams) is stretched to full
// range first, as JFIF and TurboJPEG's conversion assume.

// isH264 reports whether FFmpeg's FOURCC names H.264: a container's tag
// (avc1 in MP4, H264 in AVI and Matroska) or FFmpeg's codec name ("h264"
// for an elementary stream or RTSP).
func isH264(code uint32) bool {
	switch strings.ToUpper(fourccString(code)) {
	case "AVC1", "H264", "X264", "DAVC", "AVC3":
		return true
	}
	return false
}

// decodedPicture is an H264 frame's picture, decoded and brought to full
// range at most once, whatever and however many conversions use it.
type decodedPicture struct {
	once   sync.Once
	planes *jpeg.YUV
	err    error
}

// Planes is an H264 frame's picture as full-range 4:2:0 planes, what a JPEG
// or H.264 encoder takes. The planes are shared: do not write them.
func (f *Frame) Planes() (*jpeg.YUV, error) {
	if f.Format != H264 {
		return nil, fmt.Errorf("frame %d is %s, not h264: its pixels are its Data", f.Seq, f.Format)
	}
	return f.fullRangePlanes()
}

// fullRangePlanes decodes f (an H264 frame) as JFIF planes (full range,
// 4:2:0), or returns the planes made before.
func (f *Frame) fullRangePlanes() (*jpeg.YUV, error) {
	d := &f.derived.h264
	d.once.Do(func() {
		d.planes, d.err = f.decodePlanes()
		if d.err == nil {
			counts.decodes.Add(1)
		} else {
			d.err = fmt.Errorf("decoding H.264 frame %d: %w", f.Seq, d.err)
		}
	})
	return d.planes, d.err
}

func (f *Frame) decodePlanes() (*jpeg.YUV, error) {
	pic, err := f.h264.stream.dec.decodeTo(f.h264.stream, f.h264.index)
	if err != nil {
		return nil, err
	}
	if pic.Width != f.Width || pic.Height != f.Height {
		return nil, fmt.Errorf("it decodes to %dx%d, the stream said %dx%d", pic.Width, pic.Height, f.Width, f.Height)
	}
	y, cb, cr := pic.Planes()
	planes := &jpeg.YUV{Y: y, Cb: cb, Cr: cr, Width: pic.Width, Height: pic.Height, YStride: pic.Width,
		ChromaWidth: (pic.Width + 1) / 2, ChromaHeight: (pic.Height + 1) / 2, Subsampling: jpeg.Sub420}
	if pic.FullRange {
		return planes, nil
	}
	full := &jpeg.YUV{}
	jpeg.FullRange(full, planes)
	return full, nil
}

// h264PixelsInto writes an H264 frame's picture into dst as p.
func (f *Frame) h264PixelsInto(dst []byte, p PixelFormat) error {
	tf, ok := turboFormats[p]
	if !ok || (p != RGB8 && p != BGR8 && p != Mono8) {
		return fmt.Errorf("cannot decode H.264 frame %d to %s", f.Seq, p)
	}
	planes, err := f.fullRangePlanes()
	if err != nil {
		return err
	}
	if p == Mono8 {
		copy(dst, planes.Y[:f.Width*f.Height])
		return nil
	}
	d, _ := decoders.Get().(*jpeg.Decoder)
	if d == nil {
		return fmt.Errorf("converting H.264 frame %d: no TurboJPEG handle", f.Seq)
	}
	defer decoders.Put(d)
	return d.PixelsFromPlanes(dst, planes, tf)
}

// h264JPEG encodes an H264 frame's picture as it is (no resize) at quality.
func (f *Frame) h264JPEG(quality int) ([]byte, error) {
	planes, err := f.fullRangePlanes()
	if err != nil {
		return nil, err
	}
	e, _ := encoders.Get().(*jpeg.Encoder)
	if e == nil {
		return nil, errors.New("no TurboJPEG encoder")
	}
	defer encoders.Put(e)
	out, err := e.EncodePlanes(planes, quality)
	if err != nil {
		return nil, fmt.Errorf("encoding H.264 frame %d as JPEG: %w", f.Seq, err)
	}
	counts.encodes.Add(1)
	return append([]byte(nil), out...), nil
}
