package node

import (
	"time"

	builtin_interfaces_msg "webcam/msgs/builtin_interfaces/msg"
)

// rosTime converts a wall-clock time to builtin_interfaces/Time (the ROS
// system clock is the Unix epoch clock).
func rosTime(t time.Time) builtin_interfaces_msg.Time {
	ns := t.UnixNano()
	return builtin_interfaces_msg.Time{Sec: int32(ns / 1e9), Nanosec: uint32(ns % 1e9)}
}
