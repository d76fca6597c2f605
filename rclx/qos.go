package rclx

/*
#include <rmw/qos_profiles.h>
#include <rmw/types.h>

static rmw_qos_profile_t rclx_qos(int reliability, int durability, int history, size_t depth) {
	rmw_qos_profile_t q = rmw_qos_profile_default;
	q.reliability = reliability;
	q.durability = durability;
	q.history = history;
	q.depth = depth;
	return q;
}
*/
import "C"

import "fmt"

// Reliability, Durability and History are rmw's QoS policies, with rmw's
// spellings (the ones qos_overrides parameters and ros2 CLI use).
type (
	Reliability string
	Durability  string
	History     string
)

const (
	Reliable             Reliability = "reliable"
	BestEffort           Reliability = "best_effort"
	ReliabilityDefault   Reliability = "system_default"
	Volatile             Durability  = "volatile"
	TransientLocal       Durability  = "transient_local"
	DurabilitySysDefault Durability  = "system_default"
	KeepLast             History     = "keep_last"
	KeepAll              History     = "keep_all"
	HistorySysDefault    History     = "system_default"
)

var (
	reliabilityC = map[Reliability]C.int{Reliable: C.RMW_QOS_POLICY_RELIABILITY_RELIABLE, BestEffort: C.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT, ReliabilityDefault: C.RMW_QOS_POLICY_RELIABILITY_SYSTEM_DEFAULT}
	durabilityC  = map[Durability]C.int{Volatile: C.RMW_QOS_POLICY_DURABILITY_VOLATILE, TransientLocal: C.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL, DurabilitySysDefault: C.RMW_QOS_POLICY_DURABILITY_SYSTEM_DEFAULT}
	historyC     = map[History]C.int{KeepLast: C.RMW_QOS_POLICY_HISTORY_KEEP_LAST, KeepAll: C.RMW_QOS_POLICY_HISTORY_KEEP_ALL, HistorySysDefault: C.RMW_QOS_POLICY_HISTORY_SYSTEM_DEFAULT}
)

// QoS is the part of a QoS profile webcam sets; the rest is rmw's default.
type QoS struct {
	Reliability Reliability
	Durability  Durability
	History     History
	Depth       int
}

func (q QoS) String() string {
	s := fmt.Sprintf("%s, %s, %s", q.Reliability, q.Durability, q.History)
	if q.History == KeepLast {
		s += fmt.Sprintf(" %d", q.Depth)
	}
	return s
}

// Valid says whether every policy is one rmw knows.
func (q QoS) Valid() error {
	_, r := reliabilityC[q.Reliability]
	_, d := durabilityC[q.Durability]
	_, h := historyC[q.History]
	if !r || !d || !h || q.Depth < 0 {
		return fmt.Errorf("QoS %+v: unknown policy (reliability %s/%s/%s, durability %s/%s/%s, history %s/%s/%s, depth ≥ 0)",
			q, Reliable, BestEffort, ReliabilityDefault, Volatile, TransientLocal, DurabilitySysDefault, KeepLast, KeepAll, HistorySysDefault)
	}
	return nil
}

func (q QoS) c() C.rmw_qos_profile_t {
	return C.rclx_qos(reliabilityC[q.Reliability], durabilityC[q.Durability], historyC[q.History], C.size_t(q.Depth))
}
