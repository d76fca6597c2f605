package capture_test

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"webcam/capture"
	"webcam/stream"
)

// runFor starts a runner on uri and returns its hub, its log and a stop func.
func runFor(t *testing.T, uri string, req capture.Request) (*stream.Latest, *stream.Runner, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var logs []string
	out := &stream.Latest{}
	r := stream.NewRunner(stream.Config{
		URI: uri, Request: req, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Log: slog.New(lineLog(func(line string) { mu.Lock(); logs = append(logs, line); mu.Unlock() })),
	}, out)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return out, r, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), logs...) }
}

// lineLog is a slog.Handler that hands each record on as one line: the
// message, then its attributes as key=value.
type lineLog func(line string)

func (h lineLog) Enabled(context.Context, slog.Level) bool { return true }
func (h lineLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h lineLog) WithGroup(string) slog.Handler            { return h }
func (h lineLog) Handle(_ context.Context, r slog.Record) error {
	line := r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	h(line)
	return nil
}

func waitSeq(t *testing.T, l *stream.Latest, after uint64, within time.Duration) *capture.Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	f, err := l.Next(ctx, after)
	if err != nil {
		t.Fatalf("no frame after #%d within %s", after, within)
	}
	return f
}

// Through a runner, a source that fails and refuses to reopen for a while
// comes back by itself, and the log says so once per change.
func TestRunnerRecoversFromFaults(t *testing.T) {
	uri := "faulty://?inner=" + url.QueryEscape("testpattern://") + "&fail_after=10&down=300ms&times=2&id=" + t.Name()
	out, r, logs := runFor(t, uri, capture.Request{Width: 64, Height: 48, FPS: 100})
	var last *capture.Frame
	for seq := uint64(0); seq < 40; seq = last.Seq {
		last = waitSeq(t, out, seq, 2*time.Second)
	}
	st := r.Status()
	if st.Reopens != 2 || st.State != stream.StateOK {
		t.Fatalf("status %+v: want 2 reopens and state ok", st)
	}
	reconnecting := 0
	for _, l := range logs() {
		if strings.Contains(l, "reconnecting") && strings.Contains(l, "injected fault") {
			reconnecting++
		}
	}
	if reconnecting < 2 {
		t.Errorf("log shows %d reconnects with the fault as reason:\n%s", reconnecting, strings.Join(logs(), "\n"))
	}
}

// A file missing at start is retried until it appears.
func TestRunnerWaitsForFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clip.avi")
	out, r, _ := runFor(t, "file://"+path, capture.Request{FPS: 100})
	time.Sleep(150 * time.Millisecond)
	if st := r.Status(); st.State != stream.StateReconnecting || !strings.Contains(st.Reason, path) {
		t.Fatalf("status while the file is missing: %+v", st)
	}
	// Written under another name first, so the runner never sees half a file.
	tmp := filepath.Join(dir, "partial.avi")
	vw, err := gocv.VideoWriterFile(tmp, "MJPG", 25, 64, 48, true)
	if err != nil {
		t.Fatal(err)
	}
	img := gocv.NewMatWithSize(48, 64, gocv.MatTypeCV8UC3)
	defer img.Close()
	for range 3 {
		if err := vw.Write(img); err != nil {
			t.Fatal(err)
		}
	}
	vw.Close()
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	got := waitSeq(t, out, 0, 2*time.Second)
	if got.Format != capture.JPEG || got.Width != 64 || got.Height != 48 {
		t.Fatalf("frame %s %dx%d", got.Format, got.Width, got.Height)
	}
}
