package capture

import "time"

// pacer hands out frame times one period apart, like a camera's clock, for
// sources that have none (the test pattern, raw files).
type pacer struct {
	period time.Duration
	next   time.Time
}

// wait sleeps until the next frame is due; ErrClosed if closed closes
// first. A caller that fell behind by more than a period restarts the
// schedule rather than rushing frames out to catch up.
func (p *pacer) wait(closed <-chan struct{}) error {
	now := time.Now()
	if p.next.IsZero() || now.Sub(p.next) > p.period {
		p.next = now
	}
	if d := time.Until(p.next); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-closed:
			return ErrClosed
		case <-t.C:
		}
	}
	select {
	case <-closed:
		return ErrClosed
	default:
	}
	p.next = p.next.Add(p.period)
	return nil
}
