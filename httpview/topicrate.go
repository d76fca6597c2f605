package httpview

import (
	"sync"
	"time"
)

// seqMeter estimates a camera's frame rate from the frames viewers take:
// sequence numbers over capture stamps, so frames that every viewer skipped
// still count. It costs nothing while nobody watches (and then knows nothing).
type seqMeter struct {
	mu     sync.Mutex
	seqs   [32]uint64
	stamps [32]time.Time
	n      int // samples added
}

const seqMeterWindow = 2 * time.Second

// observe records a frame; frames older than the newest seen are ignored, so
// any number of viewers can report the same frames.
func (m *seqMeter) observe(seq uint64, stamp time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n > 0 && seq <= m.seqs[(m.n-1)%len(m.seqs)] {
		return
	}
	m.seqs[m.n%len(m.seqs)], m.stamps[m.n%len(m.stamps)] = seq, stamp
	m.n++
}

// rate is frames per second over the last seqMeterWindow of stamps, or 0
// when fewer than two frames were seen or the newest is older than the window.
func (m *seqMeter) rate(now time.Time) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	count := min(m.n, len(m.seqs))
	if count < 2 {
		return 0
	}
	last := (m.n - 1) % len(m.seqs)
	if now.Sub(m.stamps[last]) > seqMeterWindow {
		return 0
	}
	first := last
	for k := 1; k < count; k++ {
		i := (m.n - 1 - k) % len(m.seqs)
		if m.stamps[last].Sub(m.stamps[i]) > seqMeterWindow {
			break
		}
		first = i
	}
	span := m.stamps[last].Sub(m.stamps[first])
	if first == last || span <= 0 {
		return 0
	}
	return float64(m.seqs[last]-m.seqs[first]) / span.Seconds()
}
