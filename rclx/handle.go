package rclx

/*
#include <stdlib.h>
#include <rcl/arguments.h>
#include <rcl/node.h>
*/
import "C"

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

// The two reaches into rclgo's unexported fields, for the pinned version in
// go.mod, are here; TestHandles fails loudly if a new rclgo moves them.
// Everything else rclx needs (the context, its global arguments) hangs off
// these in rcl's own structs.

// nodeHandle is the rcl node rclgo keeps unexported.
func nodeHandle(n *rclgo.Node) (*C.rcl_node_t, error) {
	f := reflect.ValueOf(n).Elem().FieldByName("rcl_node_t")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("rclgo.Node has no rcl_node_t handle (rclgo version changed?)")
	}
	return (*C.rcl_node_t)(f.UnsafePointer()), nil
}

// argsHandle is the rcl_arguments_t rclgo.ParseArgs filled: the command line
// as rcl parsed it, read before rcl_init (which copies it into the context)
// to know the node's name and parameters while Fast DDS can still be
// configured. It lives inside a Go struct that holds Go pointers, which cgo
// refuses to hand to C, so the caller gets a shallow copy in C memory (rcl
// only reads it) and must call release.
func argsHandle(a *rclgo.Args) (_ *C.rcl_arguments_t, release func(), err error) {
	f := reflect.ValueOf(a).Elem().FieldByName("parsed")
	if !f.IsValid() || !f.CanAddr() || f.Type().Size() != C.sizeof_rcl_arguments_t {
		return nil, nil, errors.New("rclgo.Args has no parsed rcl_arguments_t (rclgo version changed?)")
	}
	c := (*C.rcl_arguments_t)(C.malloc(C.sizeof_rcl_arguments_t))
	*c = *(*C.rcl_arguments_t)(unsafe.Pointer(f.UnsafeAddr()))
	return c, func() { C.free(unsafe.Pointer(c)) }, nil
}
