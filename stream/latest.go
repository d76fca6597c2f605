package stream

import (
	"context"
	"sync"

	"webcam/capture"
)

// Latest holds the newest frame and wakes everyone waiting for it.
// The zero value is ready to use.
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

// Publish makes f the newest frame. It never blocks on consumers.
func (l *Latest) Publish(f *capture.Frame) {
	l.mu.Lock()
	l.frame = f
	ch := l.changedLocked()
	l.changed = make(chan struct{})
	l.mu.Unlock()
	close(ch)
}

// Load returns the newest frame, or nil before the first.
func (l *Latest) Load() *capture.Frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.frame
}

// Next returns the newest frame whose Seq is greater than after, waiting for
// one if needed. Frames between after and the returned one were skipped.
func (l *Latest) Next(ctx context.Context, after uint64) (*capture.Frame, error) {
	for {
		l.mu.Lock()
		f, ch := l.frame, l.changedLocked()
		l.mu.Unlock()
		if f != nil && f.Seq > after {
			return f, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}
