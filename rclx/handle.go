package rclx

/*
#include <rcl/node.h>
*/
import "C"

import (
	"errors"
	"reflect"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

// nodeHandle is the rcl node rclgo keeps unexported: the one reach into
// rclgo, for the pinned version in go.mod. Everything else rclx needs
// (the context, its global arguments) hangs off this handle in rcl's own
// structs. TestNodeHandle fails loudly if a new rclgo moves it.
func nodeHandle(n *rclgo.Node) (*C.rcl_node_t, error) {
	f := reflect.ValueOf(n).Elem().FieldByName("rcl_node_t")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("rclgo.Node has no rcl_node_t handle (rclgo version changed?)")
	}
	return (*C.rcl_node_t)(f.UnsafePointer()), nil
}
