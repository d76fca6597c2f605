package node

import (
	"fmt"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/rosparam"
)

// publishedTopics are the topics whose publisher QoS can be overridden.
var publishedTopics = []string{TopicImage, TopicCompressed, TopicInfo}

// defaultImageDepth keeps only the newest frames: a deep queue is stale video.
const defaultImageDepth = 2

// QoS policy parameters, per topic, in rclcpp's QosOverridingOptions naming:
// qos_overrides.<fully resolved topic>.publisher.<policy>, with rmw's
// spellings of the values.
const (
	qosReliability = "reliability"
	qosDurability  = "durability"
	qosHistory     = "history"
	qosDepth       = "depth"
)

var (
	reliabilityValues = map[string]rclgo.ReliabilityPolicy{
		"reliable": rclgo.ReliabilityReliable, "best_effort": rclgo.ReliabilityBestEffort, "system_default": rclgo.ReliabilitySystemDefault}
	durabilityValues = map[string]rclgo.DurabilityPolicy{
		"volatile": rclgo.DurabilityVolatile, "transient_local": rclgo.DurabilityTransientLocal, "system_default": rclgo.DurabilitySystemDefault}
	historyValues = map[string]rclgo.HistoryPolicy{
		"keep_last": rclgo.HistoryKeepLast, "keep_all": rclgo.HistoryKeepAll, "system_default": rclgo.HistorySystemDefault}
)

// qosParamName is the parameter that overrides policy for the publisher of
// the fully resolved topic, e.g. qos_overrides./cam/image_raw.publisher.depth.
func qosParamName(resolvedTopic, policy string) string {
	return "qos_overrides." + resolvedTopic + ".publisher." + policy
}

// qosOverrideSpecs declares, read-only as rclcpp does, the four overridable
// policies of each published topic, with the defaults: reliable (what
// web_video_server and default subscribers ask for), volatile, keep last 2.
// resolved maps each of publishedTopics to its fully resolved name.
func qosOverrideSpecs(resolved map[string]string) []rosparam.Spec {
	var specs []rosparam.Spec
	for _, topic := range publishedTopics {
		name := resolved[topic]
		desc := func(policy, more string) string {
			// rclcpp's description, then what the values mean here.
			return fmt.Sprintf("qos policy {%s} for publisher {%s}. %s Set it at start-up (params file or -p).", policy, name, more)
		}
		specs = append(specs,
			rosparam.Spec{Name: qosParamName(name, qosReliability), Default: rosparam.String("reliable"), ReadOnly: true,
				Choices:     []string{"reliable", "best_effort", "system_default"},
				Description: desc(qosReliability, "best_effort is the sensor_data choice; reliable subscribers (web_video_server, defaults) then get nothing.")},
			rosparam.Spec{Name: qosParamName(name, qosDurability), Default: rosparam.String("volatile"), ReadOnly: true,
				Choices:     []string{"volatile", "transient_local", "system_default"},
				Description: desc(qosDurability, "transient_local keeps the last depth messages for late subscribers.")},
			rosparam.Spec{Name: qosParamName(name, qosHistory), Default: rosparam.String("keep_last"), ReadOnly: true,
				Choices:     []string{"keep_last", "keep_all", "system_default"},
				Description: desc(qosHistory, "keep_all queues without bound for slow reliable subscribers.")},
			rosparam.Spec{Name: qosParamName(name, qosDepth), Default: rosparam.Int(defaultImageDepth), ReadOnly: true,
				Int:         &rosparam.IntRange{From: 1, To: 10000},
				Description: desc(qosDepth, "Queue depth with keep_last.")},
		)
	}
	return specs
}

// publisherQoS is the profile for topic: the defaults with the overrides the
// parameters hold. Values were validated when the table was loaded.
func publisherQoS(t *rosparam.Table, resolvedTopic string) rclgo.QosProfile {
	q := rclgo.NewDefaultQosProfile()
	q.Reliability = reliabilityValues[str(t, qosParamName(resolvedTopic, qosReliability))]
	q.Durability = durabilityValues[str(t, qosParamName(resolvedTopic, qosDurability))]
	q.History = historyValues[str(t, qosParamName(resolvedTopic, qosHistory))]
	q.Depth = integer(t, qosParamName(resolvedTopic, qosDepth))
	return q
}

// qosString describes a profile for the start-up log.
func qosString(q rclgo.QosProfile) string {
	s := policyName(reliabilityValues, q.Reliability) + ", " + policyName(durabilityValues, q.Durability) +
		", " + policyName(historyValues, q.History)
	if q.History == rclgo.HistoryKeepLast {
		s += fmt.Sprintf(" %d", q.Depth)
	}
	return s
}

func policyName[P comparable](names map[string]P, v P) string {
	for k, x := range names {
		if x == v {
			return k
		}
	}
	return fmt.Sprint(v)
}

// publisherOptions returns the options for the publisher of topic (one of
// publishedTopics).
func (n *Node) publisherOptions(topic string) *rclgo.PublisherOptions {
	return &rclgo.PublisherOptions{Qos: publisherQoS(n.params, n.paramSrv.topics[topic])}
}
