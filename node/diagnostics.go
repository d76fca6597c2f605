package node

import (
	"context"
	"fmt"
	"time"

	"webcam/capture"
	"webcam/cdr"
	"webcam/rclx"
	"webcam/stream"
)

// TopicDiagnostics is the standard, absolute diagnostics topic.
const TopicDiagnostics = "/diagnostics"

// diagnosticsQoS is rclcpp's default (reliable, volatile, keep last 10),
// what diagnostic_aggregator subscribes with.
var diagnosticsQoS = rclx.QoS{Reliability: rclx.Reliable, Durability: rclx.Volatile, History: rclx.KeepLast, Depth: 10}

// diagnosticsLoop publishes the source's health at 1 Hz, like camera drivers
// feeding diagnostic_aggregator.
func (n *Node) diagnosticsLoop(ctx context.Context) {
	pub, err := n.ros.NewPublisher(TopicDiagnostics, diagnosticArrayTypeSupport, diagnosticsQoS)
	if err != nil {
		n.log.Error(fmt.Sprintf("diagnostics publisher: %v", err))
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
			if err := publishCDR(pub, &msg); err != nil {
				n.logThrottled("diagnostics", "publishing diagnostics: %v", err)
			}
		}
	}
}

// diagnosticLevels maps the source state to a diagnostic level: a source
// being reopened is a WARN (it is expected back), ERROR is for a
// configuration the node cannot open at all.
var diagnosticLevels = map[stream.State]cdr.Level{
	stream.StateOK:           cdr.LevelOK,
	stream.StateStarting:     cdr.LevelWarn,
	stream.StateReconnecting: cdr.LevelWarn,
	stream.StateEnded:        cdr.LevelWarn,
	stream.StateError:        cdr.LevelError,
	stream.StateStopped:      cdr.LevelStale,
	stream.StatePaused:       cdr.LevelOK, // turned off on purpose (set_capture)
}

func (n *Node) diagnostics(now time.Time) cdr.DiagnosticArray {
	s := n.source.Status()
	st := n.Stats(now)
	message := string(s.State)
	if s.Reason != "" {
		message += ": " + s.Reason
	}
	kv := func(k, v string) cdr.KeyValue { return cdr.KeyValue{Key: k, Value: v} }
	req := s.Request
	status := cdr.DiagnosticStatus{
		Level:      diagnosticLevels[s.State],
		Name:       n.ros.FullyQualifiedName() + ": camera",
		Message:    message,
		HardwareID: s.URI,
		Values: []cdr.KeyValue{
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
			kv("publish_failures", fmt.Sprint(st.Failed)),
			kv("corrupt_frames_dropped", fmt.Sprint(capture.Counts().Corrupt)),
			kv("reopens", fmt.Sprint(s.Reopens)),
			kv("h264_encodes", fmt.Sprint(n.http.h264Encodes())),
		},
	}
	return cdr.DiagnosticArray{Header: cdr.Header{Stamp: cdr.TimeOf(now)}, Status: []cdr.DiagnosticStatus{status}}
}
