package capture

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
)

// Raw packed frames in a file, as a YUYV or UYVY camera hands them over:
//
//	rawfile:///abs/clip.yuv?format=yuyv&width=1280&height=720&fps=30[&loop=false]
//
// Each frame is width×height×2 bytes, one after another, with no header; a
// trailing partial frame is ignored. Frames are read one per period (the
// file's bytes, unconverted), looping at the end by default. width, height
// and fps default to the request's (image_width, image_height, framerate).

func init() { Register("rawfile", openRawFile) }

// rawFileFormats are the accepted format values.
var rawFileFormats = map[string]PixelFormat{"yuyv": YUYV, "yuy2": YUYV, "uyvy": UYVY}

type rawFile struct {
	f      *os.File
	info   Info
	size   int64 // bytes per frame
	frames int64 // whole frames in the file
	index  int64 // the next frame to read
	loop   bool
	pace   pacer
	pool   *BufferPool // frames are read whole into recycled buffers
	closed chan struct{}
	once   sync.Once
}

func openRawFile(u *url.URL, req Request) (Source, error) {
	if u.Opaque != "" || (u.Host != "" && u.Host != "localhost") || u.Path == "" || u.Path[0] != '/' {
		return nil, Configf("source %q: a raw file source needs an absolute path: rawfile:///abs/clip.yuv?format=yuyv&width=640&height=480", u)
	}
	w, h, fps, format, loop := req.Width, req.Height, req.FPS, YUYV, true
	if fps == 0 {
		fps = defaultFPS
	}
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		var err error
		switch k {
		case "format":
			var ok bool
			if format, ok = rawFileFormats[v]; !ok {
				err = fmt.Errorf("format=%q is not one of yuyv, yuy2, uyvy", v)
			}
		case "width", "height":
			n, perr := strconv.Atoi(v)
			if perr != nil || n <= 0 {
				err = fmt.Errorf("%s=%q is not a positive whole number of pixels", k, v)
			} else if k == "width" {
				w = n
			} else {
				h = n
			}
		case "fps":
			if fps, err = strconv.ParseFloat(v, 64); err != nil {
				err = fmt.Errorf("fps=%q is not a number (frames per second, in (0, 1000])", v)
			}
		case "loop":
			if loop, err = strconv.ParseBool(v); err != nil {
				err = fmt.Errorf("loop=%q is not true or false", v)
			}
		default:
			err = fmt.Errorf("unknown option %q (raw file options: format, width, height, fps, loop)", k)
		}
		if err != nil {
			return nil, Configf("source %q: %v", u, err)
		}
	}
	if w == 0 || h == 0 {
		return nil, Configf("source %q: no frame size: give width= and height= (or image_width and image_height)", u)
	}
	if err := CheckSize(w, h, fps); err != nil {
		return nil, Configf("source %q: %v", u, err)
	}
	f, err := os.Open(u.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("raw file %s does not exist (yet)", u.Path)
		}
		return nil, fmt.Errorf("raw file %s: %w", u.Path, err)
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		err = Configf("raw file %s is a directory", u.Path)
	}
	size := int64(w) * int64(h) * 2
	if err == nil && st.Size() < size {
		err = Configf("raw file %s holds %d bytes, less than one %dx%d %s frame (%d bytes)", u.Path, st.Size(), w, h, format, size)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &rawFile{
		f: f, size: size, frames: st.Size() / size, loop: loop, closed: make(chan struct{}),
		pace: pacer{period: time.Duration(float64(time.Second) / fps)}, pool: NewBufferPool(int(size), 0),
		info: Info{URI: u.String(), Backend: "rawfile", Width: w, Height: h, FPS: fps, Format: format},
	}
	if st.Size()%size != 0 {
		s.info.Notes = append(s.info.Notes, fmt.Sprintf("raw file %s: %d bytes after its %d whole frames are ignored", u.Path, st.Size()%size, s.frames))
	}
	sourceNotes(&s.info, Request{Width: req.Width, Height: req.Height, PixelFormat: req.PixelFormat}, "set width= and height= in the URI")
	return s, nil
}

func (s *rawFile) Info() Info { return s.info }

func (s *rawFile) Close() error {
	s.once.Do(func() {
		close(s.closed)
		s.f.Close()
	})
	return nil
}

func (s *rawFile) Read() (*Frame, error) {
	if err := s.pace.wait(s.closed); err != nil {
		return nil, err
	}
	if s.index == s.frames {
		if !s.loop {
			return nil, io.EOF
		}
		s.index = 0
	}
	begin := time.Now()
	// A pooled buffer, read whole: it comes back after the frame's last Release.
	f := s.pool.NewFrame()
	if _, err := s.f.ReadAt(f.Data, s.index*s.size); err != nil {
		f.Release()
		select {
		case <-s.closed:
			return nil, ErrClosed
		default:
		}
		return nil, fmt.Errorf("raw file %s: frame %d: %w", s.f.Name(), s.index, err)
	}
	s.index++
	end := time.Now()
	f.Stamp, f.Width, f.Height, f.Format = begin, s.info.Width, s.info.Height, s.info.Format
	f.Step, f.GrabBegin, f.GrabEnd = s.info.Width*2, begin, end
	return f, nil
}
