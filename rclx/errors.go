package rclx

/*
#cgo LDFLAGS: -lrcl -lrcutils
#include <stdio.h>
#include <rcl/error_handling.h>
#include <rcl/types.h>

void rclx_take_error(char *out, size_t n) {
	snprintf(out, n, "%s", rcutils_get_error_string().str);
	rcutils_reset_error();
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// Error is a failed rcl call with rcl's own message.
type Error struct {
	What string // what was being done
	Code int    // rcl_ret_t
	Msg  string // rcl's error string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: rcl error %d: %s", e.What, e.Code, e.Msg) }

// errBuf holds an error text copied out by C (rclx_take_error).
type errBuf [512]C.char

func (b *errBuf) String() string { return C.GoString(&b[0]) }

// call runs one rcl call and, when it fails, reads and clears rcl's error
// state on the same OS thread. ok lists return codes that are not errors
// (RCL_RET_TIMEOUT for a wait): rc is returned for those.
func call(what string, f func() C.rcl_ret_t, ok ...C.rcl_ret_t) (C.rcl_ret_t, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := f()
	if rc == C.RCL_RET_OK {
		return rc, nil
	}
	var buf errBuf
	C.rclx_take_error(&buf[0], C.size_t(len(buf)))
	for _, o := range ok {
		if rc == o {
			return rc, nil
		}
	}
	return rc, &Error{What: what, Code: int(rc), Msg: buf.String()}
}

// check is call for the usual case where only RCL_RET_OK succeeds.
func check(what string, f func() C.rcl_ret_t) error {
	_, err := call(what, f)
	return err
}

// rclgoError keeps rcl's message of an error rclgo made and drops what
// rclgo adds to it: a Go stack trace, NUL padding, its type and function
// name ("[*rclgo.InvalidRosArgs] rcl_parse_arguments ").
func rclgoError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if i := strings.Index(msg, "\ngoroutine "); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSpace(strings.ReplaceAll(msg, "\x00", ""))
	if strings.HasPrefix(msg, "[*rclgo.") {
		if i := strings.Index(msg, "] "); i >= 0 {
			msg = msg[i+2:]
			if f, rest, ok := strings.Cut(msg, " "); ok && strings.HasPrefix(f, "rcl") && !strings.Contains(f, ":") {
				msg = rest // the rcl function's name
			}
		}
	}
	return errors.New(msg)
}
