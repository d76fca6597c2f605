package cdr

import "time"

// Time is builtin_interfaces/msg/Time exactly as it is on the wire. It keeps
// the two fields rather than a time.Time so that decoding and re-encoding
// give back the same bytes (a Nanosec of 10⁹ or more is valid on the wire).
type Time struct {
	Sec     int32
	Nanosec uint32
}

// TimeOf converts t to a stamp the way rclcpp's Time → builtin_interfaces
// conversion does: seconds are the floor of the Unix time, so Nanosec is
// always in [0, 10⁹) and a time before the epoch has a negative Sec (−0.25 s
// is {−1, 750000000}); seconds outside int32 wrap around modulo 2³², as
// rclcpp's static_cast does (so from 2038-01-19T03:14:08Z Sec is negative).
// rclpy refuses both cases instead. The zero time.Time, which has no ROS
// counterpart, becomes the zero stamp {0, 0} that ROS reads as "unset".
func TimeOf(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{Sec: int32(t.Unix()), Nanosec: uint32(t.Nanosecond())}
}

// GoTime is the instant the stamp stands for: Sec seconds plus Nanosec
// nanoseconds after the Unix epoch (as rclcpp computes it, but without
// rclcpp's refusal of negative seconds).
func (t Time) GoTime() time.Time {
	return time.Unix(int64(t.Sec), int64(t.Nanosec))
}
