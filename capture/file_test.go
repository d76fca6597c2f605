package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFileMJPEGPassesStoredBytes(t *testing.T) {
	path := writeMJPEG(t, t.TempDir(), 4, 320, 240, 25)
	stored := aviVideoChunks(t, path)
	if len(stored) != 4 {
		t.Fatalf("the AVI holds %d video chunks, want 4", len(stored))
	}
	src := mustOpen(t, "file://"+path, Request{FPS: 200})
	if info := src.Info(); info.Format != JPEG || info.Width != 320 || info.Height != 240 || info.FPS != 200 {
		t.Fatalf("info = %+v", info)
	}
	// Three passes: looping restarts the file and hands over the same bytes.
	for i, f := range readFrames(t, src, 12) {
		if f.Format != JPEG || f.Width != 320 || f.Height != 240 {
			t.Fatalf("frame %d: %s %dx%d", i, f.Format, f.Width, f.Height)
		}
		if !bytes.Equal(f.Data, stored[i%4]) {
			t.Fatalf("frame %d: %d bytes differ from the %d stored in the file", i, len(f.Data), len(stored[i%4]))
		}
	}
}

func TestFileNoLoopEnds(t *testing.T) {
	path := writeMJPEG(t, t.TempDir(), 3, 160, 120, 25)
	src := mustOpen(t, "file://"+path+"?loop=false", Request{FPS: 500})
	readFrames(t, src, 3)
	for range 2 {
		if _, err := src.Read(); !errors.Is(err, io.EOF) {
			t.Fatalf("after the last frame: %v, want io.EOF", err)
		}
	}
}

func TestFileDecodedCodec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.mp4")
	writeVideo(t, path, "mp4v", 3, 320, 240, 25)
	src := mustOpen(t, "file://"+path, Request{FPS: 500})
	if info := src.Info(); info.Format != BGR8 || info.FPS != 500 {
		t.Fatalf("info = %+v", info)
	}
	for _, f := range readFrames(t, src, 5) {
		if f.Format != BGR8 || f.Width != 320 || f.Height != 240 || f.Step != 960 {
			t.Fatalf("frame: %s %dx%d step %d", f.Format, f.Width, f.Height, f.Step)
		}
	}
}

func TestFilePacing(t *testing.T) {
	path := writeMJPEG(t, t.TempDir(), 5, 160, 120, 50)
	tests := []struct {
		name string
		req  Request
		fps  float64
	}{
		{"file rate", Request{}, 50},
		{"framerate wins", Request{FPS: 100}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mustOpen(t, "file://"+path, tt.req)
			if got := src.Info().FPS; got != tt.fps {
				t.Fatalf("Info().FPS = %g, want %g", got, tt.fps)
			}
			frames := readFrames(t, src, 11)
			span := frames[10].Stamp.Sub(frames[0].Stamp)
			want := time.Duration(10 * float64(time.Second) / tt.fps)
			if span < want*9/10 || span > want*2 {
				t.Fatalf("10 frame periods took %s, want about %s", span, want)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.avi")
	if err := os.WriteFile(text, []byte("this is not a video\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clip := writeMJPEG(t, dir, 2, 64, 48, 25)
	tests := []struct {
		name     string
		uri      string
		req      Request
		config   bool
		mentions string
	}{
		{"missing", "file://" + dir + "/later.avi", Request{}, false, dir + "/later.avi"},
		{"not video", "file://" + text, Request{}, true, text},
		{"directory", "file://" + dir, Request{}, true, "directory"},
		{"relative", "file://clips/a.avi", Request{}, true, "absolute path"},
		{"opaque", "file:clips/a.avi", Request{}, true, "absolute path"},
		{"bad loop", "file://" + clip + "?loop=maybe", Request{}, true, "maybe"},
		{"unknown option", "file://" + clip + "?speed=2", Request{}, true, "speed"},
		{"absurd framerate", "file://" + clip, Request{FPS: 5000}, true, "5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOpenRefused(t, tt.uri, tt.req, tt.config, tt.mentions)
		})
	}
}

// A file missing at start is retried, and opens once it appears.
func TestFileAppearsLater(t *testing.T) {
	dir := t.TempDir()
	uri := "file://" + dir + "/clip.avi"
	if _, err := Open(uri, Request{}); err == nil || IsConfigError(err) {
		t.Fatalf("missing file: %v, want a plain error", err)
	}
	writeMJPEG(t, dir, 2, 64, 48, 25)
	src := mustOpen(t, uri, Request{FPS: 500})
	readFrames(t, src, 2)
}

func TestFileNotes(t *testing.T) {
	path := writeMJPEG(t, t.TempDir(), 2, 64, 48, 25)
	src := mustOpen(t, "file://"+path, Request{Width: 640, Height: 480, PixelFormat: "yuyv"})
	notes := src.Info().Notes
	if len(notes) != 2 || !containsFold(notes[0], "640x480") || !containsFold(notes[1], "yuyv") {
		t.Fatalf("notes = %q", notes)
	}
}
