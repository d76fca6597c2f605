package rclx

/*
#cgo LDFLAGS: -lrcl -lrcutils -lrmw
#include <stdlib.h>
#include <rcl/error_handling.h>
#include <rcl/guard_condition.h>
#include <rcl/node.h>
#include <rcl/subscription.h>
#include <rcl/wait.h>
#include <rcutils/types/uint8_array.h>
#include <rmw/types.h>

static rcl_subscription_options_t rclx_subscription_options(rmw_qos_profile_t q) {
	rcl_subscription_options_t o = rcl_subscription_get_default_options();
	o.qos = q;
	return o;
}

static rcl_subscription_t * rclx_ready_subscription(rcl_wait_set_t * ws) {
	return ws->size_of_subscriptions > 0 ? (rcl_subscription_t *)ws->subscriptions[0] : NULL;
}
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/tiiuae/rclgo/pkg/rclgo/types"
)

// Subscription receives one topic's serialized messages on a wait set and
// goroutine of its own, made with rcl directly rather than with rclgo's
// NewSubscription: rclgo adds every subscription to the node's resource
// store, which the node's Spin reads (without a lock) to build its wait set
// and which Node.Close closes. A subscription that comes and goes while the
// node spins, as the web viewer's do, must stay out of both.
type Subscription struct {
	topic   string
	node    *C.rcl_node_t
	deliver func(msg []byte, received time.Time)

	// C memory: rcl keeps pointers to them between calls.
	sub   *C.rcl_subscription_t
	guard *C.rcl_guard_condition_t // triggered by Close to end rcl_wait at once
	ws    *C.rcl_wait_set_t
	msg   *C.rmw_serialized_message_t // reused for every take

	stopping  atomic.Bool
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	runErr    error // why the wait loop stopped early; read after done
}

// Subscribe subscribes to topic and calls deliver, on the subscription's
// own goroutine, with the newest message each time messages arrive. Close
// ends it; it must be closed before the node.
func (n *Node) Subscribe(topic string, ts types.MessageTypeSupport, q QoS,
	deliver func(msg []byte, received time.Time)) (_ *Subscription, err error) {
	if err := q.Valid(); err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}
	node := n.handle
	s := &Subscription{topic: topic, node: node, deliver: deliver, done: make(chan struct{})}
	s.sub = (*C.rcl_subscription_t)(C.calloc(1, C.sizeof_rcl_subscription_t))
	s.guard = (*C.rcl_guard_condition_t)(C.calloc(1, C.sizeof_rcl_guard_condition_t))
	s.ws = (*C.rcl_wait_set_t)(C.calloc(1, C.sizeof_rcl_wait_set_t))
	s.msg = (*C.rmw_serialized_message_t)(C.calloc(1, C.sizeof_rmw_serialized_message_t))
	*s.sub = C.rcl_get_zero_initialized_subscription()
	*s.guard = C.rcl_get_zero_initialized_guard_condition()
	*s.ws = C.rcl_get_zero_initialized_wait_set()
	defer func() {
		if err != nil {
			s.fini()
		}
	}()

	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	opts := C.rclx_subscription_options(q.c())
	if err := check("subscribing to "+topic, func() C.rcl_ret_t {
		return C.rcl_subscription_init(s.sub, node, (*C.rosidl_message_type_support_t)(ts.TypeSupport()), ctopic, &opts)
	}); err != nil {
		return nil, err
	}
	if err := check("guard condition for "+topic, func() C.rcl_ret_t {
		return C.rcl_guard_condition_init(s.guard, node.context, C.rcl_guard_condition_get_default_options())
	}); err != nil {
		return nil, err
	}
	if err := check("wait set for "+topic, func() C.rcl_ret_t {
		return C.rcl_wait_set_init(s.ws, 1, 1, 0, 0, 0, 0, node.context, C.rcl_get_default_allocator())
	}); err != nil {
		return nil, err
	}
	alloc := C.rcutils_get_default_allocator()
	if rc := C.rcutils_uint8_array_init(s.msg, 64*1024, &alloc); rc != C.RCUTILS_RET_OK {
		return nil, fmt.Errorf("message buffer for %s: rcutils error %d", topic, int(rc))
	}
	go s.run()
	return s, nil
}

// waitSlice bounds rcl_wait in case a trigger is lost: Close then takes at
// most this long.
const waitSlice = time.Second

func (s *Subscription) run() {
	defer close(s.done)
	for !s.stopping.Load() {
		if err := s.waitOnce(); err != nil {
			s.runErr = err
			return
		}
	}
}

func (s *Subscription) waitOnce() error {
	if err := check("clearing the wait set of "+s.topic, func() C.rcl_ret_t { return C.rcl_wait_set_clear(s.ws) }); err != nil {
		return err
	}
	if err := check("waiting on "+s.topic, func() C.rcl_ret_t { return C.rcl_wait_set_add_subscription(s.ws, s.sub, nil) }); err != nil {
		return err
	}
	if err := check("waiting on "+s.topic, func() C.rcl_ret_t { return C.rcl_wait_set_add_guard_condition(s.ws, s.guard, nil) }); err != nil {
		return err
	}
	rc, err := call("waiting on "+s.topic, func() C.rcl_ret_t { return C.rcl_wait(s.ws, C.int64_t(waitSlice)) }, C.RCL_RET_TIMEOUT)
	if err != nil || rc == C.RCL_RET_TIMEOUT {
		return err
	}
	if C.rclx_ready_subscription(s.ws) == nil || s.stopping.Load() {
		return nil
	}
	return s.takeNewest()
}

// takeNewest takes every message waiting and delivers the newest: anything
// older is stale video.
func (s *Subscription) takeNewest() error {
	var newest []byte
	var at time.Time
	for {
		info := C.rmw_get_zero_initialized_message_info()
		rc, err := call("taking a message from "+s.topic, func() C.rcl_ret_t {
			return C.rcl_take_serialized_message(s.sub, s.msg, &info, nil)
		}, C.RCL_RET_SUBSCRIPTION_TAKE_FAILED)
		if err != nil {
			return err
		}
		if rc == C.RCL_RET_SUBSCRIPTION_TAKE_FAILED { // nothing (more) to take
			break
		}
		newest = bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(s.msg.buffer)), int(s.msg.buffer_length)))
		at = time.Now()
	}
	if newest != nil {
		s.deliver(newest, at)
	}
	return nil
}

// Close stops the wait loop, waits for it (it must be out of rcl_wait before
// anything is finalized) and releases everything.
func (s *Subscription) Close() error {
	s.closeOnce.Do(func() {
		s.stopping.Store(true)
		// On failure the wait slice ends the loop anyway.
		_ = check("waking "+s.topic, func() C.rcl_ret_t { return C.rcl_trigger_guard_condition(s.guard) })
		<-s.done
		s.closeErr = errors.Join(s.runErr, s.fini())
	})
	return s.closeErr
}

// fini releases whatever was initialized; the fini functions accept
// zero-initialized handles.
func (s *Subscription) fini() error {
	var errs []error
	errs = append(errs,
		check("wait set of "+s.topic, func() C.rcl_ret_t { return C.rcl_wait_set_fini(s.ws) }),
		check("guard condition of "+s.topic, func() C.rcl_ret_t { return C.rcl_guard_condition_fini(s.guard) }),
		check("unsubscribing from "+s.topic, func() C.rcl_ret_t { return C.rcl_subscription_fini(s.sub, s.node) }))
	if s.msg.buffer != nil {
		C.rcutils_uint8_array_fini(s.msg)
	}
	for _, p := range []unsafe.Pointer{unsafe.Pointer(s.ws), unsafe.Pointer(s.guard), unsafe.Pointer(s.sub), unsafe.Pointer(s.msg)} {
		C.free(p)
	}
	return errors.Join(errs...)
}
