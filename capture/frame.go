package capture

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// PixelFormat names the layout of Frame.Data. The values are the ROS
// sensor_msgs image encodings, so they can be published as they are, except
// JPEG, which goes to CompressedImage.
type PixelFormat string

const (
	RGB8  PixelFormat = "rgb8"
	BGR8  PixelFormat = "bgr8"
	Mono8 PixelFormat = "mono8"
	YUYV  PixelFormat = "yuv422_yuy2" // Y0 U Y1 V
	UYVY  PixelFormat = "yuv422"      // U Y0 V Y1 (ROS calls this yuv422)
	JPEG  PixelFormat = "jpeg"        // Data is one complete JPEG image
	// H264 frames are one H.264 access unit each (a whole picture), in
	// Annex-B byte-stream form (start codes), in decoding order, with SPS
	// and PPS before every IDR picture. Width and Height are the SPS's
	// cropped size. Decoding needs the access units before it, so pixels
	// of an H264 frame come from its source's decoder chain.
	H264 PixelFormat = "h264"
)

// BytesPerPixel is the packed size of one pixel, 0 for compressed formats:
// the jpeg package's for the same layout (every packed format here is one
// it reads or writes, turboFormats).
func (p PixelFormat) BytesPerPixel() int { return turboFormats[p].BytesPerPixel() }

// Compressed reports whether Data is a compressed image rather than pixels.
func (p PixelFormat) Compressed() bool { return p == JPEG || p == H264 }

// Frame is one captured image with its timing. Treat it as read-only once it
// has been handed on: it is shared by pointer between all consumers.
//
// A frame from a BufferPool (NewFrame) is reference counted: whoever reads
// its Data past the moment they got it holds a reference (Retain, Release),
// and the last Release recycles the buffer. Other frames need none, and
// Retain/Release do nothing on them. The metadata fields stay valid either
// way; the derived conversions and encodes are GC-managed.
type Frame struct {
	Seq    uint64    // strictly increasing for the life of the process
	Stamp  time.Time // when the image was captured (driver time where known)
	Width  int
	Height int
	Format PixelFormat
	Step   int    // bytes per row; 0 for compressed formats
	Data   []byte // pixels or JPEG bytes; valid while the frame is referenced

	GrabBegin time.Time // before the source was asked for the frame
	GrabEnd   time.Time // when the source returned it

	derived derivedCache
	h264    h264Ref // an H264 frame's stream and place in it

	pool *BufferPool  // nil: Data is GC-managed
	buf  []byte       // the pool's buffer, which Data may be a prefix of
	refs atomic.Int32 // holders of a pooled frame's Data
}

// Validate checks that Data matches the declared size and format.
func (f *Frame) Validate() error {
	if f.Width <= 0 || f.Height <= 0 {
		return fmt.Errorf("frame %d: size %dx%d is not positive", f.Seq, f.Width, f.Height)
	}
	if f.Format.Compressed() {
		if len(f.Data) == 0 {
			return fmt.Errorf("frame %d: empty %s data", f.Seq, f.Format)
		}
		return nil
	}
	bpp := f.Format.BytesPerPixel()
	if bpp == 0 {
		return fmt.Errorf("frame %d: unknown pixel format %q", f.Seq, f.Format)
	}
	if f.Step < f.Width*bpp {
		return fmt.Errorf("frame %d: step %d is less than width %d × %d bytes", f.Seq, f.Step, f.Width, bpp)
	}
	if len(f.Data) < f.Step*f.Height {
		return fmt.Errorf("frame %d: %d bytes, want %d (step %d × height %d)", f.Seq, len(f.Data), f.Step*f.Height, f.Step, f.Height)
	}
	return nil
}

// EncodeOptions selects a JPEG rendition of a frame. Zero Width/Height keep
// the frame's size; one of them zero keeps the aspect ratio.
type EncodeOptions struct {
	Quality int // JPEG 1..100 (0: DefaultJPEGQuality); PNG: the compression level 0..9
	Width   int
	Height  int
	Invert  bool // rotated 180°, as web_video_server's invert
	PNG     bool // PNG instead of JPEG (Encoded only)
}

// derivedCache holds the conversions made of one frame, each made once.
type derivedCache struct {
	mu    sync.Mutex
	raw   map[PixelFormat]*onceBytes
	jpegs map[EncodeOptions]*onceBytes
	h264  decodedPicture // an H264 frame's picture
}

type onceBytes struct {
	once sync.Once
	done atomic.Bool // data and err are set (for readers outside once)
	data []byte
	err  error
}

func (c *derivedCache) rawSlot(p PixelFormat) *onceBytes {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slotFor(&c.raw, p)
}

func (c *derivedCache) jpegSlot(o EncodeOptions) *onceBytes {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slotFor(&c.jpegs, o)
}

// slotFor returns the slot for k in *m, creating the map and the slot as
// needed. The caller holds the cache's lock.
func slotFor[K comparable](m *map[K]*onceBytes, k K) *onceBytes {
	if *m == nil {
		*m = make(map[K]*onceBytes)
	}
	s := (*m)[k]
	if s == nil {
		s = &onceBytes{}
		(*m)[k] = s
	}
	return s
}
