package gstsample

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

const h264Live = "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=30/1 ! " +
	"x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d ! h264parse ! " +
	"video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=out"

func mustOpen(t *testing.T, pipeline string) *Pipeline {
	t.Helper()
	p, err := Open(pipeline)
	if err != nil {
		t.Fatalf("Open(%q): %v", pipeline, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func pull(t *testing.T, p *Pipeline) Sample {
	t.Helper()
	s, err := p.Pull(5 * time.Second)
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	return s
}

func TestPullH264(t *testing.T) {
	p := mustOpen(t, strings.Replace(h264Live, "%d", "10", 1))
	last := time.Duration(-1)
	keys := 0
	for i := range 25 {
		s := pull(t, p)
		if !bytes.HasPrefix(s.Data, []byte{0, 0, 0, 1}) && !bytes.HasPrefix(s.Data, []byte{0, 0, 1}) {
			t.Fatalf("sample %d does not begin with a start code: % x", i, s.Data[:min(8, len(s.Data))])
		}
		if !strings.HasPrefix(s.Caps, "video/x-h264") || !strings.Contains(s.Caps, "byte-stream") {
			t.Fatalf("sample %d caps %q", i, s.Caps)
		}
		if s.PTS <= last {
			t.Fatalf("sample %d PTS %s after %s", i, s.PTS, last)
		}
		last = s.PTS
		if i == 0 && !s.Keyframe {
			t.Fatal("the first sample is not a key frame")
		}
		if s.Keyframe {
			keys++
		}
	}
	if keys < 2 || keys > 4 { // key-int-max=10 over 25 samples: 3
		t.Errorf("%d key frames in 25 samples with key-int-max=10", keys)
	}
}

func TestOpenRefused(t *testing.T) {
	tests := []struct {
		name, pipeline string
		parse          bool   // an ErrParse, else an *Error from the bus
		mentions       string // in the error text
	}{
		{"syntax", "videotestsrc ! ! appsink", true, "bad pipeline"},
		{"unknown element", "videotestsrc ! nosuchelement ! appsink", true, "nosuchelement"},
		{"no appsink", "videotestsrc ! fakesink", true, "0 appsinks"},
		{"two appsinks", "videotestsrc ! tee name=t ! queue ! appsink t. ! queue ! appsink", true, "2 appsinks"},
		{"missing file", "filesrc location=/nonexistent/clip.h264 ! appsink", false, "/nonexistent/clip.h264"},
		{"not negotiated", "videotestsrc ! video/x-raw,width=64,height=48 ! x264enc ! h264parse ! video/x-h264,width=32 ! appsink", false, "not-negotiated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Open(tt.pipeline)
			if err == nil {
				p.Close()
				t.Fatal("opened")
			}
			var gerr *Error
			if errors.Is(err, ErrParse) != tt.parse || errors.As(err, &gerr) == tt.parse {
				t.Errorf("error %v (%T): want parse error %v", err, err, tt.parse)
			}
			if !strings.Contains(err.Error(), tt.mentions) {
				t.Errorf("error %q does not mention %q", err, tt.mentions)
			}
			if tt.name == "not negotiated" && (gerr == nil || !gerr.NotNegotiated()) {
				t.Errorf("NotNegotiated() false for %v", err)
			}
		})
	}
}

func TestEndOfStream(t *testing.T) {
	p := mustOpen(t, "videotestsrc num-buffers=7 ! x264enc ! h264parse ! video/x-h264 ! appsink")
	for range 7 {
		pull(t, p)
	}
	if _, err := p.Pull(5 * time.Second); err != io.EOF {
		t.Fatalf("after 7 buffers: %v, want io.EOF", err)
	}
}

func TestPullTimeout(t *testing.T) {
	p := mustOpen(t, "videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=1/1 ! appsink")
	pull(t, p)
	start := time.Now()
	_, err := p.Pull(120 * time.Millisecond)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Pull with the next buffer ~1s away: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 500*time.Millisecond {
		t.Errorf("a 120ms Pull returned after %s", d)
	}
}

func TestCloseUnblocksPull(t *testing.T) {
	p := mustOpen(t, "videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=1/2 ! appsink")
	pull(t, p)
	done := make(chan error, 1)
	go func() {
		_, err := p.Pull(0)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Pull during Close: %v, want ErrClosed", err)
		}
		if d := time.Since(start); d > 300*time.Millisecond {
			t.Errorf("Pull returned %s after Close", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Pull still blocked 3s after Close")
	}
	if _, err := p.Pull(time.Second); !errors.Is(err, ErrClosed) {
		t.Errorf("Pull after Close: %v", err)
	}
	if p.ForceKeyUnit() {
		t.Error("ForceKeyUnit after Close reported success")
	}
	p.Close() // idempotent
}

func TestForceKeyUnit(t *testing.T) {
	p := mustOpen(t, strings.Replace(h264Live, "%d", "300", 1))
	if s := pull(t, p); !s.Keyframe {
		t.Fatal("the first sample is not a key frame")
	}
	for i := range 5 {
		if pull(t, p).Keyframe {
			t.Fatalf("sample %d is a key frame with key-int-max=300", i+1)
		}
	}
	if !p.ForceKeyUnit() {
		t.Fatal("no element took the force-key-unit event")
	}
	for i := range 10 {
		if pull(t, p).Keyframe {
			t.Logf("key frame %d samples after the request", i+1)
			return
		}
	}
	t.Fatal("no key frame within 10 samples of ForceKeyUnit")
}
