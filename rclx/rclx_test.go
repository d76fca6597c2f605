package rclx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"webcam/cdr"
	sensor_msgs_msg "webcam/msgs/sensor_msgs/msg"
)

// TestMain keeps the tests' DDS traffic on this machine, in a domain of its
// own unless the caller chose one.
func TestMain(m *testing.M) {
	if os.Getenv("ROS_DOMAIN_ID") == "" {
		os.Setenv("ROS_DOMAIN_ID", fmt.Sprint(os.Getpid()%100+101))
	}
	os.Setenv("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
	os.Exit(m.Run())
}

func start(t *testing.T, name string, rosArgs ...string) *Node {
	t.Helper()
	args, err := ParseArgs(append([]string{"--ros-args"}, rosArgs...))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(args, name, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

// The reaches into rclgo: fail loudly when a new rclgo moves a handle.
func TestHandles(t *testing.T) {
	n := start(t, "handle_test", "-p", "x:=3")
	h, err := nodeHandle(n.Node)
	if err != nil || h == nil || h != n.handle {
		t.Fatalf("nodeHandle = %p, %v; want the handle Start found", h, err)
	}
	a, release, err := argsHandle(n.args.rcl)
	if err != nil || a == nil {
		t.Fatalf("argsHandle = %p, %v", a, err)
	}
	release()
	if o, err := n.args.ParamOverrides("/handle_test"); err != nil || o["x"].Int != 3 {
		t.Fatalf("overrides through argsHandle: %v, %v; want x=3", o, err)
	}
}

// The name computed before rcl_init is the one the node gets.
func TestFullyQualifiedNameBeforeStart(t *testing.T) {
	for _, rosArgs := range [][]string{nil, {"-r", "__ns:=/front"}, {"-r", "__node:=cam"}, {"-r", "__ns:=/a/b", "-r", "__node:=c"},
		{"-r", "webcam:__ns:=/only_me"}, {"-r", "other:__ns:=/not_me"}} {
		args, err := ParseArgs(append([]string{"--ros-args"}, rosArgs...))
		if err != nil {
			t.Fatal(err)
		}
		before, err := args.FullyQualifiedName("webcam")
		if err != nil {
			t.Fatal(err)
		}
		n, err := Start(args, "webcam", 0)
		if err != nil {
			t.Fatal(err)
		}
		after := n.FullyQualifiedName()
		n.Close()
		if before != after {
			t.Errorf("%q: %s before rcl_init, %s after", rosArgs, before, after)
		}
	}
}

// The names rcl_node_resolve_name gives (expand, then remap), which the
// qos_overrides parameters are named after.
func TestResolveTopic(t *testing.T) {
	cases := []struct {
		name    string
		rosArgs []string
		want    map[string]string
	}{
		{"root namespace", nil, map[string]string{"image_raw": "/image_raw", "image_raw/compressed": "/image_raw/compressed", "~/x": "/webcam/x"}},
		{"namespace", []string{"-r", "__ns:=/front"}, map[string]string{"image_raw": "/front/image_raw", "camera_info": "/front/camera_info"}},
		{"relative remap", []string{"-r", "__ns:=/cam", "-r", "image_raw:=img"}, map[string]string{"image_raw": "/cam/img", "camera_info": "/cam/camera_info"}},
		{"absolute remap", []string{"-r", "__ns:=/cam", "-r", "camera_info:=/calib/info"}, map[string]string{"image_raw": "/cam/image_raw", "camera_info": "/calib/info"}},
		{"node-specific remap for another node", []string{"-r", "other:image_raw:=/x"}, map[string]string{"image_raw": "/image_raw"}},
		{"node-specific remap for this node", []string{"-r", "webcam:image_raw:=/x"}, map[string]string{"image_raw": "/x"}},
		{"renamed node", []string{"-r", "__node:=front_cam"}, map[string]string{"~/x": "/front_cam/x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := start(t, "webcam", c.rosArgs...)
			for topic, want := range c.want {
				if got, err := n.ResolveTopic(topic); err != nil || got != want {
					t.Errorf("%s resolved to %q (%v), want %q", topic, got, err, want)
				}
			}
		})
	}
	n := start(t, "webcam")
	if _, err := n.ResolveTopic("bad name"); err == nil || !strings.Contains(err.Error(), "bad name") || strings.Contains(err.Error(), "error not set") {
		t.Fatalf("error %v, want rcl's message naming the topic", err)
	}
}

func TestNodeNameMatches(t *testing.T) {
	cases := []struct {
		pattern, fqn string
		want         bool
	}{
		{"/**", "/webcam", true},
		{"/**", "/a/b/webcam", true},
		{"webcam", "/webcam", true},
		{"/webcam", "/cam1/webcam", false},
		{"/cam1/webcam", "/cam1/webcam", true},
		{"/*/webcam", "/cam1/webcam", true},
		{"/*/webcam", "/webcam", false},
		{"/**/webcam", "/a/b/webcam", true},
		{"/**/webcam", "/webcam", true},
		{"/cam1/*", "/cam1/front", true},
		{"/cam.1/webcam", "/camX1/webcam", false},
	}
	for _, c := range cases {
		if got := nodeNameMatches(c.pattern, c.fqn); got != c.want {
			t.Errorf("nodeNameMatches(%q, %q) = %v, want %v", c.pattern, c.fqn, got, c.want)
		}
	}
}

// Overrides come from the context's global arguments: the node's own
// section over /**, and -p over any file.
func TestParamOverridesPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.yaml")
	yaml := `/**:
  ros__parameters:
    image_width: 100
    frame_id: "wild"
/cam1/webcam:
  ros__parameters:
    image_width: 200
    jpeg_quality: 50
/other/webcam:
  ros__parameters:
    image_width: 300
`
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	n := start(t, "webcam", "-r", "__ns:=/cam1", "-p", "jpeg_quality:=70", "--params-file", file, "-p", "framerate:=15.5")
	got, err := n.args.ParamOverrides(n.FullyQualifiedName())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"image_width": "200", "frame_id": `"wild"`, "jpeg_quality": "70", "framerate": "15.5"} {
		if got[name].String() != want {
			t.Errorf("%s = %v, want %s", name, got[name], want)
		}
	}
}

// Bad ROS arguments are refused with rcl's own message, naming them, and no
// Go stack trace; the error text survives thread switches (rcl keeps it
// per thread), so no run says "error not set".
func TestBadArgs(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("webcam:\n  ros__parameters:\n    a: [1,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-p"}, "-p"},
		{[]string{"-p", "x:=["}, "x:=["},
		{[]string{"--params-file", "/no/such/file.yaml"}, "/no/such/file.yaml"},
		{[]string{"--params-file", bad}, "line 3"},
		{[]string{"-r", "__ns:=bad ns"}, "bad ns"},
	}
	for _, c := range cases {
		var wg sync.WaitGroup
		errs := make(chan error, 30)
		for range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := ParseArgs(append([]string{"--ros-args"}, c.args...))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "error not set") ||
				strings.Contains(err.Error(), "goroutine") || strings.Contains(err.Error(), "\x00") {
				t.Fatalf("ParseArgs(%q) error %q, want rcl's message naming %q", c.args, err, c.want)
			}
		}
	}
	// Unknown ROS arguments are refused before rcl starts.
	if _, err := ParseArgs([]string{"--ros-args", "-p", "x:=1", "--bogus"}); err == nil || !strings.Contains(err.Error(), `"--bogus"`) {
		t.Fatalf("ParseArgs with --bogus: %v, want an error naming it", err)
	}
}

// The in-place publisher reaches a real subscription through rcl and Fast
// DDS, byte for byte, and reuses its buffer.
func TestPublisherInPlace(t *testing.T) {
	ns := fmt.Sprintf("/rclx_test_%d", os.Getpid())
	n := start(t, "pub_test", "-r", "__ns:="+ns)
	q := QoS{Reliability: Reliable, Durability: Volatile, History: KeepLast, Depth: 2}
	w, err := n.NewPublisher("image_raw", sensor_msgs_msg.ImageTypeSupport, q)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Resolved() != ns+"/image_raw" {
		t.Fatalf("resolved %q", w.Resolved())
	}
	got := make(chan []byte, 10)
	sub, err := n.Subscribe(ns+"/image_raw", sensor_msgs_msg.ImageTypeSupport, q, func(b []byte, _ time.Time) { got <- b })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msg := cdr.Image{Header: cdr.Header{Stamp: cdr.TimeOf(time.Unix(1700000000, 5)), FrameID: "cam"},
		Height: 2, Width: 3, Encoding: "rgb8", Step: 9, Data: bytes.Repeat([]byte{7}, 18)}
	want, _ := msg.AppendCDR(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var first *byte
	for ctx.Err() == nil {
		if w.Subscribers() > 0 {
			buf, err := w.Buffer(msg.Size())
			if err != nil {
				t.Fatal(err)
			}
			out, _ := msg.AppendCDR(buf)
			if err := w.Publish(out); err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = &out[0]
			} else if &out[0] != first {
				t.Fatal("buffer was reallocated for a message of the same size")
			}
		}
		select {
		case b := <-got:
			if !bytes.Equal(b, want) {
				t.Fatalf("received % x\nwant     % x", b, want)
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("no message received")
}

// A bad QoS is refused with the policies rmw knows.
func TestQoSValid(t *testing.T) {
	n := start(t, "qos_test")
	_, err := n.NewPublisher("x", sensor_msgs_msg.ImageTypeSupport, QoS{Reliability: "besteffort", Durability: Volatile, History: KeepLast, Depth: 1})
	if err == nil || !strings.Contains(err.Error(), "best_effort") {
		t.Fatalf("error %v, want one listing the allowed policies", err)
	}
}

func TestShmSegmentFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		largest int
		want    int
	}{
		{"nothing", 0, 0},
		{"small: Fast DDS's default holds it", 100 << 10, 0},
		{"640x480 rgb8", 640*480*3 + 1024, 4 << 20},
		{"1280x720 rgb8", 1280*720*3 + 1024, 9 << 20},
		{"1920x1080 rgb8", 1920*1080*3 + 1024, 19 << 20},
		{"4K capped", 3840*2160*3 + 1024, 64 << 20},
	} {
		if got := shmSegmentFor(tc.largest); got != tc.want {
			t.Errorf("%s: %d MiB, want %d MiB", tc.name, got>>20, tc.want>>20)
		}
	}
}

// The profile is named by the variable the linked Fast DDS reads: 3.x
// (Kilted) reads only FASTDDS_DEFAULT_PROFILES_FILE and warns at every start
// when the old name is set too; 2.x (Jazzy's 2.14) reads only
// FASTRTPS_DEFAULT_PROFILES_FILE (with the other name alone, Jazzy kept its
// 512 KiB segment: 1080p raw at 23 fps, p50 61 ms).
func TestLargeFrameProfileNamesTheReadEnv(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	t.Setenv(fastDDSProfileEnv, "")
	t.Setenv(fastRTPSProfileEnv, "")
	t.Setenv(fastDDSOptOutEnv, "")
	t.Setenv("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp")
	note := useLargeFrameTransport(2 << 20)
	want, other := fastRTPSProfileEnv, fastDDSProfileEnv
	if rclMajor >= 10 {
		want, other = other, want
	}
	path := os.Getenv(want)
	if path == "" || os.Getenv(other) != "" {
		t.Fatalf("rcl %d: %s=%q, %s=%q, want the profile under %s only (note %q)",
			rclMajor, want, path, other, os.Getenv(other), want, note)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "<segment_size>7340032</segment_size>") {
		t.Fatalf("profile %s: %v\n%s", path, err, b)
	}
	// A user's profile under either name is left alone.
	t.Setenv(fastDDSProfileEnv, "")
	t.Setenv(fastRTPSProfileEnv, "/etc/mine.xml")
	if note := useLargeFrameTransport(2 << 20); note != "" || os.Getenv(fastDDSProfileEnv) != "" {
		t.Fatalf("with %s set: note %q, %s=%q", fastRTPSProfileEnv, note, fastDDSProfileEnv, os.Getenv(fastDDSProfileEnv))
	}
	t.Setenv(fastRTPSProfileEnv, "")
	t.Setenv(fastDDSProfileEnv, "/etc/mine.xml")
	if note := useLargeFrameTransport(2 << 20); note != "" || os.Getenv(fastRTPSProfileEnv) != "" {
		t.Fatalf("with %s set: note %q, %s=%q", fastDDSProfileEnv, note, fastRTPSProfileEnv, os.Getenv(fastRTPSProfileEnv))
	}
}
