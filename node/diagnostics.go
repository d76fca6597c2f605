package node

import (
	"context"
	"fmt"
	"time"

	diagnostic_msgs_msg "webcam/msgs/diagnostic_msgs/msg"
	"webcam/stream"
)

// TopicDiagnostics is the standard, absolute diagnostics topic.
const TopicDiagnostics = "/diagnostics"

// diagnosticsLoop publishes the source's health at 1 Hz, like camera drivers
// feeding diagnostic_aggregator.
func (n *Node) diagnosticsLoop(ctx context.Context) {
	pub, err := diagnostic_msgs_msg.NewDiagnosticArrayPublisher(n.rn, TopicDiagnostics, nil)
	if err != nil {
		n.log.Errorf("diagnostics publisher: %v", err)
		return
	}
	defer pub.Close()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			msg := n.diagnostics(now)
			if err := pub.Publish(&msg); err != nil {
				n.logThrottled("diagnostics", "publishing diagnostics: %v", err)
			}
		}
	}
}

// diagnosticLevels maps the source state to a diagnostic level.
var diagnosticLevels = map[stream.State]byte{
	stream.StateOK:           diagnostic_msgs_msg.DiagnosticStatus_OK,
	stream.StateStarting:     diagnostic_msgs_msg.DiagnosticStatus_WARN,
	stream.StateReconnecting: diagnostic_msgs_msg.DiagnosticStatus_ERROR,
	stream.StateEnded:        diagnostic_msgs_msg.DiagnosticStatus_WARN,
	stream.StateError:        diagnostic_msgs_msg.DiagnosticStatus_ERROR,
	stream.StateStopped:      diagnostic_msgs_msg.DiagnosticStatus_STALE,
}

func (n *Node) diagnostics(now time.Time) diagnostic_msgs_msg.DiagnosticArray {
	s := n.runner.Status()
	st := n.Stats(now)
	message := string(s.State)
	if s.Reason != "" {
		message += ": " + s.Reason
	}
	kv := func(k, v string) diagnostic_msgs_msg.KeyValue { return diagnostic_msgs_msg.KeyValue{Key: k, Value: v} }
	req := s.Request
	status := diagnostic_msgs_msg.DiagnosticStatus{
		Level:      diagnosticLevels[s.State],
		Name:       n.rn.FullyQualifiedName() + ": camera",
		Message:    message,
		HardwareId: s.URI,
		Values: []diagnostic_msgs_msg.KeyValue{
			kv("source", s.URI),
			kv("state", string(s.State)),
			kv("reason", s.Reason),
			kv("backend", s.Info.Backend),
			kv("requested", fmt.Sprintf("%dx%d @ %g fps %s", req.Width, req.Height, req.FPS, req.PixelFormat)),
			kv("granted", fmt.Sprintf("%dx%d @ %g fps %s", s.Info.Width, s.Info.Height, s.Info.FPS, s.Info.Format)),
			kv("capture_fps", fmt.Sprintf("%.1f", s.CaptureFPS)),
			kv("publish_fps", fmt.Sprintf("%.1f", st.PublishFPS)),
			kv("frames_captured", fmt.Sprint(s.Captured)),
			kv("frames_published", fmt.Sprint(st.Published)),
			kv("frames_dropped", fmt.Sprint(st.Skipped)),
			kv("reopens", fmt.Sprint(s.Reopens)),
		},
	}
	return diagnostic_msgs_msg.DiagnosticArray{Header: headerAt(now, ""), Status: []diagnostic_msgs_msg.DiagnosticStatus{status}}
}
