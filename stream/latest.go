package stream

import (
	"context"
	"sync"

	"webcam/capture"
)

// Latest holds the newest frame and wakes everyone waiting for it.
// The zero value is ready to use.
//
// It holds a reference to the newest frame (capture.Frame.Retain), dropped
// when a newer one replaces it, and hands its readers references of their
// own (Next, Acquire), taken under its lock, so a pooled buffer is never
// recycled while the hub or a reader still has it.
type Latest struct {
	mu      sync.Mutex
	frame   *capture.Frame
	changed chan struct{} // closed on the next Publish
}

func (l *Latest) changedLocked() chan struct{} {
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

// Publish makes f the newest frame. It never blocks on consumers. It takes
// a reference of its own: the caller still releases its one.
func (l *Latest) Publish(f *capture.Frame) {
	f.Retain()
	l.mu.Lock()
	prev := l.frame
	l.frame = f
	ch := l.changedLocked()
	l.changed = make(chan struct{})
	l.mu.Unlock()
	close(ch)
	if prev != nil {
		prev.Release()
	}
}

// Load returns the newest frame, or nil before the first, without a
// reference: for its metadata (Seq, Stamp, size, format). Its Data may be
// recycled as soon as a newer frame comes; use Acquire to read it.
func (l *Latest) Load() *capture.Frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.frame
}

// Acquire returns the newest frame with a reference for the caller, who
// must Release it; nil before the first.
func (l *Latest) Acquire() *capture.Frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.frame != nil {
		l.frame.Retain()
	}
	return l.frame
}

// Next returns the newest frame whose Seq is greater than after, waiting for
// one if needed, with a reference for the caller, who must Release it.
// Frames between after and the returned one were skipped.
func (l *Latest) Next(ctx context.Context, after uint64) (*capture.Frame, error) {
	for {
		l.mu.Lock()
		f, ch := l.frame, l.changedLocked()
		if f != nil && f.Seq > after {
			f.Retain()
			l.mu.Unlock()
			return f, nil
		}
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}
