package rclx

/*
#cgo LDFLAGS: -lrcl -lrcutils
#include <stdlib.h>
#include <rcl/publisher.h>
#include <rcutils/types/uint8_array.h>
#include <rmw/types.h>

void rclx_take_error(char *out, size_t n);

// One C call for the publish and its error text: rcl's error state is per
// thread, and this runs per frame, where locking the thread would cost more.
static rcl_ret_t rclx_publish_serialized(const rcl_publisher_t *p, const rmw_serialized_message_t *m, char *err, size_t n) {
	rcl_ret_t rc = rcl_publish_serialized_message(p, m, NULL);
	if (rc != RCL_RET_OK) rclx_take_error(err, n);
	return rc;
}

static rcl_ret_t rclx_subscription_count(const rcl_publisher_t *p, size_t *count) {
	rcl_ret_t rc = rcl_publisher_get_subscription_count(p, count);
	if (rc != RCL_RET_OK) rcutils_reset_error();
	return rc;
}

static rcl_publisher_options_t rclx_publisher_options(rmw_qos_profile_t q) {
	rcl_publisher_options_t o = rcl_publisher_get_default_options();
	o.qos = q;
	return o;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/tiiuae/rclgo/pkg/rclgo/types"
)

// Publisher sends CDR bytes written straight into a reused, C-allocated
// rmw_serialized_message_t: the pixels are copied once, by the encoder, and
// handed to rcl with no other copy or allocation. (rclgo's PublishSerialized
// allocates and copies per call; its typed Publish converts uint8[] byte by
// byte.) Not safe for concurrent use: one goroutine publishes.
type Publisher struct {
	Topic  string // as asked for; Resolved has the full name
	node   *Node
	handle *C.rcl_publisher_t // C memory: rcl keeps pointers to it
	msg    *C.rmw_serialized_message_t
	count  *C.size_t
	err    *errBuf
}

// NewPublisher advertises topic with the message type ts and QoS q.
func (n *Node) NewPublisher(topic string, ts types.MessageTypeSupport, q QoS) (_ *Publisher, err error) {
	if err := q.Valid(); err != nil {
		return nil, fmt.Errorf("publisher %s: %w", topic, err)
	}
	p := &Publisher{Topic: topic, node: n, err: new(errBuf)}
	p.handle = (*C.rcl_publisher_t)(C.calloc(1, C.sizeof_rcl_publisher_t))
	p.msg = (*C.rmw_serialized_message_t)(C.calloc(1, C.sizeof_rmw_serialized_message_t))
	p.count = (*C.size_t)(C.calloc(1, C.sizeof_size_t))
	*p.handle = C.rcl_get_zero_initialized_publisher()
	defer func() {
		if err != nil {
			p.free()
		}
	}()
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	opts := C.rclx_publisher_options(q.c())
	if err := check("advertising "+topic, func() C.rcl_ret_t {
		return C.rcl_publisher_init(p.handle, n.handle, (*C.rosidl_message_type_support_t)(ts.TypeSupport()), ctopic, &opts)
	}); err != nil {
		return nil, err
	}
	alloc := C.rcutils_get_default_allocator()
	if rc := C.rcutils_uint8_array_init(p.msg, 64*1024, &alloc); rc != C.RCUTILS_RET_OK {
		C.rcl_publisher_fini(p.handle, n.handle)
		return nil, fmt.Errorf("allocating the message buffer of %s: rcutils error %d", topic, int(rc))
	}
	return p, nil
}

// Resolved is the topic's full name (namespace and remaps applied).
func (p *Publisher) Resolved() string {
	return C.GoString(C.rcl_publisher_get_topic_name(p.handle))
}

// Buffer returns the reusable buffer with room for n bytes, length 0.
func (p *Publisher) Buffer(n int) ([]byte, error) {
	if int(p.msg.buffer_capacity) < n {
		// Grow with headroom so size jitter (JPEG) does not realloc per frame.
		if rc := C.rcutils_uint8_array_resize(p.msg, C.size_t(n+n/4)); rc != C.RCUTILS_RET_OK {
			return nil, fmt.Errorf("growing the message buffer of %s to %d bytes: rcutils error %d", p.Topic, n, int(rc))
		}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p.msg.buffer)), int(p.msg.buffer_capacity))[:0], nil
}

// Publish sends b, which must be the slice Buffer returned with the message
// appended in place (no reallocation).
func (p *Publisher) Publish(b []byte) error {
	if len(b) == 0 || unsafe.Pointer(&b[0]) != unsafe.Pointer(p.msg.buffer) {
		return errors.New("serialized message was not written in place")
	}
	p.msg.buffer_length = C.size_t(len(b))
	if rc := C.rclx_publish_serialized(p.handle, p.msg, &p.err[0], C.size_t(len(p.err))); rc != C.RCL_RET_OK {
		return &Error{What: fmt.Sprintf("publishing %d bytes on %s", len(b), p.Topic), Code: int(rc), Msg: p.err.String()}
	}
	return nil
}

// Subscribers is the matched subscription count, asked of rcl with no
// allocation. On error it says one, so a transient failure never silently
// stops publishing.
func (p *Publisher) Subscribers() int {
	if rc := C.rclx_subscription_count(p.handle, p.count); rc != C.RCL_RET_OK {
		return 1
	}
	return int(*p.count)
}

// Close withdraws the topic; the node must still exist.
func (p *Publisher) Close() error {
	err := check("closing publisher "+p.Topic, func() C.rcl_ret_t { return C.rcl_publisher_fini(p.handle, p.node.handle) })
	C.rcutils_uint8_array_fini(p.msg)
	p.free()
	return err
}

func (p *Publisher) free() {
	C.free(unsafe.Pointer(p.handle))
	C.free(unsafe.Pointer(p.msg))
	C.free(unsafe.Pointer(p.count))
	p.handle, p.msg, p.count = nil, nil, nil
}
