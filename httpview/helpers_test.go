package httpview

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"webcam/capture"
	"webcam/stream"
)

// testCamera is a real stream.Runner over the test pattern.
type testCamera struct {
	latest *stream.Latest
	runner *stream.Runner
}

// startCamera runs uri at w×h@fps until the test ends and waits for a frame.
func startCamera(t testing.TB, uri string, w, h int, fps float64) *testCamera {
	t.Helper()
	l := &stream.Latest{}
	r := stream.NewRunner(stream.Config{URI: uri, Request: capture.Request{Width: w, Height: h, FPS: fps}}, l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if _, err := l.Next(wait, 0); err != nil {
		t.Fatalf("camera %s gave no frame: %v (status %+v)", uri, err, r.Status())
	}
	return &testCamera{latest: l, runner: r}
}

func (c *testCamera) captured() uint64 { return c.runner.Status().Captured }

// testServer is a Server on 127.0.0.1 with a free port.
type testServer struct {
	*Server
	url  string
	logs *logBook
}

func startServer(t testing.TB, cfg Config, topics ...Topic) *testServer {
	t.Helper()
	logs := &logBook{}
	if cfg.Log == nil {
		cfg.Log = slog.New(logHandler(logs.add))
	}
	s, err := New(cfg, topics)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(context.Background(), ln) }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return &testServer{Server: s, url: "http://" + ln.Addr().String(), logs: logs}
}

// oneCamera is the common fixture: /cam/image_raw at 320x240@30.
func oneCamera(t testing.TB, cfg Config, uri string) (*testServer, *testCamera) {
	cam := startCamera(t, uri, 320, 240, 30)
	return startServer(t, cfg, Topic{Name: "/cam/image_raw", Frames: cam.latest}), cam
}

// logBook keeps the server's log lines for assertions and failure reports.
type logBook struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBook) add(level slog.Level, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, fmt.Sprintf("[%s] %s", level, msg))
}

// logHandler is a slog.Handler that hands each record's level and message
// to a function.
type logHandler func(slog.Level, string)

func (h logHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h logHandler) Handle(_ context.Context, r slog.Record) error {
	h(r.Level, r.Message)
	return nil
}
func (h logHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h logHandler) WithGroup(string) slog.Handler      { return h }

func (b *logBook) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}

// client makes one connection per request, so no idle connection outlives a
// test and goroutine counts stay exact.
func client() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
}

// get fetches a URL whole; for pages, snapshots and errors, not streams.
func get(t testing.TB, c *http.Client, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp, body
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	end := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
