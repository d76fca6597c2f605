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

	"gocv.io/x/gocv"
)

// The video file, "file:///abs/path.avi[?loop=false]": read through OpenCV's
// FFmpeg backend, paced at the file's frame rate (or framerate when set),
// looping by default. A Motion JPEG file is a JPEG source: FFmpeg hands over
// the stored JPEG packets, which are published without decoding. An H.264
// file (MP4, Matroska, AVI or a raw .h264 stream) is an H264 source the same
// way: FFmpeg's packets are its access units, in Annex-B form with the
// parameter sets before each IDR (OpenCV applies h264_mp4toannexb).

func init() { Register("file", openFile) }

type fileSource struct {
	mu      sync.Mutex // guards h, which rewind replaces while Close may run
	h       *cvHandle
	closed  chan struct{}
	once    sync.Once
	path    string
	info    Info
	loop    bool
	raw     bool        // frames are FFmpeg's packets (the stored JPEGs)
	h264    *H264Stream // the packets are H.264 access units: this is their stream
	fileFPS float64
	pace    pacer  // frames like a camera's, rescheduled after falling behind
	first   *Frame // read at open to learn the format; handed out first
}

func openFile(u *url.URL, req Request) (Source, error) {
	path, loop, err := fileOptions(u)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("file %s does not exist (yet)", path)
	case err != nil:
		return nil, fmt.Errorf("file %s: %w", path, err)
	case st.IsDir():
		return nil, Configf("file %s is a directory, not a video file", path)
	}
	s := &fileSource{path: path, loop: loop, closed: make(chan struct{})}
	if err := s.open(true); err != nil {
		return nil, err
	}
	fps := req.FPS
	if fps <= 0 {
		if fps = usableFPS(s.fileFPS); fps == 0 {
			fps = defaultFPS
			s.note("file %s gives no frame rate: playing at %d fps (set framerate to change)", path, defaultFPS)
		}
	} else if fps > 1000 {
		s.Close()
		return nil, Configf("file %s: framerate %g is outside (0, 1000]", path, fps)
	}
	s.info.FPS, s.pace.period = fps, time.Duration(float64(time.Second)/fps)
	s.info.URI, s.info.Backend = u.String(), "file"
	sourceNotes(&s.info, req, "files are not scaled")
	return s, nil
}

func fileOptions(u *url.URL) (path string, loop bool, err error) {
	if u.Opaque != "" || (u.Host != "" && u.Host != "localhost") || u.Path == "" || u.Path[0] != '/' {
		return "", false, Configf("source %q: a file source needs an absolute path: file:///abs/path.avi", u)
	}
	loop = true
	for k, v := range u.Query() {
		switch k {
		case "loop":
			if loop, err = strconv.ParseBool(v[len(v)-1]); err != nil {
				return "", false, Configf("source %q: loop=%q is not true or false", u, v[len(v)-1])
			}
		default:
			return "", false, Configf("source %q: unknown option %q (file options: loop)", u, k)
		}
	}
	return u.Path, loop, nil
}

// open (re)opens the file and reads its first frame. A Motion JPEG file is
// first tried as packets; if those are not whole JPEGs it is decoded instead.
func (s *fileSource) open(tryRaw bool) error {
	vc, err := gocv.VideoCaptureFileWithAPI(s.path, gocv.VideoCaptureFFmpeg)
	if err != nil {
		vc.Close()
		if _, serr := os.Stat(s.path); serr != nil {
			return fmt.Errorf("file %s: %w", s.path, serr)
		}
		return Configf("file %s is not a video file FFmpeg can read", s.path)
	}
	codec := uint32(vc.Get(gocv.VideoCaptureFOURCC))
	s.raw = tryRaw && (isMJPEG(codec) || isH264(codec)) && setRawPackets(vc)
	if s.raw && isH264(codec) && s.h264 == nil {
		s.h264 = NewH264Stream(nil)
	}
	s.fileFPS = vc.Get(gocv.VideoCaptureFPS)
	h := newCVHandle(vc)
	r, ok, err := h.read(0)
	if err != nil || !ok {
		h.close()
		return Configf("file %s (%s) has no frame FFmpeg can read", s.path, fourccString(codec))
	}
	var f *Frame
	if s.raw {
		if f, err = s.packetFrame(r); err != nil {
			h.close()
			return s.open(false)
		}
	} else if f, err = matFrame(r, BGR8); err != nil {
		h.close()
		return Configf("file %s: %v", s.path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
		h.close()
		return ErrClosed
	default:
	}
	s.h, s.first = h, f
	s.info.Width, s.info.Height, s.info.Format = f.Width, f.Height, f.Format
	return nil
}

func (s *fileSource) note(format string, a ...any) {
	s.info.Notes = append(s.info.Notes, fmt.Sprintf(format, a...))
}

func (s *fileSource) Info() Info { return s.info }

func (s *fileSource) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		close(s.closed)
		if s.h != nil {
			s.h.close()
		}
		if s.h264 != nil {
			s.h264.Close()
		}
	})
	return nil
}

func (s *fileSource) handle() *cvHandle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.h
}

func (s *fileSource) Read() (*Frame, error) {
	if err := s.pace.wait(s.closed); err != nil {
		return nil, err
	}
	begin := time.Now()
	f := s.first
	s.first = nil
	if f == nil {
		var err error
		if f, err = s.readNext(); err != nil {
			return nil, err
		}
	}
	f.GrabBegin, f.GrabEnd = begin, time.Now()
	f.Stamp = f.GrabEnd
	return f, nil
}

func (s *fileSource) readNext() (*Frame, error) {
	r, ok, err := s.handle().read(0)
	if err != nil {
		return nil, err
	}
	if !ok {
		if !s.loop {
			return nil, io.EOF
		}
		if err := s.rewind(); err != nil {
			return nil, err
		}
		f := s.first
		s.first = nil
		return f, nil
	}
	if s.raw {
		return s.packetFrame(r)
	}
	return matFrame(r, BGR8)
}

// packetFrame is one of FFmpeg's packets as a frame: a JPEG, or an access
// unit of the file's H.264 stream.
func (s *fileSource) packetFrame(r cvRead) (*Frame, error) {
	if s.h264 != nil {
		return s.h264.Frame(r.data, 0, 0, r.end)
	}
	return packetFrame(r)
}

// rewind starts the file again. Reopening costs a few milliseconds once per
// loop and works for every container, where seeking does not.
func (s *fileSource) rewind() error {
	raw := s.raw
	s.handle().close()
	if err := s.open(raw); err != nil {
		return fmt.Errorf("file %s: reopening to loop: %w", s.path, err)
	}
	return nil
}

// sourceNotes adds the notes for request fields a fixed source cannot honour.
func sourceNotes(info *Info, req Request, why string) {
	if req.Width > 0 && req.Height > 0 && (req.Width != info.Width || req.Height != info.Height) {
		info.Notes = append(info.Notes, fmt.Sprintf("size: asked %dx%d, the source delivers %dx%d (%s)", req.Width, req.Height, info.Width, info.Height, why))
	}
	if req.PixelFormat != "" {
		info.Notes = append(info.Notes, fmt.Sprintf("pixel_format %q applies to V4L2 cameras only; the source delivers %s", req.PixelFormat, info.Format))
	}
}
