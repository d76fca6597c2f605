package rclx

/*
#cgo LDFLAGS: -lrcl -lrcl_yaml_param_parser -lrcutils
#include <stdlib.h>
#include <rcl/arguments.h>
#include <rcl/context.h>
#include <rcl/node.h>
#include <rcl/remap.h>
#include <rcl_yaml_param_parser/parser.h>
#include <rcl_yaml_param_parser/types.h>

void rclx_take_error(char *out, size_t n);
*/
import "C"

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"unsafe"

	"webcam/rosparam"
)

// paramSection is one node-name pattern of a params file or -p rules, with
// its values in the order rcl stored them.
type paramSection struct {
	node   string
	params map[string]rosparam.Value
	order  []string
}

// ParamOverrides returns the parameter values the command line gives the
// node called fqn, in rclcpp's precedence: matching sections of the params
// files in order ("/**", "/*/name", "/ns/name" …, later wins), then -p
// rules, which win over any file. The files were parsed by rcl with the
// command line (ParseArgs); nothing is parsed again but the -p values.
func (a *Args) ParamOverrides(fqn string) (map[string]rosparam.Value, error) {
	parsed, release, err := argsHandle(a.rcl)
	if err != nil {
		return nil, err
	}
	defer release()
	var params *C.rcl_params_t
	if err := check("reading parameter overrides", func() C.rcl_ret_t {
		return C.rcl_arguments_get_param_overrides(parsed, &params)
	}); err != nil {
		return nil, err
	}
	var files []paramSection
	if params != nil {
		files = convertParams(params)
		C.rcl_yaml_node_struct_fini(params)
	}
	cli, err := parseCLIParams(a.ROS)
	if err != nil {
		return nil, err
	}
	return overridesFor(fqn, files, cli), nil
}

// FullyQualifiedName is the name a node created as name gets once the -r
// rules (__node, __ns) apply: what Start's node will be called.
func (a *Args) FullyQualifiedName(name string) (string, error) {
	parsed, release, err := argsHandle(a.rcl)
	if err != nil {
		return "", err
	}
	defer release()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var node, ns *C.char
	if err := check("remapping the node name", func() C.rcl_ret_t {
		return C.rcl_remap_node_name(nil, parsed, cname, C.rcl_get_default_allocator(), &node)
	}); err != nil {
		return "", err
	}
	if node != nil {
		name = C.GoString(node)
		C.free(unsafe.Pointer(node))
	}
	cname2 := C.CString(name)
	defer C.free(unsafe.Pointer(cname2))
	if err := check("remapping the namespace", func() C.rcl_ret_t {
		return C.rcl_remap_node_namespace(nil, parsed, cname2, C.rcl_get_default_allocator(), &ns)
	}); err != nil {
		return "", err
	}
	namespace := "/"
	if ns != nil {
		namespace = C.GoString(ns)
		C.free(unsafe.Pointer(ns))
	}
	return strings.TrimSuffix(namespace, "/") + "/" + name, nil
}

// checkUnknown refuses ROS arguments rcl did not recognise, before
// anything starts.
func (a *Args) checkUnknown() error {
	ga, release, err := argsHandle(a.rcl)
	if err != nil {
		return err
	}
	defer release()
	count := int(C.rcl_arguments_get_count_unparsed_ros(ga))
	if count <= 0 {
		return nil
	}
	var idx *C.int
	if err := check("listing unknown --ros-args", func() C.rcl_ret_t {
		return C.rcl_arguments_get_unparsed_ros(ga, C.rcl_get_default_allocator(), &idx)
	}); err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(idx))
	// rcl's indices count from the --ros-args marker ParseArgs put first.
	argv := append([]string{"--ros-args"}, a.ROS...)
	var bad []string
	for _, j := range unsafe.Slice(idx, count) {
		if int(j) >= 0 && int(j) < len(argv) {
			bad = append(bad, argv[j])
		}
	}
	return fmt.Errorf("unknown --ros-args %q (allowed: -r/--remap, -p/--param, --params-file, --log-level, --enclave, -e, --log-config-file, --[disable-]stdout-logs, --[disable-]rosout-logs, --[disable-]external-lib-logs)", strings.Join(bad, " "))
}

func overridesFor(fqn string, groups ...[]paramSection) map[string]rosparam.Value {
	out := map[string]rosparam.Value{}
	for _, group := range groups {
		for _, s := range group {
			if !nodeNameMatches(s.node, fqn) {
				continue
			}
			for _, name := range s.order {
				out[name] = s.params[name]
			}
		}
	}
	return out
}

// parseCLIParams reads the -p rules on their own, typed by rcl's YAML value
// parser, so they can be applied after every params file.
func parseCLIParams(ros []string) ([]paramSection, error) {
	st := C.rcl_yaml_node_struct_init(C.rcl_get_default_allocator())
	if st == nil {
		return nil, errors.New("rcl_yaml_node_struct_init failed")
	}
	defer C.rcl_yaml_node_struct_fini(st)
	wild := C.CString("/**")
	defer C.free(unsafe.Pointer(wild))
	runtime.LockOSThread() // the error text is per thread
	defer runtime.UnlockOSThread()
	for i := 0; i+1 < len(ros); i++ {
		if ros[i] != "-p" && ros[i] != "--param" {
			continue
		}
		name, value, ok := strings.Cut(ros[i+1], ":=")
		if !ok {
			continue // rcl already rejected it
		}
		cname, cval := C.CString(name), C.CString(value)
		parsed := C.rcl_parse_yaml_value(wild, cname, cval, st)
		C.free(unsafe.Pointer(cname))
		C.free(unsafe.Pointer(cval))
		if !parsed {
			var buf errBuf
			C.rclx_take_error(&buf[0], C.size_t(len(buf)))
			return nil, fmt.Errorf("bad parameter value -p %s: %s", ros[i+1], buf.String())
		}
	}
	return convertParams(st), nil
}

func convertParams(p *C.rcl_params_t) []paramSection {
	nodes := unsafe.Slice(p.node_names, p.num_nodes)
	nparams := unsafe.Slice(p.params, p.num_nodes)
	out := make([]paramSection, 0, len(nodes))
	for i := range nodes {
		sec := paramSection{node: C.GoString(nodes[i]), params: map[string]rosparam.Value{}}
		np := nparams[i]
		names := unsafe.Slice(np.parameter_names, np.num_params)
		vals := unsafe.Slice(np.parameter_values, np.num_params)
		for j := range names {
			v, ok := convertVariant(&vals[j])
			if !ok {
				continue
			}
			name := C.GoString(names[j])
			sec.params[name] = v
			sec.order = append(sec.order, name)
		}
		out = append(out, sec)
	}
	return out
}

func convertVariant(v *C.rcl_variant_t) (rosparam.Value, bool) {
	switch {
	case v.bool_value != nil:
		return rosparam.Bool(bool(*v.bool_value)), true
	case v.integer_value != nil:
		return rosparam.Int(int64(*v.integer_value)), true
	case v.double_value != nil:
		return rosparam.Double(float64(*v.double_value)), true
	case v.string_value != nil:
		return rosparam.String(C.GoString(v.string_value)), true
	case v.byte_array_value != nil:
		a := v.byte_array_value
		return rosparam.Value{Type: rosparam.TypeByteArray, Bytes: C.GoBytes(unsafe.Pointer(a.values), C.int(a.size))}, true
	case v.bool_array_value != nil:
		return rosparam.Value{Type: rosparam.TypeBoolArray, BoolArray: convertSlice(v.bool_array_value.values, v.bool_array_value.size, func(x C.bool) bool { return bool(x) })}, true
	case v.integer_array_value != nil:
		return rosparam.Value{Type: rosparam.TypeIntegerArray, IntArray: convertSlice(v.integer_array_value.values, v.integer_array_value.size, func(x C.int64_t) int64 { return int64(x) })}, true
	case v.double_array_value != nil:
		return rosparam.Doubles(convertSlice(v.double_array_value.values, v.double_array_value.size, func(x C.double) float64 { return float64(x) })...), true
	case v.string_array_value != nil:
		return rosparam.Strings(convertSlice(v.string_array_value.data, v.string_array_value.size, func(x *C.char) string { return C.GoString(x) })...), true
	}
	return rosparam.Value{}, false
}

func convertSlice[T, G any](p *T, n C.size_t, conv func(T) G) []G {
	src := unsafe.Slice(p, n)
	out := make([]G, len(src))
	for i, x := range src {
		out[i] = conv(x)
	}
	return out
}

// nodeNameMatches applies rclcpp's node-name wildcards: "*" is one name
// token, "**" any number of them; a name without a leading "/" is absolute.
func nodeNameMatches(pattern, fqn string) bool {
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/" + pattern
	}
	var re strings.Builder
	re.WriteString("^")
	for _, tok := range strings.Split(pattern[1:], "/") {
		switch tok {
		case "**":
			re.WriteString("(/[^/]+)*")
		case "*":
			re.WriteString("/[^/]+")
		default:
			re.WriteString("/" + regexp.QuoteMeta(tok))
		}
	}
	re.WriteString("$")
	ok, _ := regexp.MatchString(re.String(), fqn)
	return ok
}
