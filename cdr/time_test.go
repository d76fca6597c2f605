package cdr

import (
	"math"
	"testing"
	"time"
)

func TestTimeOf(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want Time
	}{
		{"zero time.Time is the unset stamp", time.Time{}, Time{}},
		{"epoch", time.Unix(0, 0), Time{0, 0}},
		{"ordinary", time.Unix(1700000000, 123456789), Time{1700000000, 123456789}},
		{"time zone does not matter", time.Unix(1700000000, 5).In(time.FixedZone("x", 3600)), Time{1700000000, 5}},
		{"quarter second before epoch floors", time.Unix(0, -250_000_000), Time{-1, 750_000_000}},
		{"whole second before epoch", time.Unix(-1, 0), Time{-1, 0}},
		{"last int32 second", time.Unix(math.MaxInt32, 999_999_999), Time{math.MaxInt32, 999_999_999}},
		{"2038 wraps like rclcpp's static_cast", time.Unix(math.MaxInt32+1, 0), Time{math.MinInt32, 0}},
		{"2^32 seconds wrap to 0", time.Unix(1<<32+5, 7), Time{5, 7}},
		{"monotonic reading is ignored", time.Unix(1700000000, 1).Add(0), Time{1700000000, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TimeOf(tt.in); got != tt.want {
				t.Errorf("TimeOf(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestTimeGoTime(t *testing.T) {
	tests := []struct {
		in   Time
		want time.Time
	}{
		{Time{0, 0}, time.Unix(0, 0)},
		{Time{1700000000, 123}, time.Unix(1700000000, 123)},
		{Time{-1, 750_000_000}, time.Unix(0, -250_000_000)},
		{Time{0, 1_500_000_000}, time.Unix(1, 500_000_000)}, // nanosec ≥ 1 s is valid on the wire
		{Time{math.MinInt32, math.MaxUint32}, time.Unix(math.MinInt32, math.MaxUint32)},
	}
	for _, tt := range tests {
		if got := tt.in.GoTime(); !got.Equal(tt.want) {
			t.Errorf("%+v.GoTime() = %v, want %v", tt.in, got, tt.want)
		}
	}
	// Every normalized stamp survives the trip through time.Time.
	for _, s := range []Time{{0, 0}, {1, 999_999_999}, {-5, 1}, {math.MaxInt32, 0}, {math.MinInt32, 0}} {
		if got := TimeOf(s.GoTime()); got != s {
			t.Errorf("TimeOf(%+v.GoTime()) = %+v", s, got)
		}
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{LevelOK: "OK", LevelWarn: "WARN", LevelError: "ERROR", LevelStale: "STALE", 9: "Level(9)"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", byte(l), got, want)
		}
	}
}
