package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeRawFile writes n frames of w×h×2 bytes, frame i filled with byte i+1
// after a 4-byte big-endian frame number, plus extra trailing bytes.
func writeRawFile(t testing.TB, n, w, h, extra int) string {
	t.Helper()
	var buf bytes.Buffer
	for i := range n {
		frame := bytes.Repeat([]byte{byte(i + 1)}, w*h*2)
		copy(frame, []byte{0, 0, 0, byte(i)})
		buf.Write(frame)
	}
	buf.Write(make([]byte, extra))
	path := filepath.Join(t.TempDir(), "clip.yuv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRawFileFramesLoop(t *testing.T) {
	path := writeRawFile(t, 3, 64, 48, 0)
	for _, tt := range []struct {
		format string
		want   PixelFormat
	}{{"yuyv", YUYV}, {"yuy2", YUYV}, {"uyvy", UYVY}} {
		t.Run(tt.format, func(t *testing.T) {
			src := mustOpen(t, fmt.Sprintf("rawfile://%s?format=%s&width=64&height=48&fps=500", path, tt.format), Request{})
			info := src.Info()
			if info.Format != tt.want || info.Width != 64 || info.Height != 48 || info.FPS != 500 || info.Backend != "rawfile" || len(info.Notes) != 0 {
				t.Fatalf("info = %+v", info)
			}
			frames := readFrames(t, src, 7)
			for i, f := range frames {
				if f.Format != tt.want || f.Width != 64 || f.Height != 48 || f.Step != 128 || len(f.Data) != 64*48*2 {
					t.Fatalf("frame %d: %s %dx%d step %d, %d bytes", i, f.Format, f.Width, f.Height, f.Step, len(f.Data))
				}
				if n := i % 3; f.Data[3] != byte(n) || f.Data[len(f.Data)-1] != byte(n+1) {
					t.Fatalf("frame %d holds file frame %d (last byte %d), want %d", i, f.Data[3], f.Data[len(f.Data)-1], n)
				}
			}
			// Each frame owns its bytes: the loop's second pass did not overwrite the first.
			if &frames[0].Data[0] == &frames[3].Data[0] || frames[0].Data[3] != 0 {
				t.Fatal("frames share a buffer")
			}
		})
	}
}

func TestRawFileSizeFromRequestAndTrailingBytes(t *testing.T) {
	path := writeRawFile(t, 2, 32, 16, 100)
	src := mustOpen(t, "rawfile://"+path, Request{Width: 32, Height: 16, FPS: 400})
	if info := src.Info(); info.Format != YUYV || info.Width != 32 || info.FPS != 400 ||
		len(info.Notes) != 1 || !containsFold(info.Notes[0], "100 bytes") {
		t.Fatalf("info = %+v", info)
	}
	readFrames(t, src, 4)
}

func TestRawFileNoLoopEnds(t *testing.T) {
	path := writeRawFile(t, 2, 32, 16, 0)
	src := mustOpen(t, "rawfile://"+path+"?width=32&height=16&fps=500&loop=false", Request{})
	readFrames(t, src, 2)
	for range 2 {
		if _, err := src.Read(); !errors.Is(err, io.EOF) {
			t.Fatalf("after the last frame: %v, want io.EOF", err)
		}
	}
}

func TestRawFilePacingAndClose(t *testing.T) {
	path := writeRawFile(t, 2, 32, 16, 0)
	src := mustOpen(t, "rawfile://"+path+"?width=32&height=16&fps=50", Request{})
	start := time.Now()
	readFrames(t, src, 11)
	// Ten periods of 20 ms: generous bounds, this is pacing, not a benchmark.
	if d := time.Since(start); d < 150*time.Millisecond || d > 600*time.Millisecond {
		t.Fatalf("11 frames at 50 fps took %v", d)
	}
	slow := mustOpen(t, "rawfile://"+path+"?width=32&height=16&fps=0.5", Request{})
	readFrames(t, slow, 1)
	go func() { time.Sleep(20 * time.Millisecond); slow.Close() }()
	if _, err := slow.Read(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read during Close: %v, want ErrClosed", err)
	}
}

func TestRawFileErrors(t *testing.T) {
	clip := writeRawFile(t, 1, 32, 16, 0)
	dir := filepath.Dir(clip)
	tests := []struct {
		name     string
		uri      string
		req      Request
		config   bool
		mentions string
	}{
		{"missing", "rawfile://" + dir + "/later.yuv?width=32&height=16", Request{}, false, dir + "/later.yuv"},
		{"directory", "rawfile://" + dir + "?width=32&height=16", Request{}, true, "directory"},
		{"relative", "rawfile://clips/a.yuv?width=32&height=16", Request{}, true, "absolute path"},
		{"opaque", "rawfile:clips/a.yuv", Request{}, true, "absolute path"},
		{"bad format", "rawfile://" + clip + "?format=nv12&width=32&height=16", Request{}, true, `"nv12" is not one of yuyv, yuy2, uyvy`},
		{"bad width", "rawfile://" + clip + "?width=wide&height=16", Request{}, true, `width="wide"`},
		{"zero height", "rawfile://" + clip + "?width=32&height=0", Request{}, true, `height="0"`},
		{"odd width", "rawfile://" + clip + "?width=31&height=16", Request{}, true, "width 31 must be even"},
		{"huge size", "rawfile://" + clip + "?width=10000&height=16", Request{}, true, "10000x16"},
		{"no size", "rawfile://" + clip, Request{}, true, "width= and height="},
		{"bad fps", "rawfile://" + clip + "?width=32&height=16&fps=fast", Request{}, true, `fps="fast"`},
		{"absurd fps", "rawfile://" + clip + "?width=32&height=16&fps=5000", Request{}, true, "5000"},
		{"bad loop", "rawfile://" + clip + "?width=32&height=16&loop=maybe", Request{}, true, `loop="maybe"`},
		{"unknown option", "rawfile://" + clip + "?width=32&height=16&speed=2", Request{}, true, "speed"},
		{"shorter than a frame", "rawfile://" + clip + "?width=64&height=16", Request{}, true, "less than one 64x16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOpenRefused(t, tt.uri, tt.req, tt.config, tt.mentions)
		})
	}
}
