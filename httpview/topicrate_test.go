package httpview

import (
	"math"
	"testing"
	"time"
)

func TestSeqMeter(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type sample struct {
		seq uint64
		ms  int
	}
	cases := []struct {
		name    string
		samples []sample
		nowMS   int
		want    float64
	}{
		{"nothing seen", nil, 0, 0},
		{"one frame", []sample{{1, 0}}, 0, 0},
		{"every frame at 30 fps", []sample{{1, 0}, {2, 33}, {3, 67}, {4, 100}}, 100, 30},
		{"skipped frames still count", []sample{{10, 0}, {13, 100}, {16, 200}}, 200, 30},
		{"repeats from other viewers ignored", []sample{{1, 0}, {1, 0}, {2, 100}, {2, 100}, {3, 200}}, 200, 10},
		{"stale", []sample{{1, 0}, {2, 100}}, 5000, 0},
		{"old samples leave the window", []sample{{1, 0}, {2, 100}, {3, 3000}, {5, 3100}}, 3100, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m seqMeter
			for _, s := range tc.samples {
				m.observe(s.seq, at(s.ms))
			}
			if got := m.rate(at(tc.nowMS)); math.Abs(got-tc.want) > 0.2 {
				t.Errorf("rate %.2f, want %.2f", got, tc.want)
			}
		})
	}
}
