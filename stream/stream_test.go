package stream

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"webcam/capture"
)

func TestLatestNextSkipsToNewest(t *testing.T) {
	var l Latest
	for i := uint64(1); i <= 5; i++ {
		l.Publish(&capture.Frame{Seq: i})
	}
	f, err := l.Next(context.Background(), 1)
	if err != nil || f.Seq != 5 {
		t.Fatalf("Next after 1 = %v, %v; want the newest, 5", f, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := l.Next(ctx, 5); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next with nothing newer returned %v", err)
	}
	go func() { time.Sleep(10 * time.Millisecond); l.Publish(&capture.Frame{Seq: 6}) }()
	if f, _ := l.Next(context.Background(), 5); f.Seq != 6 {
		t.Fatalf("got %d", f.Seq)
	}
}

// flaky opens the test pattern but fails: opens fail while down is set, and
// reads fail after failAfter frames.
type flaky struct {
	mu        sync.Mutex
	down      bool
	failAfter int
	opens     atomic.Int32
}

func (fl *flaky) open(uri string, req capture.Request) (capture.Source, error) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.down {
		return nil, errors.New("device unplugged")
	}
	fl.opens.Add(1)
	src, err := capture.Open(uri, req)
	if err != nil {
		return nil, err
	}
	return &failingSource{Source: src, left: fl.failAfter}, nil
}

type failingSource struct {
	capture.Source
	left int
}

func (s *failingSource) Read() (*capture.Frame, error) {
	if s.left == 0 {
		return nil, errors.New("read error: device gone")
	}
	s.left--
	return s.Source.Read()
}

func TestRunnerRecoversWithBackoff(t *testing.T) {
	fl := &flaky{failAfter: 5}
	var l Latest
	rec := &recorder{}
	r := NewRunner(Config{
		URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100},
		Open: fl.open, MinBackoff: 20 * time.Millisecond, MaxBackoff: 80 * time.Millisecond,
		Log: slog.New(rec),
	}, &l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	f, err := l.Next(ctx, 0)
	if err != nil || f.Seq != 1 {
		t.Fatalf("first frame: %v %v", f, err)
	}
	fl.mu.Lock()
	fl.down = true // the next reopen fails until we bring it back
	fl.mu.Unlock()
	wait, stop := context.WithTimeout(ctx, 3*time.Second)
	defer stop()
	if s, err := r.Wait(wait, func(s Status) bool { return s.State == StateReconnecting }); err != nil || s.Reason == "" || s.CaptureFPS != 0 {
		t.Fatalf("status while down: %+v (%v); want reconnecting with a reason and capture fps 0", s, err)
	}
	time.Sleep(200 * time.Millisecond) // several failed attempts at 20→80 ms backoff
	fl.mu.Lock()
	fl.down = false
	fl.mu.Unlock()
	last := l.Load().Seq
	f, err = l.Next(ctx, last)
	if err != nil {
		t.Fatal(err)
	}
	if f.Seq != last+1 {
		t.Fatalf("sequence jumped from %d to %d across a reopen", last, f.Seq)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	logs := rec.lines()
	reconnecting := 0
	for _, m := range logs {
		if strings.Contains(m, "reconnecting") {
			reconnecting++
		}
	}
	// One message per state change, not one per attempt.
	if reconnecting == 0 || reconnecting > 4 {
		t.Fatalf("%d reconnecting messages: %q", reconnecting, logs)
	}
}

func TestRunnerConfigErrorStops(t *testing.T) {
	var l Latest
	r := NewRunner(Config{URI: "testpattern://", Request: capture.Request{Width: 3}}, &l)
	err := r.Run(context.Background())
	if !capture.IsConfigError(err) {
		t.Fatalf("Run = %v, want the configuration error", err)
	}
	if r.Status().State != StateStopped {
		t.Fatalf("state %s", r.Status().State)
	}
}

func TestRunnerReconfigure(t *testing.T) {
	var l Latest
	r := NewRunner(Config{URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100}}, &l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	if _, err := l.Next(ctx, 0); err != nil {
		t.Fatal(err)
	}
	wait, stop := context.WithTimeout(ctx, 2*time.Second)
	defer stop()
	if err := r.Reconfigure(wait, "testpattern://", capture.Request{Width: 96, Height: 64, FPS: 100}); err != nil {
		t.Fatalf("Reconfigure: %v", err)
	}
	if st := r.Status(); st.Info.Width != 96 || st.Info.Height != 64 || st.Reopens != 1 {
		t.Fatalf("after Reconfigure returned: granted %dx%d, reopens %d; want 96x64 and 1", st.Info.Width, st.Info.Height, st.Reopens)
	}
	f, err := l.Next(wait, l.Load().Seq)
	if err != nil || f.Width != 96 || f.Height != 64 {
		t.Fatalf("next frame %v, %v; want 96x64", f, err)
	}
}

func TestRateMeter(t *testing.T) {
	var m RateMeter
	t0 := time.Now()
	for i := range 31 {
		m.Add(t0.Add(time.Duration(i) * time.Second / 30))
	}
	if r := m.Rate(t0.Add(time.Second)); r < 29.5 || r > 30.5 {
		t.Fatalf("rate %.2f, want 30", r)
	}
	if r := m.Rate(t0.Add(10 * time.Second)); r != 0 {
		t.Fatalf("stale rate %.2f, want 0", r)
	}
}

// A long backoff is cut short when the probe says the source is back.
func TestRunnerProbeCutsBackoff(t *testing.T) {
	fl := &flaky{down: true, failAfter: 1 << 30}
	var back atomic.Bool
	var l Latest
	r := NewRunner(Config{
		URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100},
		Open: fl.open, MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second,
		Probe: func(string) func() bool { return back.Load },
	}, &l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	time.Sleep(100 * time.Millisecond)
	fl.mu.Lock()
	fl.down = false
	fl.mu.Unlock()
	back.Store(true)
	start := time.Now()
	wait, stop := context.WithTimeout(ctx, 3*time.Second)
	defer stop()
	if _, err := l.Next(wait, 0); err != nil {
		t.Fatalf("no frame %v after the source came back (backoff 10 s): %v", time.Since(start), err)
	}
}

// A finite source that ended still takes a new configuration.
func TestRunnerReconfigureAfterEnd(t *testing.T) {
	var l Latest
	ended := func(uri string, req capture.Request) (capture.Source, error) {
		src, err := capture.Open(uri, req)
		if err != nil {
			return nil, err
		}
		if req.Width == 64 {
			return &endingSource{Source: src, left: 3}, nil
		}
		return src, nil
	}
	r := NewRunner(Config{URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100}, Open: ended}, &l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	wait, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	if st, err := r.Wait(wait, func(s Status) bool { return s.State == StateEnded }); err != nil {
		t.Fatalf("state %s, want ended", st.State)
	}
	if err := r.Reconfigure(wait, "testpattern://", capture.Request{Width: 96, Height: 64, FPS: 100}); err != nil {
		t.Fatalf("an ended source was not reopened with the new configuration: %v", err)
	}
	if f, err := l.Next(wait, l.Load().Seq); err != nil || f.Width != 96 {
		t.Fatalf("next frame %v, %v; want width 96", f, err)
	}
}

type endingSource struct {
	capture.Source
	left int
}

func (s *endingSource) Read() (*capture.Frame, error) {
	if s.left == 0 {
		return nil, io.EOF
	}
	s.left--
	return s.Source.Read()
}

// recorder is a slog.Handler keeping the messages.
type recorder struct {
	mu  sync.Mutex
	msg []string
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.msg = append(h.msg, r.Message)
	h.mu.Unlock()
	return nil
}
func (h *recorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recorder) WithGroup(string) slog.Handler      { return h }
func (h *recorder) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.msg...)
}

// Reconfigure reports the outcome of the first open with the new settings.
func TestRunnerReconfigureOutcome(t *testing.T) {
	tests := []struct {
		name    string
		req     capture.Request
		wantErr string
	}{
		{"opens", capture.Request{Width: 96, Height: 64, FPS: 100}, ""},
		{"config error", capture.Request{Width: 3, Height: 64, FPS: 100}, "size 3x64"},
		{"device error", capture.Request{Width: 80, Height: 64, FPS: 100}, "device unplugged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			open := func(uri string, req capture.Request) (capture.Source, error) {
				if req.Width == 80 {
					return nil, errors.New("device unplugged")
				}
				return capture.Open(uri, req)
			}
			var l Latest
			r := NewRunner(Config{URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100}, Open: open,
				MinBackoff: 10 * time.Millisecond, MaxBackoff: 10 * time.Millisecond}, &l)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			go r.Run(ctx)
			if _, err := l.Next(ctx, 0); err != nil {
				t.Fatal(err)
			}
			err := r.Reconfigure(ctx, "testpattern://", tc.req)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Reconfigure = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Reconfigure = %v, want an error containing %q", err, tc.wantErr)
			}
			// Back to the first settings: always opens again.
			if err := r.Reconfigure(ctx, "testpattern://", capture.Request{Width: 64, Height: 48, FPS: 100}); err != nil {
				t.Fatalf("reconfiguring back: %v", err)
			}
			if st := r.Status(); st.State != StateOK || st.Info.Width != 64 {
				t.Fatalf("after going back: %+v", st)
			}
		})
	}
}

// corruptingSource cuts every third JPEG frame in half, as a torn USB
// transfer would.
type corruptingSource struct {
	capture.Source
	n int
}

func (s *corruptingSource) Read() (*capture.Frame, error) {
	f, err := s.Source.Read()
	if err == nil {
		if s.n++; s.n%3 == 0 {
			f.Data = f.Data[:len(f.Data)/2]
		}
	}
	return f, err
}

// Truncated JPEG frames never reach consumers; they are counted, and the
// frames after them go out.
func TestRunnerDropsCorruptJPEG(t *testing.T) {
	open := func(uri string, req capture.Request) (capture.Source, error) {
		src, err := capture.Open(uri, req)
		return &corruptingSource{Source: src}, err
	}
	var l Latest
	r := NewRunner(Config{URI: "testpattern://?format=mjpeg", Request: capture.Request{Width: 64, Height: 48, FPS: 100}, Open: open}, &l)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go r.Run(ctx)
	before := capture.Counts().Corrupt
	var last uint64
	for range 12 {
		f, err := l.Next(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := capture.JPEGSize(f.Data); err != nil {
			t.Fatalf("frame %d reached a consumer although corrupt: %v", f.Seq, err)
		}
		if f.Seq != last+1 && last != 0 {
			// Latest may skip frames for a slow reader; Seq must still only grow.
			if f.Seq <= last {
				t.Fatalf("sequence went from %d to %d", last, f.Seq)
			}
		}
		last = f.Seq
	}
	if got := capture.Counts().Corrupt - before; got < 3 {
		t.Fatalf("%d corrupt frames counted after 12 good ones, want at least 3 (every third)", got)
	}
}

// A device node appears before the device can be opened: after the probe
// says the source is back, failed opens are retried every readyPoll, not
// after the (long) backoff, so capture resumes within about half a second.
func TestRunnerRetriesQuicklyAfterProbe(t *testing.T) {
	var back atomic.Bool
	var openableAt atomic.Int64 // unix nanos; 0: never
	open := func(uri string, req capture.Request) (capture.Source, error) {
		at := openableAt.Load()
		if at == 0 || time.Now().UnixNano() < at {
			return nil, errors.New("device busy")
		}
		return capture.Open(uri, req)
	}
	var l Latest
	r := NewRunner(Config{
		URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100},
		Open: open, MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second,
		Probe: func(string) func() bool { return back.Load },
	}, &l)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	go r.Run(ctx)
	time.Sleep(100 * time.Millisecond)
	returned := time.Now()
	openableAt.Store(returned.Add(300 * time.Millisecond).UnixNano()) // openable 300 ms after the node appears
	back.Store(true)
	if _, err := l.Next(ctx, 0); err != nil {
		t.Fatalf("no frame after the source came back: %v", err)
	}
	// Without the quick retries the failed first open would wait out the
	// 10 s backoff; the bound is loose so a loaded machine cannot fail it.
	if d := time.Since(returned); d > 3*time.Second {
		t.Fatalf("capture resumed %v after the device appeared (openable after 300 ms); want well under the 10 s backoff", d)
	}
}

// SetCapture(false) closes the source (the device is free for others) and
// publishes nothing; SetCapture(true) opens it again and frames resume.
func TestRunnerSetCapture(t *testing.T) {
	var opens, closes atomic.Int32
	open := func(uri string, req capture.Request) (capture.Source, error) {
		src, err := capture.Open(uri, req)
		if err == nil {
			opens.Add(1)
		}
		return &closeCounter{Source: src, closes: &closes}, err
	}
	var l Latest
	r := NewRunner(Config{URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100}, Open: open}, &l)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go r.Run(ctx)
	if _, err := l.Next(ctx, 0); err != nil {
		t.Fatal(err)
	}
	r.SetCapture(false)
	if st, err := r.Wait(ctx, func(s Status) bool { return s.State == StatePaused }); err != nil {
		t.Fatalf("state %s, want paused", st.State)
	}
	if closes.Load() != opens.Load() {
		t.Fatalf("%d opens, %d closes: the device is still held while paused", opens.Load(), closes.Load())
	}
	last := l.Load().Seq
	time.Sleep(150 * time.Millisecond) // 15 frame periods
	if got := l.Load().Seq; got != last {
		t.Fatalf("frame %d published while paused (last before: %d)", got, last)
	}
	r.SetCapture(true)
	if f, err := l.Next(ctx, last); err != nil || f.Seq != last+1 {
		t.Fatalf("after SetCapture(true): %v, %v; want frame %d", f, err, last+1)
	}
}

type closeCounter struct {
	capture.Source
	closes *atomic.Int32
}

func (c *closeCounter) Close() error {
	c.closes.Add(1)
	return c.Source.Close()
}
