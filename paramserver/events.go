package paramserver

import (
	"fmt"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	rcl_interfaces_msg "webcam/msgs/rcl_interfaces/msg"
	"webcam/rosparam"
)

// TopicParameterEvents is where every ROS 2 node announces its parameters.
const TopicParameterEvents = "/parameter_events"

// parameterEventsQoS is rclcpp's ParameterEventsQoS
// (rmw_qos_profile_parameter_events): reliable, volatile, keep last 1000.
func parameterEventsQoS() rclgo.QosProfile {
	q := rclgo.NewDefaultQosProfile()
	q.History, q.Depth = rclgo.HistoryKeepLast, 1000
	q.Reliability, q.Durability = rclgo.ReliabilityReliable, rclgo.DurabilityVolatile
	return q
}

// startEvents creates the /parameter_events publisher, announces every
// declared parameter as rclcpp's declare_parameter does (one event per
// parameter, in new_parameters), and publishes each accepted change from
// now on in changed_parameters.
func (s *Server) startEvents() error {
	pub, err := s.node.NewPublisher(TopicParameterEvents, rcl_interfaces_msg.ParameterEventTypeSupport,
		&rclgo.PublisherOptions{Qos: parameterEventsQoS()})
	if err != nil {
		return fmt.Errorf("publisher %s: %w", TopicParameterEvents, err)
	}
	s.events = pub
	for _, name := range s.params.Names() {
		v, _ := s.params.Get(name)
		s.publishEvent(&rcl_interfaces_msg.ParameterEvent{
			NewParameters: []rcl_interfaces_msg.Parameter{{Name: name, Value: toMsgValue(v)}},
		})
	}
	s.params.OnChanged(func(changes []rosparam.Change) {
		s.publishEvent(changedEvent(changes))
	})
	return nil
}

// changedEvent lists a committed batch of changes, as one event: a
// parameter declared while the node runs in new_parameters, one undeclared
// in deleted_parameters (rosparam.Change.Declared), the others in
// changed_parameters, as rclcpp's declare and undeclare announce them.
func changedEvent(changes []rosparam.Change) *rcl_interfaces_msg.ParameterEvent {
	ev := &rcl_interfaces_msg.ParameterEvent{}
	for _, c := range changes {
		p := rcl_interfaces_msg.Parameter{Name: c.Name, Value: toMsgValue(c.New)}
		switch {
		case c.Declared && c.Old.Type == rosparam.TypeNotSet:
			ev.NewParameters = append(ev.NewParameters, p)
		case c.Declared && c.New.Type == rosparam.TypeNotSet:
			ev.DeletedParameters = append(ev.DeletedParameters, p)
		default:
			ev.ChangedParameters = append(ev.ChangedParameters, p)
		}
	}
	return ev
}

// publishEvent stamps ev with the node's name and the time.
func (s *Server) publishEvent(ev *rcl_interfaces_msg.ParameterEvent) {
	ev.Node = s.node.FullyQualifiedName()
	ev.Stamp = rosTime(time.Now())
	if err := s.events.Publish(ev); err != nil {
		s.log.Warn(fmt.Sprintf("publishing %s: %v", TopicParameterEvents, err))
	}
}
