package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	StatePaused       State = "paused" // capture turned off (usb_cam's set_capture); the device is released
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
	Log *slog.Logger
}

// Status is a snapshot of the runner for diagnostics.
type Status struct {
	URI        string
	State      State
	Reason     string // why the state is not ok
	Info       capture.Info
	Request    capture.Request
	Captured   uint64  // frames read since start
	Reopens    uint64  // successful opens after the first
	CaptureFPS float64 // over the last couple of seconds; 0 while no source is open
	LastFrame  time.Time
}

// attempt is the outcome of the latest open, for the settings of generation gen.
type attempt struct {
	gen uint64
	err error // nil: opened
}

// Runner owns one source and feeds a Latest.
type Runner struct {
	cfg Config
	out *Latest

	mu      sync.Mutex
	status  Status
	rate    RateMeter
	gen     uint64  // generation of the newest settings asked for
	cfgGen  uint64  // generation of cfg
	pending *Config // a reconfiguration to apply at the next frame boundary
	paused  bool    // capture turned off by SetCapture
	tried   attempt
	changed chan struct{} // closed at every status change (Wait)
	calls   chan func(capture.Source)
	wake    chan struct{} // interrupts a backoff sleep
	ready   func() bool   // this outage's readiness probe, from Config.Probe
	readyAt time.Time     // when the probe last said the source is back
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
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{cfg: cfg, out: out, calls: make(chan func(capture.Source), 16), wake: make(chan struct{}, 1), changed: make(chan struct{})}
	r.status = Status{URI: cfg.URI, State: StateStarting, Request: cfg.Request}
	return r
}

// Status returns a snapshot.
func (r *Runner) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statusLocked()
}

func (r *Runner) statusLocked() Status {
	s := r.status
	if s.State == StateOK {
		s.CaptureFPS = r.rate.Rate(time.Now())
	}
	return s
}

// notifyLocked wakes every Wait; call with mu held after changing status.
func (r *Runner) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// Wait returns the first status for which done is true, checking now and at
// every state change, open attempt or reconfiguration; ctx's error if it
// ends first.
func (r *Runner) Wait(ctx context.Context, done func(Status) bool) (Status, error) {
	for {
		r.mu.Lock()
		s, ch := r.statusLocked(), r.changed
		r.mu.Unlock()
		if done(s) {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-ch:
		}
	}
}

// Reconfigure asks for the source to be reopened with uri and req at the
// next frame boundary (at once while no source is open), and waits for the
// first open with them: nil if it opened, the open error if not (the runner
// keeps retrying with the new settings, so a caller that wants the old ones
// back reconfigures again). A ctx that ends first stops the wait only: the
// reconfiguration still happens.
func (r *Runner) Reconfigure(ctx context.Context, uri string, req capture.Request) error {
	r.mu.Lock()
	c := r.cfg
	c.URI, c.Request = uri, req
	r.pending = &c
	r.gen++
	gen := r.gen
	r.mu.Unlock()
	r.poke()
	for {
		r.mu.Lock()
		tried, ch := r.tried, r.changed
		r.mu.Unlock()
		if tried.gen >= gen {
			return tried.err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// SetCapture turns capture off (the source is closed at the next frame
// boundary, releasing the device, and no frames are published) or on again
// (reopened at once). It does not wait.
func (r *Runner) SetCapture(on bool) {
	r.mu.Lock()
	r.paused = !on
	r.notifyLocked()
	r.mu.Unlock()
	r.poke()
}

func (r *Runner) isPaused() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paused
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

func (r *Runner) setState(st State, reason string, level slog.Level) {
	r.mu.Lock()
	// Log state changes only: the reason of a retry changes every attempt.
	changed := r.status.State != st
	r.status.State, r.status.Reason = st, reason
	r.notifyLocked()
	r.mu.Unlock()
	if changed {
		msg := fmt.Sprintf("source %s: %s", r.cfg.URI, st)
		if reason != "" {
			msg += ": " + reason
		}
		r.cfg.Log.Log(context.Background(), level, msg)
	}
}

// opened records the outcome of an open with the current settings; a
// successful one after the first counts as a reopen.
func (r *Runner) opened(err error, reopen bool) {
	r.mu.Lock()
	r.tried = attempt{gen: r.cfgGen, err: err}
	if err == nil && reopen {
		r.status.Reopens++
	}
	r.notifyLocked()
	r.mu.Unlock()
}

func (r *Runner) applyPending() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending != nil {
		r.cfg = *r.pending
		r.cfgGen = r.gen
		r.pending = nil
		r.ready = nil
		r.status.URI, r.status.Request = r.cfg.URI, r.cfg.Request
		r.notifyLocked()
	}
}

// interrupted reports whether the open source must be left: a
// reconfiguration waits, or capture was turned off.
func (r *Runner) interrupted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending != nil || r.paused
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
