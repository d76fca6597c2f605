package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/capture"
	"webcam/cdr"
	"webcam/httpview"
)

// graphTestNode is a real rcl node, wrapped as much of a Node as graphImages
// uses, spinning like the node does (services on rclgo's wait set).
func graphTestNode(t *testing.T, ns string) (*Node, context.CancelFunc) {
	t.Helper()
	ros := startROS(t, "graph_test", "-r", "__ns:="+ns)
	n := &Node{ros: ros, log: ros.Log(), throttled: map[string]time.Time{}}
	ctx, cancel := context.WithCancel(context.Background())
	spun := make(chan struct{})
	go func() { defer close(spun); ros.Spin(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-spun
		if err := n.Close(); err != nil {
			t.Errorf("closing the node: %v", err)
		}
	})
	return n, cancel
}

// publishUntil publishes msg on pub every 20 ms until stop is closed.
func publishUntil(t *testing.T, pub *rclgo.Publisher, msg cdr.Message, stop <-chan struct{}) {
	b, err := msg.AppendCDR(nil)
	if err != nil {
		t.Error(err)
		return
	}
	for {
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
			if err := pub.PublishSerialized(b); err != nil {
				t.Error(err)
				return
			}
		}
	}
}

// A best-effort rgb8 topic of another node is listed, subscribed with a
// matching QoS, decoded into frames, and unsubscribed on Close; many
// subscribe/close cycles while the node spins leave nothing behind.
func TestGraphSubscription(t *testing.T) {
	ns := fmt.Sprintf("/graph_test_%d", os.Getpid())
	n, _ := graphTestNode(t, ns)
	topic := ns + "/other/image_raw"
	qos := rclgo.NewDefaultQosProfile()
	qos.Reliability, qos.Depth = rclgo.ReliabilityBestEffort, 2
	pub, err := n.ros.Node.NewPublisher(topic, typeSupport[TopicImage], &rclgo.PublisherOptions{Qos: qos})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	published := make(chan struct{})
	msg := &cdr.Image{Header: cdr.Header{Stamp: cdr.TimeOf(time.Unix(1700000000, 0))},
		Width: 3, Height: 2, Encoding: "rgb8", Step: 9, Data: pixels(3, 2, 3, 0)}
	go func() { defer close(published); publishUntil(t, pub, msg, stop) }()
	defer func() { close(stop); <-published }()

	g := newGraphImages(n)
	defer g.closeAll()
	if !eventually(10*time.Second, func() bool {
		return slices.Contains(g.Topics(), httpview.GraphTopic{Name: topic, Type: imageType, Publishers: 1})
	}) {
		t.Fatalf("%s not listed: %+v", topic, g.Topics())
	}

	feed, err := g.Subscribe(topic, httpview.QoSAuto)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := feed.Frames().Next(ctx, 0)
	if err != nil {
		t.Fatalf("no frame from a best-effort publisher: %v (feed error %v)", err, feed.Err())
	}
	if f.Width != 3 || f.Height != 2 || f.Format != capture.RGB8 || !bytes.Equal(f.Data, msg.Data) || !f.Stamp.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("frame %dx%d %s at %v % x, want the published one", f.Width, f.Height, f.Format, f.Stamp, f.Data)
	}
	if f2, err := feed.Frames().Next(ctx, f.Seq); err != nil || f2.Seq != f.Seq+1 {
		t.Errorf("next frame: %v, seq %v after %d", err, f2, f.Seq)
	}
	subs, err := n.ros.GetSubscriptionsInfoByTopic(topic, true)
	if err != nil || len(subs) != 1 || subs[0].QosProfile.Reliability != rclgo.ReliabilityBestEffort {
		t.Fatalf("subscriptions on %s: %+v, %v; want one, best effort", topic, subs, err)
	}
	if err := feed.Close(); err != nil {
		t.Fatal(err)
	}
	if err := feed.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if !eventually(5*time.Second, func() bool { s, _ := n.ros.GetSubscriptionsInfoByTopic(topic, true); return len(s) == 0 }) {
		t.Error("the subscription is still in the graph after Close")
	}

	goroutines := runtime.NumGoroutine()
	for range 30 {
		feed, err := g.Subscribe(topic, httpview.QoSAuto)
		if err != nil {
			t.Fatal(err)
		}
		if err := feed.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if !eventually(2*time.Second, func() bool { return runtime.NumGoroutine() <= goroutines }) {
		t.Errorf("goroutines: %d before 30 subscribe/close cycles, %d after", goroutines, runtime.NumGoroutine())
	}

	// closeAll (the node stopping) ends the feeds left open and refuses new ones.
	if _, err := g.Subscribe(topic, httpview.QoSAuto); err != nil {
		t.Fatal(err)
	}
	g.closeAll()
	if s, _ := n.ros.GetSubscriptionsInfoByTopic(topic, true); len(s) != 0 {
		t.Errorf("subscriptions after closeAll: %+v", s)
	}
	if _, err := g.Subscribe(topic, httpview.QoSAuto); err == nil {
		t.Error("Subscribe after closeAll succeeded")
	}
}

// eventually polls cond until it holds or the timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	for end := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}

// TestProfileQoS: a viewer's qos_profile is rmw's profile of that name and
// wins over the automatic match, unless no publisher could deliver to it.
func TestProfileQoS(t *testing.T) {
	pub := func(r rclgo.ReliabilityPolicy, d rclgo.DurabilityPolicy) rclgo.TopicEndpointInfo {
		return rclgo.TopicEndpointInfo{QosProfile: rclgo.QosProfile{Reliability: r, Durability: d}}
	}
	reliable := pub(rclgo.ReliabilityReliable, rclgo.DurabilityVolatile)
	bestEffort := pub(rclgo.ReliabilityBestEffort, rclgo.DurabilityVolatile)
	latched := pub(rclgo.ReliabilityReliable, rclgo.DurabilityTransientLocal)
	cases := []struct {
		profile      httpview.QoSProfile
		pubs         []rclgo.TopicEndpointInfo
		want         string // rclx.QoS's String
		incompatible bool
	}{
		{httpview.QoSAuto, []rclgo.TopicEndpointInfo{reliable}, "reliable, volatile, keep_last 1", false},
		{httpview.QoSAuto, []rclgo.TopicEndpointInfo{reliable, bestEffort}, "best_effort, volatile, keep_last 1", false},
		{httpview.QoSAuto, []rclgo.TopicEndpointInfo{latched}, "reliable, transient_local, keep_last 1", false},
		{httpview.QoSDefault, []rclgo.TopicEndpointInfo{latched}, "reliable, volatile, keep_last 1", false},
		{httpview.QoSDefault, []rclgo.TopicEndpointInfo{reliable, bestEffort}, "reliable, volatile, keep_last 1", false},
		{httpview.QoSDefault, []rclgo.TopicEndpointInfo{bestEffort, bestEffort}, "", true},
		{httpview.QoSDefault, nil, "reliable, volatile, keep_last 1", false},
		{httpview.QoSSensorData, []rclgo.TopicEndpointInfo{reliable}, "best_effort, volatile, keep_last 1", false},
		{httpview.QoSSensorData, []rclgo.TopicEndpointInfo{bestEffort}, "best_effort, volatile, keep_last 1", false},
		{httpview.QoSSystemDefault, []rclgo.TopicEndpointInfo{bestEffort}, "system_default, system_default, system_default", false},
	}
	for _, tc := range cases {
		q, err := profileQoS("/arm/image_raw", tc.profile, tc.pubs)
		switch {
		case tc.incompatible:
			if !errors.Is(err, httpview.ErrIncompatibleQoS) || !strings.Contains(err.Error(), "qos_profile=sensor_data") {
				t.Errorf("%q with %d publisher(s): error %v, want ErrIncompatibleQoS suggesting sensor_data", tc.profile, len(tc.pubs), err)
			}
		case err != nil:
			t.Errorf("%q with %d publisher(s): %v", tc.profile, len(tc.pubs), err)
		case q.String() != tc.want:
			t.Errorf("%q with %d publisher(s): %s, want %s", tc.profile, len(tc.pubs), q, tc.want)
		}
	}
}
