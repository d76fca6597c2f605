package httpview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"webcam/stream"
)

// cameraGraph is a Graph whose topics are test-pattern cameras: a feed copies
// the camera's frames into its own Latest only while it is open, as a ROS
// subscription delivers messages only while it exists. It counts subscribes
// and closes, which is what the reference counting is about.
type cameraGraph struct {
	cams map[string]*testCamera // by topic name
	err  error                  // what every feed's Err reports
	// incompatible is a qos_profile no publisher can deliver to.
	incompatible QoSProfile

	mu               sync.Mutex
	subscribes, ends map[string]int
	profiles         []QoSProfile // of each Subscribe, in order
	open             int
}

func newCameraGraph(cams map[string]*testCamera) *cameraGraph {
	return &cameraGraph{cams: cams, subscribes: map[string]int{}, ends: map[string]int{}}
}

func (g *cameraGraph) Topics() []GraphTopic {
	var out []GraphTopic
	for name := range g.cams {
		out = append(out, GraphTopic{Name: name, Type: "sensor_msgs/msg/Image", Publishers: 1})
	}
	// Listed, but its publisher leaves before anyone subscribes.
	return append(out, GraphTopic{Name: "/gone/image_raw", Type: "sensor_msgs/msg/Image", Publishers: 1})
}

func (g *cameraGraph) Subscribe(name string, qos QoSProfile) (GraphFeed, error) {
	cam := g.cams[name]
	if cam == nil {
		return nil, errors.New("no publisher on " + name)
	}
	if qos == g.incompatible && qos != QoSAuto {
		return nil, fmt.Errorf("%w: every publisher of %s is best effort", ErrIncompatibleQoS, name)
	}
	g.mu.Lock()
	g.subscribes[name]++
	g.profiles = append(g.profiles, qos)
	g.open++
	g.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	f := &cameraFeed{g: g, name: name, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		var last uint64
		for {
			fr, err := cam.latest.Next(ctx, last)
			if err != nil {
				return
			}
			last = fr.Seq
			f.frames.Publish(fr)
		}
	}()
	return f, nil
}

func (g *cameraGraph) counts(name string) (subscribes, ends, open int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.subscribes[name], g.ends[name], g.open
}

type cameraFeed struct {
	g      *cameraGraph
	name   string
	frames stream.Latest
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (f *cameraFeed) Frames() *stream.Latest { return &f.frames }
func (f *cameraFeed) Err() error             { return f.g.err }
func (f *cameraFeed) Close() error {
	f.once.Do(func() {
		f.cancel()
		<-f.done
		f.g.mu.Lock()
		f.g.ends[f.name]++
		f.g.open--
		f.g.mu.Unlock()
	})
	return nil
}

// graphServer serves /cam/image_raw as its own camera and /arm/image_raw from
// the graph, with a short linger.
// feedErr is what the feeds' Err says.
func graphServer(t *testing.T, linger time.Duration, feedErr error) (*testServer, *cameraGraph) {
	own := startCamera(t, "testpattern://", 320, 240, 30)
	arm := startCamera(t, "testpattern://", 160, 120, 30)
	g := newCameraGraph(map[string]*testCamera{
		"/arm/image_raw": arm,
		"/cam/image_raw": own, // the server's own name: must not be listed twice
	})
	g.err = feedErr
	srv := startServer(t, Config{Graph: g, GraphLinger: linger}, Topic{Name: "/cam/image_raw", Frames: own.latest})
	return srv, g
}

func TestGraphTopicIsListedAndServed(t *testing.T) {
	srv, _ := graphServer(t, 200*time.Millisecond, nil)
	c := client()

	_, page := get(t, c, srv.url+"/")
	if !strings.Contains(string(page), "/arm/image_raw") || strings.Count(string(page), "<code>/cam/image_raw</code>") != 0 {
		t.Errorf("index does not list /arm/image_raw once, apart from the own camera:\n%s", page)
	}

	var st struct{ HTTP HTTPState }
	_, body := get(t, c, srv.url+"/state")
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	if !st.HTTP.GraphTopics || len(st.HTTP.Graph) != 2 || st.HTTP.Graph[0].Topic != "/arm/image_raw" || st.HTTP.Graph[0].Subscribed {
		t.Errorf("/state graph = %+v, want /arm/image_raw and /gone/image_raw, not subscribed", st.HTTP.Graph)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m := mustOpen(t, ctx, srv.url+"/stream?topic=/arm/image_raw")
	for range 3 {
		p, err := m.next()
		if err != nil {
			t.Fatal(err)
		}
		if w, h := decodeSize(t, p.jpeg); w != 160 || h != 120 {
			t.Fatalf("graph part is %dx%d, want 160x120", w, h)
		}
	}

	resp, snap := get(t, c, srv.url+"/snapshot?topic=arm/image_raw") // without the slash, as web_video_server allows
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("snapshot: %d %s", resp.StatusCode, snap)
	}
	if w, h := decodeSize(t, snap); w != 160 || h != 120 {
		t.Errorf("snapshot is %dx%d, want 160x120", w, h)
	}

	_, page = get(t, c, srv.url+"/stream_viewer?topic=/arm/image_raw&type=ros_compressed")
	if !strings.Contains(string(page), `/snapshot?topic=%2Farm%2Fimage_raw"`) {
		t.Errorf("viewer of a graph topic links no snapshot of that topic (a graph topic has no /compressed twin):\n%s", page)
	}

	resp, body = get(t, c, srv.url+"/stream?topic=/nobody/image_raw")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "/arm/image_raw") {
		t.Errorf("unknown topic: %d %s, want 404 listing /arm/image_raw", resp.StatusCode, body)
	}
}

// One subscription per topic however many viewers; it outlives the last one
// by the linger, and a viewer who comes back within it reuses it.
func TestGraphSubscriptionIsSharedAndLingers(t *testing.T) {
	const linger = 400 * time.Millisecond
	srv, g := graphServer(t, linger, nil)
	url := srv.url + "/stream?topic=/arm/image_raw"
	watch := func(parts int) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		m, err := openStream(ctx, client(), url)
		if err != nil {
			t.Error(err)
			return
		}
		defer m.Close()
		for range parts {
			if _, err := m.next(); err != nil {
				t.Error(err)
				return
			}
		}
	}

	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { watch(3) })
	}
	wg.Wait()
	if sub, end, _ := g.counts("/arm/image_raw"); sub != 1 || end != 0 {
		t.Fatalf("5 viewers: %d subscribes, %d ends; want 1 and 0 (lingering)", sub, end)
	}
	watch(1) // back within the linger
	if sub, _, _ := g.counts("/arm/image_raw"); sub != 1 {
		t.Fatalf("a viewer within the linger subscribed again (%d subscribes)", sub)
	}
	if !waitFor(viewerGone+linger+2*time.Second, func() bool { _, end, open := g.counts("/arm/image_raw"); return end == 1 && open == 0 }) {
		sub, end, open := g.counts("/arm/image_raw")
		t.Fatalf("after the linger: %d subscribes, %d ends, %d open; want the one subscription ended", sub, end, open)
	}
	watch(1)
	if sub, _, _ := g.counts("/arm/image_raw"); sub != 2 {
		t.Errorf("a viewer after the linger: %d subscribes, want a new one (2)", sub)
	}
}

// viewerGone bounds how long the server takes to notice a closed stream.
const viewerGone = 2 * time.Second

func TestGraphFeedErrorAndFailures(t *testing.T) {
	srv, g := graphServer(t, time.Hour, errors.New(`encoding "mono16" is not supported`))
	c := client()
	get(t, c, srv.url+"/snapshot?topic=/arm/image_raw") // subscribes (this feed still has frames)
	var st struct{ HTTP HTTPState }
	_, body := get(t, c, srv.url+"/state")
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.HTTP.Graph) != 2 || !st.HTTP.Graph[0].Subscribed || !strings.Contains(st.HTTP.Graph[0].Error, "mono16") {
		t.Errorf("/state graph = %+v, want /arm/image_raw subscribed with the feed's error", st.HTTP.Graph)
	}

	// A subscription that fails is a 503 naming the reason.
	resp, body := get(t, c, srv.url+"/snapshot?topic=/gone/image_raw")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "no publisher on /gone/image_raw") {
		t.Errorf("failed subscribe: %d %s, want 503 with the reason", resp.StatusCode, body)
	}

	// Closing the server ends the lingering subscription at once.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, end, open := g.counts("/arm/image_raw"); end != 1 || open != 0 {
		t.Errorf("after Close: %d ends, %d open; want the lingering subscription ended", end, open)
	}
}

// Each qos_profile of a topic is a subscription of its own, shared by the
// viewers asking for it; /state lists them; a profile no publisher can serve
// is a 409 that says so, and an unknown one a 400.
func TestGraphQoSProfiles(t *testing.T) {
	srv, g := graphServer(t, time.Hour, nil)
	g.incompatible = QoSDefault
	c := client()
	for _, q := range []string{"", "&qos_profile=sensor_data", "&qos_profile=sensor_data", "&qos_profile=system_default"} {
		resp, body := get(t, c, srv.url+"/snapshot?topic=/arm/image_raw"+q)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("snapshot%s: %d %s", q, resp.StatusCode, body)
		}
	}
	g.mu.Lock()
	profiles := slices.Clone(g.profiles)
	g.mu.Unlock()
	if want := []QoSProfile{QoSAuto, QoSSensorData, QoSSystemDefault}; !slices.Equal(profiles, want) {
		t.Errorf("subscribed with %q, want %q: one subscription per profile, shared", profiles, want)
	}

	var st struct{ HTTP HTTPState }
	_, body := get(t, c, srv.url+"/state")
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	if gs := st.HTTP.Graph[0]; !gs.Subscribed || !slices.Equal(gs.QoS, []string{"auto", "sensor_data", "system_default"}) || gs.Seq == 0 {
		t.Errorf("/state graph[0] = %+v, want /arm/image_raw's three subscriptions with frames", gs)
	}

	for _, tc := range []struct {
		query   string
		status  int
		mention string
	}{
		{"&qos_profile=default", http.StatusConflict, `with qos_profile default: no publisher of the topic can deliver to this qos_profile: every publisher of /arm/image_raw is best effort`},
		{"&qos_profile=services_default", http.StatusBadRequest, `qos_profile "services_default" is not supported; allowed: default, system_default, sensor_data`},
	} {
		for _, path := range []string{"/stream", "/snapshot"} {
			resp, body := get(t, c, srv.url+path+"?topic=/arm/image_raw"+tc.query)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.mention) {
				t.Errorf("%s%s: %d %s; want %d naming %q", path, tc.query, resp.StatusCode, body, tc.status, tc.mention)
			}
		}
	}
	if sub, _, open := g.counts("/arm/image_raw"); sub != 3 || open != 3 {
		t.Errorf("%d subscribes, %d open; want the 3 profiles' (refused ones subscribe nothing)", sub, open)
	}
}
