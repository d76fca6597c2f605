package h264dec

// Picture is a decoded image as packed 8-bit I420: Y (Width×Height), then Cb
// and Cr ((Width+1)/2 × (Height+1)/2 each), rows without padding.
type Picture struct {
	Width, Height int
	Data          []byte
	// FullRange: the values span 0–255 (yuvj* pixel formats, or the VUI's
	// video_full_range_flag); otherwise they are video range (16–235/240).
	// Conversion to I420 keeps the range the stream has.
	FullRange bool
}

// Planes returns views of the three planes in p.Data.
func (p Picture) Planes() (y, cb, cr []byte) {
	ys, cs := p.Width*p.Height, chromaSize(p.Width, p.Height)
	return p.Data[:ys:ys], p.Data[ys : ys+cs : ys+cs], p.Data[ys+cs : ys+2*cs : ys+2*cs]
}

// I420Size is the size of a w×h packed I420 picture.
func I420Size(w, h int) int { return w*h + 2*chromaSize(w, h) }

// chromaSize: odd sizes round up, as libavcodec's 4:2:0 planes do.
func chromaSize(w, h int) int { return ((w + 1) / 2) * ((h + 1) / 2) }
