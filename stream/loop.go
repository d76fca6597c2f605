package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"webcam/capture"
)

// Run captures until ctx ends. It returns an error only for a configuration
// error at the first open (bad URI, size, format): the caller should exit.
// Later failures are retried with backoff.
func (r *Runner) Run(ctx context.Context) error {
	defer r.setState(StateStopped, "", slog.LevelInfo)
	backoff := r.cfg.MinBackoff
	first := true
	for ctx.Err() == nil {
		if r.isPaused() {
			r.setState(StatePaused, "capture turned off (set_capture)", slog.LevelInfo)
			if !r.waitUntil(ctx, func() bool { return !r.isPaused() }) {
				break
			}
		}
		r.applyPending()
		src, err := r.cfg.Open(r.cfg.URI, r.cfg.Request)
		if err != nil {
			r.opened(err, !first)
			if capture.IsConfigError(err) {
				r.setState(StateError, err.Error(), slog.LevelError)
				if first {
					return err
				}
			} else {
				r.setState(StateReconnecting, fmt.Sprintf("%v (retrying in %s)", err, backoff.Round(time.Millisecond)), slog.LevelWarn)
			}
			r.failCalls()
			if !r.sleep(ctx, r.wait(backoff)) {
				break
			}
			backoff = min(2*backoff, r.cfg.MaxBackoff)
			continue
		}
		reopen := !first
		first = false
		backoff = r.cfg.MinBackoff
		r.ready = nil
		err = r.capture(ctx, src, reopen)
		src.Close()
		switch {
		case ctx.Err() != nil:
		case err == nil: // reconfiguration: reopen at once
		case errors.Is(err, io.EOF):
			r.setState(StateEnded, "end of stream", slog.LevelInfo)
			if !r.waitUntil(ctx, r.interrupted) {
				return nil
			}
		default:
			r.setState(StateReconnecting, fmt.Sprintf("%v (retrying in %s)", err, backoff.Round(time.Millisecond)), slog.LevelWarn)
			if !r.sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, r.cfg.MaxBackoff)
		}
	}
	return nil
}

// waitUntil parks the runner, with no source open, until ready() (true) or
// ctx ends (false), answering Do calls meanwhile; a reconfiguration or
// SetCapture wakes it to check.
func (r *Runner) waitUntil(ctx context.Context, ready func() bool) bool {
	for {
		r.failCalls()
		if ready() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-r.wake:
		}
	}
}

// readyPoll is how often the readiness probe (Config.Probe) is asked during
// a backoff wait; for readyWindow after it said the source is back, opens
// are retried that often too (a device node appears before the device can
// be opened), so a source that returns is capturing again within about
// half a second.
const (
	readyPoll   = 200 * time.Millisecond
	readyWindow = 2 * time.Second
)

// wait is the backoff to sleep before the next open: short while the probe
// has just seen the source come back.
func (r *Runner) wait(backoff time.Duration) time.Duration {
	if !r.readyAt.IsZero() && time.Since(r.readyAt) < readyWindow {
		return min(backoff, readyPoll)
	}
	return backoff
}

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
				r.readyAt = time.Now()
				return true
			}
		case <-r.wake:
			if r.interrupted() {
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

// runCalls answers queued Do calls with the open source.
func (r *Runner) runCalls(src capture.Source) {
	for {
		select {
		case fn := <-r.calls:
			fn(src)
		default:
			return
		}
	}
}

// capture reads frames until an error, a reconfiguration (nil) or ctx ends.
// The open counts as done (opened) once the source is set up: its format in
// the status, OnOpen run and the state OK, so a Reconfigure that returns on
// it is followed by a Status that shows all of that.
func (r *Runner) capture(ctx context.Context, src capture.Source, reopen bool) error {
	stop := context.AfterFunc(ctx, func() { src.Close() })
	defer stop()
	info := src.Info()
	r.mu.Lock()
	r.status.Info = info
	r.mu.Unlock()
	for _, n := range info.Notes {
		r.cfg.Log.Warn(n)
	}
	if r.cfg.OnOpen != nil {
		if err := r.cfg.OnOpen(src); err != nil {
			r.cfg.Log.Warn(err.Error())
		}
	}
	r.setState(StateOK, "", slog.LevelInfo)
	r.opened(nil, reopen)
	for {
		f, err := src.Read()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if capture.DropCorrupt(f) { // sources that do not check their JPEGs (files, injected faults)
			f.Release()
			continue
		}
		r.stamp(f)
		r.out.Publish(f)
		f.Release() // the source's reference: the hub holds its own
		r.runCalls(src)
		if r.interrupted() {
			return nil
		}
	}
}
