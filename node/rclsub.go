package node

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

static rcl_subscription_options_t webcam_subscription_options(bool best_effort, bool transient_local, size_t depth) {
	rcl_subscription_options_t o = rcl_subscription_get_default_options();
	o.qos.history = RMW_QOS_POLICY_HISTORY_KEEP_LAST;
	o.qos.depth = depth;
	o.qos.reliability = best_effort ? RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT : RMW_QOS_POLICY_RELIABILITY_RELIABLE;
	o.qos.durability = transient_local ? RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL : RMW_QOS_POLICY_DURABILITY_VOLATILE;
	return o;
}

static rcl_subscription_t * webcam_ready_subscription(rcl_wait_set_t * ws) {
	return ws->size_of_subscriptions > 0 ? (rcl_subscription_t *)ws->subscriptions[0] : NULL;
}
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/tiiuae/rclgo/pkg/rclgo"
	"github.com/tiiuae/rclgo/pkg/rclgo/types"
)

// rclSubscription receives one topic's serialized messages on a wait set and
// goroutine of its own, made with rcl directly rather than with rclgo's
// NewSubscription: rclgo adds every subscription to the node's resource
// store, which the node's Spin reads (without a lock) to build its wait set
// and which Node.Close closes. A subscription that comes and goes while the
// node spins, as the web viewer's do, must stay out of both.
type rclSubscription struct {
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

// subscriptionQoS is what rclSubscription asks for: keep last depth.
type subscriptionQoS struct {
	bestEffort     bool
	transientLocal bool
	depth          int
}

func (q subscriptionQoS) String() string {
	s := "reliable"
	if q.bestEffort {
		s = "best_effort"
	}
	if q.transientLocal {
		s += ", transient_local"
	} else {
		s += ", volatile"
	}
	return fmt.Sprintf("%s, keep_last %d", s, q.depth)
}

// rclNodeHandle reads the rcl handle rclgo keeps unexported, as
// rclPublisherHandle does. TestGraphSubscription fails loudly if it moves.
func rclNodeHandle(n *rclgo.Node) (*C.rcl_node_t, error) {
	f := reflect.ValueOf(n).Elem().FieldByName("rcl_node_t")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("rclgo.Node has no rcl_node_t handle (rclgo version changed?)")
	}
	return (*C.rcl_node_t)(f.UnsafePointer()), nil
}

// rclError turns a failed rcl call into an error with rcl's message, and
// clears that message so the next failure does not report it again.
func rclError(what string, rc C.rcl_ret_t) error {
	es := C.rcutils_get_error_string()
	msg := C.GoString(&es.str[0])
	C.rcutils_reset_error()
	return fmt.Errorf("%s: rcl error %d: %s", what, int(rc), msg)
}

// newRCLSubscription subscribes to topic and calls deliver, on the
// subscription's own goroutine, with the newest message each time messages
// arrive. Close ends it; it must be closed before the node.
func newRCLSubscription(rn *rclgo.Node, topic string, ts types.MessageTypeSupport, q subscriptionQoS,
	deliver func(msg []byte, received time.Time)) (_ *rclSubscription, err error) {
	node, err := rclNodeHandle(rn)
	if err != nil {
		return nil, err
	}
	s := &rclSubscription{topic: topic, node: node, deliver: deliver, done: make(chan struct{})}
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
	opts := C.webcam_subscription_options(C.bool(q.bestEffort), C.bool(q.transientLocal), C.size_t(q.depth))
	if rc := C.rcl_subscription_init(s.sub, node, (*C.rosidl_message_type_support_t)(ts.TypeSupport()), ctopic, &opts); rc != C.RCL_RET_OK {
		return nil, rclError("subscribing to "+topic, rc)
	}
	if rc := C.rcl_guard_condition_init(s.guard, node.context, C.rcl_guard_condition_get_default_options()); rc != C.RCL_RET_OK {
		return nil, rclError("guard condition for "+topic, rc)
	}
	if rc := C.rcl_wait_set_init(s.ws, 1, 1, 0, 0, 0, 0, node.context, C.rcl_get_default_allocator()); rc != C.RCL_RET_OK {
		return nil, rclError("wait set for "+topic, rc)
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

func (s *rclSubscription) run() {
	defer close(s.done)
	for !s.stopping.Load() {
		if err := s.waitOnce(); err != nil {
			s.runErr = err
			return
		}
	}
}

func (s *rclSubscription) waitOnce() error {
	if rc := C.rcl_wait_set_clear(s.ws); rc != C.RCL_RET_OK {
		return rclError("clearing the wait set of "+s.topic, rc)
	}
	if rc := C.rcl_wait_set_add_subscription(s.ws, s.sub, nil); rc != C.RCL_RET_OK {
		return rclError("waiting on "+s.topic, rc)
	}
	if rc := C.rcl_wait_set_add_guard_condition(s.ws, s.guard, nil); rc != C.RCL_RET_OK {
		return rclError("waiting on "+s.topic, rc)
	}
	switch rc := C.rcl_wait(s.ws, C.int64_t(waitSlice)); rc {
	case C.RCL_RET_OK:
	case C.RCL_RET_TIMEOUT:
		return nil
	default:
		return rclError("waiting on "+s.topic, rc)
	}
	if C.webcam_ready_subscription(s.ws) == nil || s.stopping.Load() {
		return nil
	}
	return s.takeNewest()
}

// takeNewest takes every message waiting and delivers the newest: anything
// older is stale video.
func (s *rclSubscription) takeNewest() error {
	var newest []byte
	var at time.Time
	for {
		info := C.rmw_get_zero_initialized_message_info()
		rc := C.rcl_take_serialized_message(s.sub, s.msg, &info, nil)
		if rc == C.RCL_RET_SUBSCRIPTION_TAKE_FAILED { // nothing (more) to take
			C.rcutils_reset_error()
			break
		}
		if rc != C.RCL_RET_OK {
			return rclError("taking a message from "+s.topic, rc)
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
func (s *rclSubscription) Close() error {
	s.closeOnce.Do(func() {
		s.stopping.Store(true)
		if rc := C.rcl_trigger_guard_condition(s.guard); rc != C.RCL_RET_OK {
			C.rcutils_reset_error() // the wait slice ends the loop anyway
		}
		<-s.done
		s.closeErr = errors.Join(s.runErr, s.fini())
	})
	return s.closeErr
}

// fini releases whatever was initialized; the fini functions accept
// zero-initialized handles.
func (s *rclSubscription) fini() error {
	var errs []error
	if rc := C.rcl_wait_set_fini(s.ws); rc != C.RCL_RET_OK {
		errs = append(errs, rclError("wait set of "+s.topic, rc))
	}
	if rc := C.rcl_guard_condition_fini(s.guard); rc != C.RCL_RET_OK {
		errs = append(errs, rclError("guard condition of "+s.topic, rc))
	}
	if rc := C.rcl_subscription_fini(s.sub, s.node); rc != C.RCL_RET_OK {
		errs = append(errs, rclError("unsubscribing from "+s.topic, rc))
	}
	if s.msg.buffer != nil {
		C.rcutils_uint8_array_fini(s.msg)
	}
	for _, p := range []unsafe.Pointer{unsafe.Pointer(s.ws), unsafe.Pointer(s.guard), unsafe.Pointer(s.sub), unsafe.Pointer(s.msg)} {
		C.free(p)
	}
	return errors.Join(errs...)
}
