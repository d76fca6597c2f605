package paramserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	builtin_interfaces_msg "webcam/msgs/builtin_interfaces/msg"
	rcl_interfaces_msg "webcam/msgs/rcl_interfaces/msg"
	rcl_interfaces_srv "webcam/msgs/rcl_interfaces/srv"
	"webcam/rosparam"
)

// Server serves a table's parameters on a node. The node's Spin runs the
// services.
type Server struct {
	node   *rclgo.Node
	params *rosparam.Table
	log    *slog.Logger
	setMu  sync.Mutex // one change at a time: the table runs hooks outside its lock
	events *rclgo.Publisher
}

// New announces every parameter of t on /parameter_events, publishes each
// accepted change there from now on, and creates the six services.
func New(node *rclgo.Node, t *rosparam.Table, log *slog.Logger) (*Server, error) {
	s := &Server{node: node, params: t, log: log}
	if err := s.startEvents(); err != nil {
		return nil, err
	}
	if err := s.startServices(); err != nil {
		return nil, err
	}
	return s, nil
}

// Spin serves the node's services (these and any other the node has) until
// ctx ends.
func Spin(ctx context.Context, node *rclgo.Node, log *slog.Logger) {
	if err := node.Spin(ctx); err != nil && ctx.Err() == nil {
		log.Error(fmt.Sprintf("serving the node's services stopped: %v", err))
	}
}

// parameterServicesQoS is rmw_qos_profile_parameters, which rclcpp's
// ParameterService uses: reliable, volatile, keep last 1000.
func parameterServicesQoS() rclgo.QosProfile {
	q := rclgo.NewDefaultServiceQosProfile()
	q.History, q.Depth = rclgo.HistoryKeepLast, 1000
	q.Reliability, q.Durability = rclgo.ReliabilityReliable, rclgo.DurabilityVolatile
	return q
}

// Serve creates a service whose handler maps a typed request to a response.
func Serve[Req types.Message](node *rclgo.Node, log *slog.Logger, name string, ts types.ServiceTypeSupport, qos rclgo.QosProfile, handle func(Req) types.Message) (*rclgo.Service, error) {
	s, err := node.NewService(name, ts, &rclgo.ServiceOptions{Qos: qos},
		func(_ *rclgo.ServiceInfo, msg types.Message, out rclgo.ServiceResponseSender) {
			req, ok := msg.(Req)
			if !ok {
				log.Error(fmt.Sprintf("service %s: unexpected request type %T", name, msg))
				return
			}
			if err := out.SendResponse(handle(req)); err != nil {
				log.Warn(fmt.Sprintf("service %s: sending the response: %v", name, err))
			}
		})
	if err != nil {
		return nil, fmt.Errorf("creating service %s: %w", name, err)
	}
	return s, nil
}

// startServices creates ~/list_parameters, ~/get_parameters,
// ~/set_parameters, ~/set_parameters_atomically, ~/describe_parameters and
// ~/get_parameter_types, named "<node name>/<service>" as rclcpp names them
// (so namespaces and remaps apply the same way).
func (s *Server) startServices() error {
	qos := parameterServicesQoS()
	prefix := s.node.Name() + "/"
	starts := []func() (*rclgo.Service, error){
		func() (*rclgo.Service, error) {
			return Serve(s.node, s.log, prefix+"list_parameters", rcl_interfaces_srv.ListParametersTypeSupport, qos, s.list)
		},
		func() (*rclgo.Service, error) {
			return Serve(s.node, s.log, prefix+"get_parameters", rcl_interfaces_srv.GetParametersTypeSupport, qos, s.get)
		},
		func() (*rclgo.Service, error) {
			return Serve(s.node, s.log, prefix+"get_parameter_types", rcl_interfaces_srv.GetParameterTypesTypeSupport, qos, s.getTypes)
		},
		func() (*rclgo.Service, error) {
			return Serve(s.node, s.log, prefix+"describe_parameters", rcl_interfaces_srv.DescribeParametersTypeSupport, qos, s.describe)
		},
		func() (*rclgo.Service, error) {
			return Serve(s.node, s.log, prefix+"set_parameters", rcl_interfaces_srv.SetParametersTypeSupport, qos, s.set)
		},
		func() (*rclgo.Service, error) {
			return Serve(s.node, s.log, prefix+"set_parameters_atomically", rcl_interfaces_srv.SetParametersAtomicallyTypeSupport, qos, s.setAtomically)
		},
	}
	for _, start := range starts {
		if _, err := start(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) list(r *rcl_interfaces_srv.ListParameters_Request) types.Message {
	names, prefixes := listParameters(s.params.Names(), r.Prefixes, r.Depth)
	return &rcl_interfaces_srv.ListParameters_Response{Result: rcl_interfaces_msg.ListParametersResult{Names: names, Prefixes: prefixes}}
}

func (s *Server) get(r *rcl_interfaces_srv.GetParameters_Request) types.Message {
	return &rcl_interfaces_srv.GetParameters_Response{Values: s.values(r.Names)}
}

func (s *Server) getTypes(r *rcl_interfaces_srv.GetParameterTypes_Request) types.Message {
	out := &rcl_interfaces_srv.GetParameterTypes_Response{Types: make([]uint8, len(r.Names))}
	for i, v := range s.values(r.Names) {
		out.Types[i] = v.Type
	}
	return out
}

func (s *Server) describe(r *rcl_interfaces_srv.DescribeParameters_Request) types.Message {
	out := &rcl_interfaces_srv.DescribeParameters_Response{Descriptors: make([]rcl_interfaces_msg.ParameterDescriptor, len(r.Names))}
	for i, name := range r.Names {
		if spec, ok := s.params.Spec(name); ok {
			out.Descriptors[i] = descriptor(spec)
		} else {
			out.Descriptors[i] = undeclaredDescriptor(name)
		}
	}
	return out
}

// set answers one result per parameter, each set on its own, as rclcpp does.
func (s *Server) set(r *rcl_interfaces_srv.SetParameters_Request) types.Message {
	out := &rcl_interfaces_srv.SetParameters_Response{Results: make([]rcl_interfaces_msg.SetParametersResult, len(r.Parameters))}
	for i, p := range r.Parameters {
		out.Results[i] = setResult(s.Set([]rcl_interfaces_msg.Parameter{p}))
	}
	return out
}

func (s *Server) setAtomically(r *rcl_interfaces_srv.SetParametersAtomically_Request) types.Message {
	return &rcl_interfaces_srv.SetParametersAtomically_Response{Result: setResult(s.Set(r.Parameters))}
}

// values returns the values of names; PARAMETER_NOT_SET for a name the node
// does not have, so the answer keeps one value per name.
func (s *Server) values(names []string) []rcl_interfaces_msg.ParameterValue {
	out := make([]rcl_interfaces_msg.ParameterValue, len(names))
	for i, name := range names {
		if v, ok := s.params.Get(name); ok {
			out[i] = toMsgValue(v)
		} else {
			out[i] = rcl_interfaces_msg.ParameterValue{Type: rcl_interfaces_msg.ParameterType_PARAMETER_NOT_SET}
		}
	}
	return out
}

// Set sets params all or none: validated by the table, then applied by its
// live hooks, which may refuse with a reason. A later value for the same
// name wins, as in rclcpp.
func (s *Server) Set(params []rcl_interfaces_msg.Parameter) error {
	if len(params) == 0 {
		return errors.New("parameter list cannot be empty")
	}
	vals := make(map[string]rosparam.Value, len(params))
	for _, p := range params {
		v := fromMsgValue(p.Value)
		spec, declared := s.params.Spec(p.Name)
		if declared && v.Type == rosparam.TypeNotSet {
			// rclcpp reads PARAMETER_NOT_SET as "undeclare", which a
			// statically typed parameter refuses.
			return fmt.Errorf("parameter '%s' cannot be unset: it is statically typed (%s)", p.Name, spec.Default.Type)
		}
		if declared && !typeAccepted(spec, v) {
			return typeError(spec, v)
		}
		vals[p.Name] = v
	}
	s.setMu.Lock()
	defer s.setMu.Unlock()
	return s.params.SetAtomically(vals)
}

// typeAccepted mirrors the table's coercion: the declared type, or an
// integer (array) for a double (array), as ros2 param set users expect.
func typeAccepted(s rosparam.Spec, v rosparam.Value) bool {
	want := s.Default.Type
	return v.Type == want ||
		want == rosparam.TypeDouble && v.Type == rosparam.TypeInteger ||
		want == rosparam.TypeDoubleArray && v.Type == rosparam.TypeIntegerArray
}

// typeError names the parameter's type and, where it has them, its allowed
// values, so one answer tells the user what to send instead.
func typeError(s rosparam.Spec, v rosparam.Value) error {
	allowed := ""
	if c := s.Constraints(); c != "" {
		allowed = " (allowed: " + c + ")"
	}
	return fmt.Errorf("parameter '%s' is of type %s%s; %s %s is not allowed", s.Name, s.Default.Type, allowed, v.Type, v)
}

func setResult(err error) rcl_interfaces_msg.SetParametersResult {
	if err != nil {
		return rcl_interfaces_msg.SetParametersResult{Successful: false, Reason: err.Error()}
	}
	return rcl_interfaces_msg.SetParametersResult{Successful: true}
}

// rosTime converts a wall-clock time to builtin_interfaces/Time (the ROS
// system clock is the Unix epoch clock).
func rosTime(t time.Time) builtin_interfaces_msg.Time {
	ns := t.UnixNano()
	return builtin_interfaces_msg.Time{Sec: int32(ns / 1e9), Nanosec: uint32(ns % 1e9)}
}
