package capture

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"net/url"
	"sync"
	"time"

	"gocv.io/x/gocv"
)

// The test pattern, "testpattern://": a paced, moving image that tests can
// read back. Layout (documented because tests decode it):
//   - top band, PatternBandHeight(h) rows: the source's frame counter as 32
//     cells of width w/32, most significant bit first, white = 1, black = 0;
//   - below: eight colour bars (PatternBars) each w/8 wide, scrolled left by
//     PatternShift(counter) pixels;
//   - a black box near the bottom with "#counter time size" in white.
// Query options: ?format=mjpeg makes it emit JPEG frames, like an MJPEG camera.

// PatternBars are the bar colours, left to right, as RGB.
var PatternBars = [8][3]byte{
	{255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
	{255, 0, 255}, {255, 0, 0}, {0, 0, 255}, {0, 0, 0},
}

// PatternBandHeight is the height of the counter band for an image height.
func PatternBandHeight(h int) int { return max(8, h/16) }

// PatternShift is how far the bars have scrolled at a counter value.
func PatternShift(counter uint64, w int) int { return int(counter*4) % w }

// PatternBarAt is the bar index seen at column x for a counter value.
func PatternBarAt(x int, counter uint64, w int) int {
	return ((x + PatternShift(counter, w)) % w) * 8 / w
}

const (
	defaultWidth  = 640
	defaultHeight = 480
	defaultFPS    = 30
	maxDimension  = 8192
)

func init() { Register("testpattern", openTestPattern) }

type testPattern struct {
	info    Info
	jpeg    bool
	pace    pacer
	row     []byte      // two widths of bars, so any shift is one contiguous copy
	pool    *BufferPool // RGB images, each written whole
	counter uint64
	closed  chan struct{}
	once    sync.Once
}

func openTestPattern(u *url.URL, req Request) (Source, error) {
	w, h, fps := req.Width, req.Height, req.FPS
	if w == 0 {
		w = defaultWidth
	}
	if h == 0 {
		h = defaultHeight
	}
	if fps == 0 {
		fps = defaultFPS
	}
	if err := CheckSize(w, h, fps); err != nil {
		return nil, Configf("testpattern: %v", err)
	}
	format := RGB8
	switch f := u.Query().Get("format"); f {
	case "", "rgb8":
	case "mjpeg", "jpeg":
		format = JPEG
	default:
		return nil, Configf("testpattern: format %q is not one of rgb8, mjpeg", f)
	}
	if p := u.Query().Get("pattern"); p != "" && p != "bars" {
		return nil, Configf("testpattern: pattern %q is not one of: bars", p)
	}
	tp := &testPattern{
		info: Info{URI: u.String(), Backend: "testpattern", Width: w, Height: h, FPS: fps, Format: format},
		jpeg: format == JPEG, pace: pacer{period: time.Duration(float64(time.Second) / fps)},
		closed: make(chan struct{}),
	}
	tp.pool = NewBufferPool(w*3*h, 0)
	tp.row = make([]byte, 2*w*3)
	for x := 0; x < 2*w; x++ {
		copy(tp.row[x*3:], PatternBars[(x%w)*8/w][:])
	}
	return tp, nil
}

// CheckSize rejects sizes and rates no source should be asked for.
func CheckSize(w, h int, fps float64) error {
	if w < 16 || h < 16 || w > maxDimension || h > maxDimension {
		return fmt.Errorf("size %dx%d is outside 16x16..%dx%d", w, h, maxDimension, maxDimension)
	}
	if w%2 != 0 {
		return fmt.Errorf("width %d must be even", w)
	}
	if fps <= 0 || fps > 1000 {
		return fmt.Errorf("frame rate %g is outside (0, 1000]", fps)
	}
	return nil
}

func (tp *testPattern) Info() Info { return tp.info }

func (tp *testPattern) Close() error {
	tp.once.Do(func() { close(tp.closed) })
	return nil
}

func (tp *testPattern) Read() (*Frame, error) {
	if err := tp.pace.wait(tp.closed); err != nil {
		return nil, err
	}
	begin := time.Now()
	f, err := tp.render(tp.counter, begin)
	if err != nil {
		return nil, err
	}
	tp.counter++
	f.Stamp, f.GrabBegin, f.GrabEnd = begin, begin, time.Now()
	return f, nil
}

func (tp *testPattern) render(counter uint64, at time.Time) (*Frame, error) {
	w, h := tp.info.Width, tp.info.Height
	step := w * 3
	f := tp.pool.NewFrame()
	f.Width, f.Height, f.Format, f.Step = w, h, RGB8, step
	data := f.Data
	band := PatternBandHeight(h)
	for y := 0; y < band; y++ {
		line := data[y*step : (y+1)*step]
		for x := 0; x < w; x++ {
			bit := 31 - x*32/w
			v := byte(0)
			if counter>>uint(bit)&1 == 1 {
				v = 255
			}
			line[x*3], line[x*3+1], line[x*3+2] = v, v, v
		}
	}
	shift := PatternShift(counter, w) * 3
	for y := band; y < h; y++ {
		copy(data[y*step:(y+1)*step], tp.row[shift:shift+step])
	}
	if err := drawCaption(data, w, h, fmt.Sprintf("#%d %s %dx%d", counter, at.Format("15:04:05.000"), w, h)); err != nil {
		f.Release()
		return nil, err
	}
	if !tp.jpeg {
		return f, nil
	}
	// The RGB image was only the encoder's input: its buffer goes back now.
	defer f.Release()
	return encodeSourceJPEG(f)
}

// drawCaption writes text in a black box near the bottom of an RGB image.
func drawCaption(data []byte, w, h int, text string) error {
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, data)
	if err != nil {
		return err
	}
	defer m.Close()
	scale := float64(h) / 480
	size := gocv.GetTextSize(text, gocv.FontHersheySimplex, scale, max(1, int(2*scale)))
	pad := max(2, int(6*scale))
	box := image.Rect(pad, h-size.Y-3*pad, min(w-1, size.X+3*pad), h-pad)
	if err := gocv.Rectangle(&m, box, color.RGBA{0, 0, 0, 255}, -1); err != nil {
		return err
	}
	return gocv.PutText(&m, text, image.Pt(box.Min.X+pad, box.Max.Y-pad), gocv.FontHersheySimplex, scale, color.RGBA{255, 255, 255, 255}, max(1, int(2*scale)))
}

// encodeSourceJPEG turns an RGB frame into a JPEG frame, as a camera would; it
// is the source's own work, not counted among the node's encodes.
func encodeSourceJPEG(f *Frame) (*Frame, error) {
	bgr := gocv.NewMat()
	defer bgr.Close()
	src, err := f.mat()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if err := gocv.CvtColor(src, &bgr, gocv.ColorRGBToBGR); err != nil {
		return nil, err
	}
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, bgr, []int{gocv.IMWriteJpegQuality, 90})
	if err != nil {
		return nil, err
	}
	defer buf.Close()
	// GetBytes aliases C memory that Close frees: copy it out.
	return &Frame{Width: f.Width, Height: f.Height, Format: JPEG, Data: bytes.Clone(buf.GetBytes())}, nil
}
