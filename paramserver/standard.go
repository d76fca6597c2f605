package paramserver

import (
	"fmt"

	"webcam/rclx"
	"webcam/rosparam"
)

// UseSimTime is declared by every rclcpp node; launch files set it for all
// nodes at once (/**), so it must not be an unknown parameter anywhere.
const UseSimTime = "use_sim_time"

// StandardSpecs are the parameters every rclcpp node has.
func StandardSpecs() []rosparam.Spec {
	return []rosparam.Spec{{Name: UseSimTime, Default: rosparam.Bool(false), ReadOnly: true,
		Description: "Declared as in every ROS 2 node so launch files can set it; frames are always stamped with the system clock at capture"}}
}

// QoS policy parameters, per topic, in rclcpp's QosOverridingOptions naming:
// qos_overrides.<fully resolved topic>.publisher.<policy>, with rmw's
// spellings of the values.
const (
	qosReliability = "reliability"
	qosDurability  = "durability"
	qosHistory     = "history"
	qosDepth       = "depth"
)

// QoSParamName is the parameter that overrides policy for the publisher of
// the fully resolved topic, e.g. qos_overrides./cam/image_raw.publisher.depth.
func QoSParamName(resolvedTopic, policy string) string {
	return "qos_overrides." + resolvedTopic + ".publisher." + policy
}

// QoSOverrideSpecs declares, read-only as rclcpp does, the four overridable
// policies of the publisher of each fully resolved topic, with def's values
// as defaults.
func QoSOverrideSpecs(resolvedTopics []string, def rclx.QoS) []rosparam.Spec {
	var specs []rosparam.Spec
	for _, name := range resolvedTopics {
		desc := func(policy, more string) string {
			// rclcpp's description, then what the values mean here.
			return fmt.Sprintf("qos policy {%s} for publisher {%s}. %s Set it at start-up (params file or -p).", policy, name, more)
		}
		specs = append(specs,
			rosparam.Spec{Name: QoSParamName(name, qosReliability), Default: rosparam.String(string(def.Reliability)), ReadOnly: true,
				Choices:     []string{string(rclx.Reliable), string(rclx.BestEffort), string(rclx.ReliabilityDefault)},
				Description: desc(qosReliability, "best_effort is the sensor_data choice; reliable subscribers (web_video_server, defaults) then get nothing.")},
			rosparam.Spec{Name: QoSParamName(name, qosDurability), Default: rosparam.String(string(def.Durability)), ReadOnly: true,
				Choices:     []string{string(rclx.Volatile), string(rclx.TransientLocal), string(rclx.DurabilitySysDefault)},
				Description: desc(qosDurability, "transient_local keeps the last depth messages for late subscribers.")},
			rosparam.Spec{Name: QoSParamName(name, qosHistory), Default: rosparam.String(string(def.History)), ReadOnly: true,
				Choices:     []string{string(rclx.KeepLast), string(rclx.KeepAll), string(rclx.HistorySysDefault)},
				Description: desc(qosHistory, "keep_all queues without bound for slow reliable subscribers.")},
			rosparam.Spec{Name: QoSParamName(name, qosDepth), Default: rosparam.Int(int64(def.Depth)), ReadOnly: true,
				Int:         &rosparam.IntRange{From: 1, To: 10000},
				Description: desc(qosDepth, "Queue depth with keep_last.")},
		)
	}
	return specs
}

// PublisherQoS is the profile the qos_overrides parameters of t give the
// publisher of resolvedTopic. Values were validated when t was loaded.
func PublisherQoS(t *rosparam.Table, resolvedTopic string) rclx.QoS {
	get := func(policy string) rosparam.Value { v, _ := t.Get(QoSParamName(resolvedTopic, policy)); return v }
	return rclx.QoS{
		Reliability: rclx.Reliability(get(qosReliability).Str),
		Durability:  rclx.Durability(get(qosDurability).Str),
		History:     rclx.History(get(qosHistory).Str),
		Depth:       int(get(qosDepth).Int),
	}
}
