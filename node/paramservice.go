package node

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tiiuae/rclgo/pkg/rclgo"
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	rcl_interfaces_msg "webcam/msgs/rcl_interfaces/msg"
	rcl_interfaces_srv "webcam/msgs/rcl_interfaces/srv"
	"webcam/rosparam"
)

// paramServer is the node's ROS 2 parameter interface: the six standard
// services, /parameter_events, and the hooks that apply changes live.
type paramServer struct {
	setMu     sync.Mutex // one change at a time: the table runs hooks outside its lock
	events    *rclgo.Publisher
	services  []*rclgo.Service
	httpApply func([]rosparam.Change) error // see SetHTTPApply
	httpMu    sync.Mutex
	topics    map[string]string // publishedTopics → fully resolved names

	controlsMu  sync.Mutex
	controlsSet map[string]bool // camera controls the user set: applied at each open
}

// parameterServicesQoS is rmw_qos_profile_parameters, which rclcpp's
// ParameterService uses: reliable, volatile, keep last 1000.
func parameterServicesQoS() rclgo.QosProfile {
	q := rclgo.NewDefaultServiceQosProfile()
	q.History, q.Depth = rclgo.HistoryKeepLast, 1000
	q.Reliability, q.Durability = rclgo.ReliabilityReliable, rclgo.DurabilityVolatile
	return q
}

// serve creates a service whose handler maps a typed request to a response.
func serve[Req types.Message](n *Node, name string, ts types.ServiceTypeSupport, qos rclgo.QosProfile, handle func(Req) types.Message) (*rclgo.Service, error) {
	s, err := n.rn.NewService(name, ts, &rclgo.ServiceOptions{Qos: qos},
		func(_ *rclgo.ServiceInfo, msg types.Message, out rclgo.ServiceResponseSender) {
			req, ok := msg.(Req)
			if !ok {
				n.log.Errorf("service %s: unexpected request type %T", name, msg)
				return
			}
			if err := out.SendResponse(handle(req)); err != nil {
				n.log.Warnf("service %s: sending the response: %v", name, err)
			}
		})
	if err != nil {
		return nil, fmt.Errorf("creating service %s: %w", name, err)
	}
	return s, nil
}

// startParameterServices creates ~/list_parameters, ~/get_parameters,
// ~/set_parameters, ~/set_parameters_atomically, ~/describe_parameters and
// ~/get_parameter_types, named "<node name>/<service>" as rclcpp names them
// (so namespaces and remaps apply the same way). They are served by Run.
func (n *Node) startParameterServices() error {
	qos := parameterServicesQoS()
	prefix := n.rn.Name() + "/"
	starts := []func() (*rclgo.Service, error){
		func() (*rclgo.Service, error) {
			return serve(n, prefix+"list_parameters", rcl_interfaces_srv.ListParametersTypeSupport, qos,
				func(r *rcl_interfaces_srv.ListParameters_Request) types.Message {
					names, prefixes := listParameters(n.params.Names(), r.Prefixes, r.Depth)
					return &rcl_interfaces_srv.ListParameters_Response{Result: rcl_interfaces_msg.ListParametersResult{Names: names, Prefixes: prefixes}}
				})
		},
		func() (*rclgo.Service, error) {
			return serve(n, prefix+"get_parameters", rcl_interfaces_srv.GetParametersTypeSupport, qos,
				func(r *rcl_interfaces_srv.GetParameters_Request) types.Message {
					return &rcl_interfaces_srv.GetParameters_Response{Values: n.getParameterValues(r.Names)}
				})
		},
		func() (*rclgo.Service, error) {
			return serve(n, prefix+"get_parameter_types", rcl_interfaces_srv.GetParameterTypesTypeSupport, qos,
				func(r *rcl_interfaces_srv.GetParameterTypes_Request) types.Message {
					out := &rcl_interfaces_srv.GetParameterTypes_Response{Types: make([]uint8, len(r.Names))}
					for i, v := range n.getParameterValues(r.Names) {
						out.Types[i] = v.Type
					}
					return out
				})
		},
		func() (*rclgo.Service, error) {
			return serve(n, prefix+"describe_parameters", rcl_interfaces_srv.DescribeParametersTypeSupport, qos,
				func(r *rcl_interfaces_srv.DescribeParameters_Request) types.Message {
					out := &rcl_interfaces_srv.DescribeParameters_Response{Descriptors: make([]rcl_interfaces_msg.ParameterDescriptor, len(r.Names))}
					for i, name := range r.Names {
						if s, ok := n.params.Spec(name); ok {
							out.Descriptors[i] = descriptor(s)
						} else {
							out.Descriptors[i] = undeclaredDescriptor(name)
						}
					}
					return out
				})
		},
		func() (*rclgo.Service, error) {
			return serve(n, prefix+"set_parameters", rcl_interfaces_srv.SetParametersTypeSupport, qos,
				func(r *rcl_interfaces_srv.SetParameters_Request) types.Message {
					// One result per parameter, each set on its own, as rclcpp does.
					out := &rcl_interfaces_srv.SetParameters_Response{Results: make([]rcl_interfaces_msg.SetParametersResult, len(r.Parameters))}
					for i, p := range r.Parameters {
						out.Results[i] = setResult(n.setParameters([]rcl_interfaces_msg.Parameter{p}))
					}
					return out
				})
		},
		func() (*rclgo.Service, error) {
			return serve(n, prefix+"set_parameters_atomically", rcl_interfaces_srv.SetParametersAtomicallyTypeSupport, qos,
				func(r *rcl_interfaces_srv.SetParametersAtomically_Request) types.Message {
					return &rcl_interfaces_srv.SetParametersAtomically_Response{Result: setResult(n.setParameters(r.Parameters))}
				})
		},
	}
	for _, start := range starts {
		s, err := start()
		if err != nil {
			return err
		}
		n.paramSrv.services = append(n.paramSrv.services, s)
	}
	return nil
}

// getParameterValues returns the values of names; PARAMETER_NOT_SET for a
// name the node does not have, so the answer keeps one value per name.
func (n *Node) getParameterValues(names []string) []rcl_interfaces_msg.ParameterValue {
	out := make([]rcl_interfaces_msg.ParameterValue, len(names))
	for i, name := range names {
		if v, ok := n.params.Get(name); ok {
			out[i] = toMsgValue(v)
		} else {
			out[i] = rcl_interfaces_msg.ParameterValue{Type: rcl_interfaces_msg.ParameterType_PARAMETER_NOT_SET}
		}
	}
	return out
}

// setParameters sets params all or none: validated by the table, then
// applied by the live hooks, which may refuse with a reason. A later value
// for the same name wins, as in rclcpp.
func (n *Node) setParameters(params []rcl_interfaces_msg.Parameter) error {
	if len(params) == 0 {
		return errors.New("parameter list cannot be empty")
	}
	vals := make(map[string]rosparam.Value, len(params))
	for _, p := range params {
		v := fromMsgValue(p.Value)
		if v.Type == rosparam.TypeNotSet {
			if s, ok := n.params.Spec(p.Name); ok {
				// rclcpp reads PARAMETER_NOT_SET as "undeclare", which a
				// statically typed parameter refuses.
				return fmt.Errorf("parameter '%s' cannot be unset: it is statically typed (%s)", p.Name, s.Default.Type)
			}
		}
		if s, ok := n.params.Spec(p.Name); ok && !typeAccepted(s, v) {
			return typeError(s, v)
		}
		vals[p.Name] = v
	}
	n.paramSrv.setMu.Lock()
	defer n.paramSrv.setMu.Unlock()
	return n.params.SetAtomically(vals)
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

// spin serves the node's services until ctx ends.
func (n *Node) spin(ctx context.Context) {
	if err := n.rn.Spin(ctx); err != nil && ctx.Err() == nil {
		n.log.Errorf("serving parameter and calibration services stopped: %v", err)
	}
}
