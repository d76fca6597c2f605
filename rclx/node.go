package rclx

/*
#cgo LDFLAGS: -lrcl -lrcutils
#include <stdlib.h>
#include <rcl/node.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"unsafe"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

// Node is an rcl context with one node in it: what a ROS 2 program needs.
type Node struct {
	*rclgo.Node
	Context *rclgo.Context
	args    *Args
	handle  *C.rcl_node_t
	log     *slog.Logger
}

// Start installs Fast DDS's profile (before rcl_init reads it) with a
// shared-memory segment for messages of up to largest bytes (0: Fast DDS's
// default transport), starts rcl with args and creates the node name
// (remappable with -r __node:=). Unknown ROS arguments are an error naming
// them.
func Start(args *Args, name string, largest int) (_ *Node, err error) {
	note := useLargeFrameTransport(largest)
	n := &Node{args: args}
	runtime.LockOSThread() // rclgo reads rcl's error state in a second call
	defer runtime.UnlockOSThread()
	if n.Context, err = rclgo.NewContextWithOpts(args.rcl, rclgo.NewDefaultContextOptions()); err != nil {
		return nil, fmt.Errorf("starting ROS 2 (rcl_init): %w", rclgoError(err))
	}
	defer func() {
		if err != nil {
			n.Context.Close()
		}
	}()
	if n.Node, err = n.Context.NewNode(name, ""); err != nil {
		return nil, fmt.Errorf("creating node: %w", rclgoError(err))
	}
	if n.handle, err = nodeHandle(n.Node); err != nil {
		return nil, err
	}
	n.log = slog.New(NewLogHandler(n.Node.Logger()))
	if note != "" {
		n.log.Info(note)
	}
	return n, nil
}

// Log is the node's logger, bridged to rcl logging (console and /rosout).
func (n *Node) Log() *slog.Logger { return n.log }

// Close destroys the node and shuts rcl down.
func (n *Node) Close() error { return errors.Join(n.Node.Close(), n.Context.Close()) }

// ResolveTopic is the full name a publisher of topic gets on this node, as
// rcl_node_resolve_name makes it: expanded against the node's name and
// namespace, then remapped by the -r rules.
func (n *Node) ResolveTopic(topic string) (string, error) {
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	var out *C.char
	if err := check(fmt.Sprintf("resolving topic name %q", topic), func() C.rcl_ret_t {
		return C.rcl_node_resolve_name(n.handle, ctopic, C.rcl_get_default_allocator(), false, false, &out)
	}); err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoString(out), nil
}
