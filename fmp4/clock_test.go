package fmp4

import (
	"testing"
	"time"
)

// TestDecodeClock: decode times follow the stamps without drift, durations
// are the interval before, and the timeline only goes forward.
func TestDecodeClock(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name      string
		stamps    []time.Duration
		wantTicks []int64
		wantDurs  []int64
	}{
		{"30 fps", []time.Duration{0, time.Second / 30, 2 * time.Second / 30, time.Second / 10},
			[]int64{0, 3000, 6000, 9000}, []int64{3000, 3000, 3000, 3000}},
		{"origin does not matter", []time.Duration{time.Hour, time.Hour + 40*ms, time.Hour + 80*ms},
			[]int64{0, 3600, 7200}, []int64{3000, 3600, 3600}},
		{"jitter keeps real times", []time.Duration{0, 30 * ms, 70 * ms, 100 * ms},
			[]int64{0, 2700, 6300, 9000}, []int64{3000, 2700, 3600, 2700}},
		{"stamp repeated: one tick later, then back on the stamps", []time.Duration{0, 40 * ms, 40 * ms, 80 * ms},
			[]int64{0, 3600, 7200, 10800}, []int64{3000, 3600, 3600, 3600}},
		{"stamp goes back: continue by the last duration", []time.Duration{0, 40 * ms, 10 * ms, 50 * ms},
			[]int64{0, 3600, 7200, 10800}, []int64{3000, 3600, 3600, 3600}},
		{"gap of 5 s closed up", []time.Duration{0, 40 * ms, 5040 * ms, 5080 * ms},
			[]int64{0, 3600, 7200, 10800}, []int64{3000, 3600, 3600, 3600}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := decodeClock{firstDuration: 3000, maxInterval: time.Second}
			for i, stamp := range c.stamps {
				ticks, dur := clock.next(stamp)
				if ticks != c.wantTicks[i] || dur != c.wantDurs[i] {
					t.Errorf("stamp %d (%v): tick %d duration %d, want %d %d", i, stamp, ticks, dur, c.wantTicks[i], c.wantDurs[i])
				}
			}
		})
	}
}

// TestDecodeClockLongRun: a day at 30 fps (stamps rounded to the
// nanosecond) ends exactly where 90 kHz says, every duration 3000 ± 1.
func TestDecodeClockLongRun(t *testing.T) {
	clock := decodeClock{firstDuration: 3000, maxInterval: time.Second}
	const frames = 24 * 3600 * 30
	var ticks int64
	for i := range int64(frames) {
		var dur int64
		ticks, dur = clock.next(time.Duration(i) * time.Second / 30)
		if dur < 2999 || dur > 3001 {
			t.Fatalf("frame %d: duration %d", i, dur)
		}
	}
	if want := int64(frames-1) * 3000; ticks != want {
		t.Errorf("last decode time %d, want %d", ticks, want)
	}
}
