package capture

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Source produces frames. One goroutine owns a Source: Read and Close are not
// called concurrently, except Close to unblock a Read from another goroutine.
type Source interface {
	// Read blocks until the next frame is available. It fills everything but
	// Seq, which the caller assigns. It returns io.EOF when a finite source
	// ends and ErrClosed after Close.
	Read() (*Frame, error)
	// Info describes what the source granted.
	Info() Info
	Close() error
}

// ErrClosed is returned by Read after Close.
var ErrClosed = errors.New("capture: source closed")

// Request is what the user asked for. Zero values mean "the source's default".
type Request struct {
	Width       int
	Height      int
	FPS         float64
	PixelFormat string // "", "mjpeg", "yuyv", "uyvy", "mono8", "rgb24", or usb_cam aliases
}

// Info is what a source actually delivers.
type Info struct {
	URI     string // the source as opened
	Backend string // "testpattern", "v4l2", "file", "gstreamer", "network", …
	Width   int    // granted frame size
	Height  int
	FPS     float64     // granted (nominal) frame rate; 0 when unknown
	Format  PixelFormat // what Read returns in Frame.Format
	Notes   []string    // requested-vs-granted differences, worth one warning each
}

// Opener opens a source for a parsed URI.
type Opener func(u *url.URL, req Request) (Source, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Opener{}
)

// Register makes a URI scheme available to Open. Sources register themselves
// from init in their own files.
func Register(scheme string, open Opener) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[scheme] = open
}

// Schemes lists the registered URI schemes, sorted.
func Schemes() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for s := range registry {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Open opens the source named by uri, e.g. "testpattern://", "v4l2:///dev/video0",
// "file:///data/clip.avi", "gst:videotestsrc ! appsink".
func Open(uri string, req Request) (Source, error) {
	u, open, err := lookup(uri)
	if err != nil {
		return nil, err
	}
	return open(u, req)
}

// CheckURI validates a source URI's syntax and scheme without opening it.
func CheckURI(uri string) error {
	_, _, err := lookup(uri)
	return err
}

func lookup(uri string) (*url.URL, Opener, error) {
	u, err := ParseURI(uri)
	if err != nil {
		return nil, nil, err
	}
	registryMu.RLock()
	open := registry[u.Scheme]
	registryMu.RUnlock()
	if open == nil {
		return nil, nil, Configf("source %q: unknown scheme %q (supported: %s)", uri, u.Scheme, strings.Join(Schemes(), ", "))
	}
	return u, open, nil
}

// ParseURI parses a source URI. "gst:" takes the rest of the string verbatim
// as a pipeline, which url.Parse would mangle.
func ParseURI(uri string) (*url.URL, error) {
	if uri == "" {
		return nil, Configf("source: empty URI (examples: testpattern://, v4l2:///dev/video0, file:///path/clip.avi)")
	}
	if rest, ok := strings.CutPrefix(uri, "gst:"); ok {
		return &url.URL{Scheme: "gst", Opaque: rest}, nil
	}
	u, err := url.Parse(uri)
	if err != nil {
		return nil, Configf("source %q: %v", uri, err)
	}
	if u.Scheme == "" {
		return nil, Configf("source %q: no scheme (examples: testpattern://, v4l2:///dev/video0, file:///path/clip.avi)", uri)
	}
	return u, nil
}

// ConfigError marks a failure that retrying cannot fix (a bad URI, size or
// format): the node reports it and stops instead of reconnecting.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Configf returns a ConfigError with a formatted message.
func Configf(format string, a ...any) error { return &ConfigError{fmt.Errorf(format, a...)} }

// IsConfigError reports whether err (or anything it wraps) is a ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}
