package rclx

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

// Args is a command line split into its ROS arguments and the program's
// own, with the ROS ones parsed by rcl (once, for rcl_init).
type Args struct {
	ROS  []string // between --ros-args and -- (or the end), without the markers
	Rest []string // the program's own arguments
	rcl  *rclgo.Args
}

// ParseArgs splits args and has rcl parse the ROS part; unknown ROS
// arguments are an error naming them.
func ParseArgs(args []string) (*Args, error) {
	a := &Args{}
	in := false
	for _, s := range args {
		switch {
		case s == "--ros-args":
			in = true
		case in && s == "--":
			in = false
		case in:
			a.ROS = append(a.ROS, s)
		default:
			a.Rest = append(a.Rest, s)
		}
	}
	// rclgo reads rcl's per-thread error state in a later cgo call: keep
	// both on this thread, or a bad params file may say "error not set".
	runtime.LockOSThread()
	rcl, _, err := rclgo.ParseArgs(append([]string{"--ros-args"}, a.ROS...))
	runtime.UnlockOSThread()
	if err != nil {
		return nil, fmt.Errorf("bad --ros-args %q: %w", strings.Join(a.ROS, " "), rclgoError(err))
	}
	a.rcl = rcl
	if err := a.checkUnknown(); err != nil {
		return nil, err
	}
	return a, nil
}
