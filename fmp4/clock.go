package fmp4

import "time"

// decodeClock turns capture stamps into decode times in Timescale ticks and
// picks each sample's duration.
//
// The decode time (tfdt) of every fragment comes from its own stamp, measured
// from a base, so rounding never accumulates. The duration written with a
// sample is the interval that ended at it (from the previous sample), since
// the interval to the next is not known yet when the fragment goes out; the
// next fragment's tfdt then corrects any difference. Waiting for the next
// access unit to learn the exact duration would add a frame of latency.
//
// Decode times only go forward: a stamp that does not advance, or one that
// jumps further than maxInterval (the camera paused, its clock stepped),
// re-bases the clock so the sample follows the previous one by the last
// duration. A player would otherwise hold the last picture for the whole
// gap, and the stream would lag by that gap for good.
type decodeClock struct {
	firstDuration int64 // ticks, for the first sample
	maxInterval   time.Duration

	started   bool
	baseStamp time.Duration
	baseTicks int64
	lastStamp time.Duration
	lastTicks int64
	lastDur   int64
}

// next returns the decode time and duration of the sample stamped t.
func (c *decodeClock) next(t time.Duration) (decodeTicks, duration int64) {
	if !c.started {
		c.started = true
		c.baseStamp, c.lastStamp = t, t
		c.lastDur = c.firstDuration
		return 0, c.firstDuration
	}
	if step := t - c.lastStamp; step <= 0 || step > c.maxInterval {
		c.baseStamp, c.baseTicks = t, c.lastTicks+c.lastDur
	}
	ticks := c.baseTicks + toTicks(t-c.baseStamp)
	ticks = max(ticks, c.lastTicks+1)
	c.lastDur = ticks - c.lastTicks
	c.lastStamp, c.lastTicks = t, ticks
	return ticks, c.lastDur
}

// toTicks converts a duration to Timescale ticks, rounding to the nearest.
// Whole seconds apart, so that days of stream do not overflow int64.
func toTicks(d time.Duration) int64 {
	secs, rest := int64(d/time.Second), int64(d%time.Second)
	return secs*Timescale + (rest*Timescale+int64(time.Second)/2)/int64(time.Second)
}
