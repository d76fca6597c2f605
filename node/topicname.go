package node

/*
#cgo LDFLAGS: -lrcl -lrcutils
#include <stdio.h>
#include <stdlib.h>
#include <rcl/arguments.h>
#include <rcl/error_handling.h>
#include <rcl/expand_topic_name.h>
#include <rcl/remap.h>
#include <rcutils/types/string_map.h>

static void topic_rcl_error(char *out, size_t n) { snprintf(out, n, "%s", rcutils_get_error_string().str); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// resolveTopicNames returns the names the node's publishers of topics get,
// as rcl_node_resolve_name makes them: expanded against the node's name and
// namespace, then remapped by the global -r rules of rosArgs (the arguments
// after --ros-args). rclcpp names the qos_overrides parameters after these.
// rclgo does not expose the node handle rcl's own function needs, so this
// repeats its two steps with the same rcl calls.
func resolveTopicNames(rosArgs []string, nodeName, namespace string, topics []string) (map[string]string, error) {
	parsed, err := parseRCLArgs(rosArgs)
	if err != nil {
		return nil, fmt.Errorf("parsing --ros-args for topic remaps: %v", err)
	}
	defer parsed.close()
	args := parsed.parsed
	alloc := C.rcl_get_default_allocator()

	subs := C.rcutils_get_zero_initialized_string_map()
	if rc := C.rcutils_string_map_init(&subs, 0, alloc); rc != C.RCUTILS_RET_OK {
		return nil, fmt.Errorf("rcutils_string_map_init: %s", takeRCLError())
	}
	defer C.rcutils_string_map_fini(&subs)
	if rc := C.rcl_get_default_topic_name_substitutions(&subs); rc != C.RCL_RET_OK {
		return nil, fmt.Errorf("rcl_get_default_topic_name_substitutions: %s", takeRCLError())
	}

	cNode, cNS := C.CString(nodeName), C.CString(namespace)
	defer C.free(unsafe.Pointer(cNode))
	defer C.free(unsafe.Pointer(cNS))
	out := make(map[string]string, len(topics))
	for _, topic := range topics {
		cTopic := C.CString(topic)
		var expanded, remapped *C.char
		rc := C.rcl_expand_topic_name(cTopic, cNode, cNS, &subs, alloc, &expanded)
		C.free(unsafe.Pointer(cTopic))
		if rc != C.RCL_RET_OK {
			return nil, fmt.Errorf("expanding topic name %q: %s", topic, takeRCLError())
		}
		rc = C.rcl_remap_topic_name(nil, args, expanded, cNode, cNS, alloc, &remapped)
		name := C.GoString(expanded)
		C.free(unsafe.Pointer(expanded))
		if rc != C.RCL_RET_OK {
			return nil, fmt.Errorf("remapping topic name %q: %s", topic, takeRCLError())
		}
		if remapped != nil {
			name = C.GoString(remapped)
			C.free(unsafe.Pointer(remapped))
		}
		out[topic] = name
	}
	return out, nil
}

// takeRCLError returns and clears rcl's error message.
func takeRCLError() string {
	var buf [1024]C.char
	C.topic_rcl_error(&buf[0], C.size_t(len(buf)))
	C.rcutils_reset_error()
	return C.GoString(&buf[0])
}
