package node

/*
#cgo LDFLAGS: -lrcl -lrcl_yaml_param_parser -lrcutils
#include <stdlib.h>
#include <rcl/arguments.h>
#include <rcl/error_handling.h>
#include <rcl_yaml_param_parser/parser.h>
#include <rcl_yaml_param_parser/types.h>

static char *unparsed_at(int *idx, char **argv, int i) { return argv[idx[i]]; }
*/
import "C"

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unsafe"

	"webcam/rosparam"
)

// RosArgs is what this node takes from the --ros-args of its command line, as
// rcl parses them: parameter overrides, in rclcpp's precedence.
type RosArgs struct {
	// sections are the node-name patterns and parameter values of
	// --params-file files and -p rules, in the order rcl stored them.
	sections []paramSection
	// cli holds -p name:=value rules, which win over any params file.
	cli []paramSection
}

type paramSection struct {
	node   string
	params map[string]rosparam.Value
	order  []string
}

// ExtractRosArgs returns the arguments between --ros-args and -- (or the end),
// and the other arguments, as rclgo.ParseArgs splits them.
func ExtractRosArgs(args []string) (ros, rest []string) {
	in := false
	for _, a := range args {
		switch {
		case a == "--ros-args":
			in = true
		case in && a == "--":
			in = false
		case in:
			ros = append(ros, a)
		default:
			rest = append(rest, a)
		}
	}
	return ros, rest
}

// ParseRosArgs parses ROS arguments (without the --ros-args marker) with rcl.
// Unknown ROS arguments and malformed rules are errors naming them.
func ParseRosArgs(ros []string) (*RosArgs, error) {
	a, err := parseRCLArgs(ros)
	if err != nil {
		return nil, fmt.Errorf("bad --ros-args %q: %v", strings.Join(ros, " "), err)
	}
	defer a.close()
	parsed, argv := a.parsed, a.argv

	if n := int(C.rcl_arguments_get_count_unparsed_ros(parsed)); n > 0 {
		var idx *C.int
		C.rcl_arguments_get_unparsed_ros(parsed, C.rcl_get_default_allocator(), &idx)
		bad := make([]string, n)
		for i := range n {
			bad[i] = C.GoString(C.unparsed_at(idx, &argv[0], C.int(i)))
		}
		C.free(unsafe.Pointer(idx))
		return nil, fmt.Errorf("unknown --ros-args %q (allowed: -r/--remap, -p/--param, --params-file, --log-level, --enclave, -e, --log-config-file, --[disable-]stdout-logs, --[disable-]rosout-logs, --[disable-]external-lib-logs)", bad)
	}

	out := &RosArgs{}
	var params *C.rcl_params_t
	if rc := C.rcl_arguments_get_param_overrides(parsed, &params); rc != C.RCL_RET_OK {
		C.rcutils_reset_error()
		return nil, errors.New("rcl could not return the parameter overrides")
	}
	if params != nil {
		out.sections = convertParams(params)
		C.rcl_yaml_node_struct_fini(params)
	}
	cli, err := parseCLIParams(ros)
	if err != nil {
		return nil, err
	}
	out.cli = cli
	return out, nil
}

// parseCLIParams re-reads -p rules on their own, typed by rcl's YAML value
// parser, so they can be applied after every params file.
func parseCLIParams(ros []string) ([]paramSection, error) {
	st := C.rcl_yaml_node_struct_init(C.rcl_get_default_allocator())
	if st == nil {
		return nil, errors.New("rcl_yaml_node_struct_init failed")
	}
	defer C.rcl_yaml_node_struct_fini(st)
	wild := C.CString("/**")
	defer C.free(unsafe.Pointer(wild))
	for i := 0; i+1 < len(ros); i++ {
		if ros[i] != "-p" && ros[i] != "--param" {
			continue
		}
		name, value, ok := strings.Cut(ros[i+1], ":=")
		if !ok {
			continue // rcl already rejected it
		}
		cname, cval := C.CString(name), C.CString(value)
		okParse := C.rcl_parse_yaml_value(wild, cname, cval, st)
		C.free(unsafe.Pointer(cname))
		C.free(unsafe.Pointer(cval))
		if !okParse {
			C.rcutils_reset_error()
			return nil, fmt.Errorf("bad parameter value -p %s", ros[i+1])
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
			n := C.GoString(names[j])
			sec.params[n] = v
			sec.order = append(sec.order, n)
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
		a := unsafe.Slice(v.bool_array_value.values, v.bool_array_value.size)
		out := make([]bool, len(a))
		for i, x := range a {
			out[i] = bool(x)
		}
		return rosparam.Value{Type: rosparam.TypeBoolArray, BoolArray: out}, true
	case v.integer_array_value != nil:
		a := unsafe.Slice(v.integer_array_value.values, v.integer_array_value.size)
		out := make([]int64, len(a))
		for i, x := range a {
			out[i] = int64(x)
		}
		return rosparam.Value{Type: rosparam.TypeIntegerArray, IntArray: out}, true
	case v.double_array_value != nil:
		a := unsafe.Slice(v.double_array_value.values, v.double_array_value.size)
		out := make([]float64, len(a))
		for i, x := range a {
			out[i] = float64(x)
		}
		return rosparam.Doubles(out...), true
	case v.string_array_value != nil:
		a := unsafe.Slice(v.string_array_value.data, v.string_array_value.size)
		out := make([]string, len(a))
		for i, x := range a {
			out[i] = C.GoString(x)
		}
		return rosparam.Strings(out...), true
	}
	return rosparam.Value{}, false
}

// Overrides returns the parameter values that apply to the node with the
// fully qualified name fqn: matching params-file sections in order ("/**",
// "/*/name", "/ns/name" …, later wins), then -p rules.
func (a *RosArgs) Overrides(fqn string) map[string]rosparam.Value {
	out := map[string]rosparam.Value{}
	for _, group := range [][]paramSection{a.sections, a.cli} {
		for _, s := range group {
			if !nodeNameMatches(s.node, fqn) {
				continue
			}
			for _, n := range s.order {
				out[n] = s.params[n]
			}
		}
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

// rclArgs is a command line parsed by rcl. rcl keeps indices into argv, so
// argv lives as long as parsed; close frees both.
type rclArgs struct {
	argv   []*C.char
	parsed *C.rcl_arguments_t // its own allocation: cgo refuses pointers into a struct holding Go pointers
}

// parseRCLArgs parses ROS arguments (without the --ros-args marker).
func parseRCLArgs(ros []string) (*rclArgs, error) {
	a := &rclArgs{argv: make([]*C.char, 0, len(ros)+1), parsed: new(C.rcl_arguments_t)}
	*a.parsed = C.rcl_get_zero_initialized_arguments()
	a.argv = append(a.argv, C.CString("--ros-args"))
	for _, s := range ros {
		a.argv = append(a.argv, C.CString(s))
	}
	if rc := C.rcl_parse_arguments(C.int(len(a.argv)), &a.argv[0], C.rcl_get_default_allocator(), a.parsed); rc != C.RCL_RET_OK {
		msg := takeRCLError()
		a.freeArgv()
		return nil, errors.New(msg)
	}
	return a, nil
}

func (a *rclArgs) close() {
	C.rcl_arguments_fini(a.parsed)
	a.freeArgv()
}

func (a *rclArgs) freeArgv() {
	for _, p := range a.argv {
		C.free(unsafe.Pointer(p))
	}
	a.argv = nil
}
