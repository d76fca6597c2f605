package stream

import "time"

// RateMeter estimates events per second over the last rateWindow. Not safe for
// concurrent use; guard it with the owner's lock.
type RateMeter struct {
	times [128]time.Time
	n     int // total events added
}

const rateWindow = 2 * time.Second

// Add records an event at t.
func (m *RateMeter) Add(t time.Time) {
	m.times[m.n%len(m.times)] = t
	m.n++
}

// Rate is the event rate over the window ending at now; 0 with under 2 events.
func (m *RateMeter) Rate(now time.Time) float64 {
	count := min(m.n, len(m.times))
	if count < 2 {
		return 0
	}
	newest := m.times[(m.n-1)%len(m.times)]
	if now.Sub(newest) > rateWindow {
		return 0
	}
	oldest := newest
	k := 1
	for ; k < count; k++ {
		t := m.times[(m.n-1-k)%len(m.times)]
		if newest.Sub(t) > rateWindow {
			break
		}
		oldest = t
	}
	if k < 2 || !newest.After(oldest) {
		return 0
	}
	return float64(k-1) / newest.Sub(oldest).Seconds()
}
