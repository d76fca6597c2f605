package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"webcam/capture"
)

// State is the source's condition as shown in diagnostics and /state.
type State string

const (
	StateStarting     State = "starting"
	StateOK           State = "ok"
	StateReconnecting State = "reconnecting"
	StateEnded        State = "ended" // a finite source reached its end
	StateError        State = "error" // a configuration error: no retry
	StateStopped      State = "stopped"
)

// OpenFunc opens a source; capture.Open unless a test injects faults.
type OpenFunc func(uri string, req capture.Request) (capture.Source, error)

// Config configures a Runner.
type Config struct {
	URI     string
	Request capture.Request
	Open    OpenFunc // default capture.Open
	// Backoff between reopen attempts: MinBackoff doubling up to MaxBackoff.
	MinBackoff time.Duration // default 500ms
	MaxBackoff time.Duration // default 5s
	// Probe, when set, makes a check for a URI that is polled during backoff
	// waits; true cuts the wait short (the device node or file is back), so
	// recovery does not wait out a long backoff. See capture.ReadyProbe.
	Probe func(uri string) func() bool
	// OnOpen runs in the capture goroutine after each successful open, e.g. to
	// apply camera controls. An error is logged, not fatal.
	OnOpen func(capture.Source) error
	// Log receives state changes, once per change. Default: discard.
	Log func(level LogLevel, msg string)
}

// LogLevel of a Runner message.
type LogLevel int

const (
	LevelInfo LogLevel = iota
	LevelWarn
	LevelError
)

// Status is a snapshot of the runner for diagnostics.
type Status struct {
	URI        string
	State      State
	Reason     string // why the state is not ok
	Info       capture.Info
	Request    capture.Request
	Captured   uint64  // frames read since start
	Reopens    uint64  // successful opens after the first
	CaptureFPS float64 // over the last couple of seconds
	LastFrame  time.Time
}

// Runner owns one source and feeds a Latest.
type Runner struct {
	cfg Config
	out *Latest

	mu      sync.Mutex
	status  Status
	rate    RateMeter
	pending *Config // a reconfiguration to apply at the next frame boundary
	calls   chan func(capture.Source)
	wake    chan struct{} // interrupts a backoff sleep
	ready   func() bool   // this outage's readiness probe, from Config.Probe
	seq     uint64
	last    time.Time
}

// NewRunner returns a runner that publishes into out. Call Run to start it.
func NewRunner(cfg Config, out *Latest) *Runner {
	if cfg.Open == nil {
		cfg.Open = capture.Open
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(5*time.Second, cfg.MinBackoff)
	}
	if cfg.Log == nil {
		cfg.Log = func(LogLevel, string) {}
	}
	r := &Runner{cfg: cfg, out: out, calls: make(chan func(capture.Source), 16), wake: make(chan struct{}, 1)}
	r.status = Status{URI: cfg.URI, State: StateStarting, Request: cfg.Request}
	return r
}

// Status returns a snapshot.
func (r *Runner) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.status
	s.CaptureFPS = r.rate.Rate(time.Now())
	return s
}

// Reconfigure asks for the source to be reopened with a new URI or request at
// the next frame boundary (or at once while reconnecting).
func (r *Runner) Reconfigure(uri string, req capture.Request) {
	r.mu.Lock()
	c := r.cfg
	c.URI, c.Request = uri, req
	r.pending = &c
	r.mu.Unlock()
	r.poke()
}

// Do runs fn with the open source in the capture goroutine, between two
// frames, and returns fn's error. It fails at once when no source is open.
func (r *Runner) Do(ctx context.Context, fn func(capture.Source) error) error {
	done := make(chan error, 1)
	wrapped := func(s capture.Source) {
		if s == nil {
			done <- errors.New("no source is open")
			return
		}
		done <- fn(s)
	}
	select {
	case r.calls <- wrapped:
	case <-ctx.Done():
		return ctx.Err()
	}
	r.poke()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *Runner) setState(st State, reason string, level LogLevel) {
	r.mu.Lock()
	// Log state changes only: the reason of a retry changes every attempt.
	changed := r.status.State != st
	r.status.State, r.status.Reason = st, reason
	r.mu.Unlock()
	if changed {
		msg := fmt.Sprintf("source %s: %s", r.cfg.URI, st)
		if reason != "" {
			msg += ": " + reason
		}
		r.cfg.Log(level, msg)
	}
}

// Run captures until ctx ends. It returns an error only for a configuration
// error at the first open (bad URI, size, format): the caller should exit.
// Later failures are retried with backoff.
func (r *Runner) Run(ctx context.Context) error {
	defer r.setState(StateStopped, "", LevelInfo)
	backoff := r.cfg.MinBackoff
	first := true
	for ctx.Err() == nil {
		r.applyPending()
		src, err := r.cfg.Open(r.cfg.URI, r.cfg.Request)
		if err != nil {
			if capture.IsConfigError(err) {
				r.setState(StateError, err.Error(), LevelError)
				if first {
					return err
				}
			} else {
				r.setState(StateReconnecting, fmt.Sprintf("%v (retrying in %s)", err, backoff.Round(time.Millisecond)), LevelWarn)
			}
			r.failCalls()
			if !r.sleep(ctx, backoff) {
				break
			}
			backoff = min(2*backoff, r.cfg.MaxBackoff)
			continue
		}
		if !first {
			r.mu.Lock()
			r.status.Reopens++
			r.mu.Unlock()
		}
		first = false
		backoff = r.cfg.MinBackoff
		r.ready = nil
		err = r.capture(ctx, src)
		src.Close()
		switch {
		case ctx.Err() != nil:
		case err == nil: // reconfiguration: reopen at once
		case errors.Is(err, io.EOF):
			r.setState(StateEnded, "end of stream", LevelInfo)
			if !r.waitReconfigure(ctx) {
				return nil
			}
		default:
			r.setState(StateReconnecting, fmt.Sprintf("%v (retrying in %s)", err, backoff.Round(time.Millisecond)), LevelWarn)
			if !r.sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, r.cfg.MaxBackoff)
		}
	}
	return nil
}

// waitReconfigure parks an ended source until a reconfiguration arrives
// (true) or ctx ends (false), answering Do calls meanwhile.
func (r *Runner) waitReconfigure(ctx context.Context) bool {
	for {
		r.failCalls()
		r.mu.Lock()
		pending := r.pending != nil
		r.mu.Unlock()
		if pending {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-r.wake:
		}
	}
}

func (r *Runner) applyPending() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending != nil {
		r.cfg = *r.pending
		r.pending = nil
		r.ready = nil
		r.status.URI, r.status.Request = r.cfg.URI, r.cfg.Request
	}
}

// readyPoll is how often Config.Ready is asked during a backoff wait.
const readyPoll = 200 * time.Millisecond

// sleep waits d, or less if a reconfiguration arrives or the source looks
// ready again; false if ctx ended.
func (r *Runner) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	if r.ready == nil && r.cfg.Probe != nil {
		r.ready = r.cfg.Probe(r.cfg.URI) // one probe per outage: it tracks changes
	}
	var poll <-chan time.Time
	if r.ready != nil {
		tick := time.NewTicker(readyPoll)
		defer tick.Stop()
		poll = tick.C
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-poll:
			if r.ready() {
				return true
			}
		case <-r.wake:
			r.mu.Lock()
			p := r.pending != nil
			r.mu.Unlock()
			if p {
				return true
			}
			r.failCalls()
		}
	}
}

// failCalls answers queued Do calls while no source is open.
func (r *Runner) failCalls() {
	for {
		select {
		case fn := <-r.calls:
			fn(nil)
		default:
			return
		}
	}
}

// capture reads frames until an error, a reconfiguration (nil) or ctx ends.
func (r *Runner) capture(ctx context.Context, src capture.Source) error {
	stop := context.AfterFunc(ctx, func() { src.Close() })
	defer stop()
	info := src.Info()
	r.mu.Lock()
	r.status.Info = info
	r.mu.Unlock()
	for _, n := range info.Notes {
		r.cfg.Log(LevelWarn, n)
	}
	if r.cfg.OnOpen != nil {
		if err := r.cfg.OnOpen(src); err != nil {
			r.cfg.Log(LevelWarn, err.Error())
		}
	}
	r.setState(StateOK, "", LevelInfo)
	for {
		f, err := src.Read()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		r.stamp(f)
		r.out.Publish(f)
		for {
			select {
			case fn := <-r.calls:
				fn(src)
				continue
			default:
			}
			break
		}
		r.mu.Lock()
		reconf := r.pending != nil
		r.mu.Unlock()
		if reconf {
			return nil
		}
	}
}

// stamp numbers the frame and keeps stamps strictly increasing, whatever the
// source's clock does.
func (r *Runner) stamp(f *capture.Frame) {
	r.seq++
	f.Seq = r.seq
	if f.Stamp.IsZero() {
		f.Stamp = f.GrabEnd
	}
	if !f.Stamp.After(r.last) {
		f.Stamp = r.last.Add(time.Nanosecond)
	}
	r.last = f.Stamp
	now := time.Now()
	r.mu.Lock()
	r.status.Captured++
	r.status.LastFrame = now
	r.rate.Add(now)
	r.mu.Unlock()
}
