package node

import (
	"fmt"

	"webcam/rosparam"
)

// loadParameters declares the node's parameters, with the qos_overrides of
// its topics under their resolved names, and sets them from the command
// line's params files and -p rules (rclcpp's precedence). Unknown names are
// logged as warnings; a bad value is an error naming it.
func (n *Node) loadParameters(rosArgs []string, parsed *RosArgs) error {
	topics, err := resolveTopicNames(rosArgs, n.rn.Name(), n.rn.Namespace(), publishedTopics)
	if err != nil {
		return err
	}
	n.paramSrv.topics = topics
	specs := append(ParamSpecs(), rclcppStandardSpecs()...)
	t, err := rosparam.NewTable(append(specs, qosOverrideSpecs(topics)...))
	if err != nil {
		return fmt.Errorf("parameter table: %w", err) // a bug in the specs
	}
	n.params = t
	overrides := parsed.Overrides(n.rn.FullyQualifiedName())
	warnings, err := t.Load(overrides)
	for _, w := range warnings {
		n.log.Warn(w)
	}
	if err != nil {
		return err
	}
	for _, s := range controlSpecs {
		if _, ok := overrides[s.Name]; ok {
			n.paramSrv.markControlSet(s.Name)
		}
	}
	if flag(t, pUseSimTime) {
		n.log.Warnf("%s is true, but frames are stamped with the system clock at capture: a camera has no simulated time", pUseSimTime)
	}
	return nil
}

// pUseSimTime is declared by every rclcpp node; launch files set it for all
// nodes at once (/**), so it must not be an unknown parameter here.
const pUseSimTime = "use_sim_time"

// rclcppStandardSpecs are the parameters every rclcpp node has.
func rclcppStandardSpecs() []rosparam.Spec {
	return []rosparam.Spec{{Name: pUseSimTime, Default: rosparam.Bool(false), ReadOnly: true,
		Description: "Declared as in every ROS 2 node so launch files can set it; frames are always stamped with the system clock at capture"}}
}

// startParameterInterface makes the parameters reachable over ROS and live:
// calibration and set_camera_info, /parameter_events (announcing every
// parameter), the hooks that apply changes, and the six parameter services.
// Run serves the services.
func (n *Node) startParameterInterface() error {
	if err := n.startCalibration(); err != nil {
		return err
	}
	n.registerLiveApply()
	if err := n.startParameterEvents(); err != nil {
		return err
	}
	for _, topic := range publishedTopics {
		n.log.Infof("publisher %s: QoS %s", n.paramSrv.topics[topic], qosString(publisherQoS(n.params, n.paramSrv.topics[topic])))
	}
	return n.startParameterServices()
}

// SetHTTPApply installs fn to apply run-time changes of the http_*
// parameters (the HTTP viewer's owner restarts or reconfigures it there).
// fn sees the batch before it is committed; an error refuses the whole
// batch with that reason and the old values stay. Until fn is installed,
// such changes are refused.
func (n *Node) SetHTTPApply(fn func(changes []rosparam.Change) error) {
	n.paramSrv.httpMu.Lock()
	n.paramSrv.httpApply = fn
	n.paramSrv.httpMu.Unlock()
}
