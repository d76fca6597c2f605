package node

/*
#cgo LDFLAGS: -lrcl -lrcutils
#include <rcl/publisher.h>
#include <rcutils/types/uint8_array.h>
#include <rmw/types.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

// serializedPublisher publishes CDR bytes written straight into a reused,
// C-allocated rmw_serialized_message_t: the pixels are copied once, by the
// encoder, and handed to rcl without another copy or allocation. rclgo's own
// PublishSerialized allocates and copies per call, and its typed Publish
// converts uint8[] byte by byte.
type serializedPublisher struct {
	pub    *rclgo.Publisher
	handle *C.rcl_publisher_t
	msg    C.rmw_serialized_message_t
	count  C.size_t // a field, not a local: a local passed to C escapes to the heap
}

// rclPublisherHandle reads the rcl handle rclgo keeps unexported. Pinned
// rclgo version; TestSerializedPublisherHandle fails loudly if it moves.
func rclPublisherHandle(p *rclgo.Publisher) (*C.rcl_publisher_t, error) {
	f := reflect.ValueOf(p).Elem().FieldByName("rcl_publisher_t")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("rclgo.Publisher has no rcl_publisher_t handle (rclgo version changed?)")
	}
	return (*C.rcl_publisher_t)(f.UnsafePointer()), nil
}

func newSerializedPublisher(p *rclgo.Publisher) (*serializedPublisher, error) {
	h, err := rclPublisherHandle(p)
	if err != nil {
		return nil, err
	}
	s := &serializedPublisher{pub: p, handle: h, msg: C.rmw_get_zero_initialized_serialized_message()}
	alloc := C.rcutils_get_default_allocator()
	if rc := C.rcutils_uint8_array_init(&s.msg, 64*1024, &alloc); rc != C.RCUTILS_RET_OK {
		return nil, fmt.Errorf("allocating serialized message buffer: rcutils error %d", int(rc))
	}
	return s, nil
}

// buffer returns the reusable buffer with room for n bytes, length 0.
func (s *serializedPublisher) buffer(n int) ([]byte, error) {
	if int(s.msg.buffer_capacity) < n {
		// Grow with headroom so size jitter (JPEG) does not realloc per frame.
		if rc := C.rcutils_uint8_array_resize(&s.msg, C.size_t(n+n/4)); rc != C.RCUTILS_RET_OK {
			return nil, fmt.Errorf("growing serialized message buffer to %d bytes: rcutils error %d", n, int(rc))
		}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(s.msg.buffer)), int(s.msg.buffer_capacity))[:0], nil
}

// publish sends the first len(b) bytes of b, which must be the slice buffer
// returned (and the encoder appended into without reallocating).
func (s *serializedPublisher) publish(b []byte) error {
	if len(b) == 0 || unsafe.Pointer(&b[0]) != unsafe.Pointer(s.msg.buffer) {
		return errors.New("serialized message was not written in place")
	}
	s.msg.buffer_length = C.size_t(len(b))
	if rc := C.rcl_publish_serialized_message(s.handle, &s.msg, nil); rc != C.RCL_RET_OK {
		return fmt.Errorf("publishing %d bytes on %s: rcl error %d: %s", len(b), s.pub.TopicName, int(rc), takeRCLError())
	}
	return nil
}

// subscribers is the matched subscription count, asked of rcl directly (no
// allocation, unlike rclgo's); on error it assumes one, so a transient
// failure never silently stops publishing.
func (s *serializedPublisher) subscribers() int {
	if rc := C.rcl_publisher_get_subscription_count(s.handle, &s.count); rc != C.RCL_RET_OK {
		C.rcutils_reset_error()
		return 1
	}
	return int(s.count)
}

func (s *serializedPublisher) Close() error {
	C.rcutils_uint8_array_fini(&s.msg)
	return s.pub.Close()
}
