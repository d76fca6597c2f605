package stream

import (
	"context"
	"errors"
	"io"
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
	var logs []string
	var logMu sync.Mutex
	r := NewRunner(Config{
		URI: "testpattern://", Request: capture.Request{Width: 64, Height: 48, FPS: 100},
		Open: fl.open, MinBackoff: 20 * time.Millisecond, MaxBackoff: 80 * time.Millisecond,
		Log: func(_ LogLevel, m string) { logMu.Lock(); logs = append(logs, m); logMu.Unlock() },
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
	deadline := time.Now().Add(3 * time.Second)
	for r.Status().State != StateReconnecting && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if s := r.Status(); s.State != StateReconnecting || s.Reason == "" {
		t.Fatalf("status while down: %+v", s)
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
	logMu.Lock()
	defer logMu.Unlock()
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
	r.Reconfigure("testpattern://", capture.Request{Width: 96, Height: 64, FPS: 100})
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if f := l.Load(); f.Width == 96 && f.Height == 64 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("size did not change: %dx%d", l.Load().Width, l.Load().Height)
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
	deadline := time.Now().Add(3 * time.Second)
	for r.Status().State != StateEnded && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if r.Status().State != StateEnded {
		t.Fatalf("state %s, want ended", r.Status().State)
	}
	r.Reconfigure("testpattern://", capture.Request{Width: 96, Height: 64, FPS: 100})
	for time.Now().Before(deadline.Add(2 * time.Second)) {
		if f := l.Load(); f != nil && f.Width == 96 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("an ended source was not reopened with the new configuration")
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
