package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"
	"golang.org/x/sys/unix"

	"webcam/capture"
	"webcam/cdr"
	"webcam/rclx"
)

// Per-frame cost of publishing image_raw through the node's in-place
// serialized publisher, against a plain copy of the same pixels (the floor no
// publisher can beat). Run with:
//
//	go test -run '^$' -bench PublishImage -benchmem ./node/
//
// The subscriber of the subscribers=1 cases is another process (this test
// binary run as TestPublishBenchSubscriberProcess), so its receive work and
// allocations are not counted here. cpu-ms/frame is this process's CPU
// (all threads: Fast DDS's included) per frame.

var publishBenchSizes = []struct {
	name string
	w, h int
}{{"1280x720", 1280, 720}, {"1920x1080", 1920, 1080}}

// benchSubscriberTopic names the env variable that turns this test binary
// into a subscriber process for the benchmark.
const benchSubscriberTopic = "WEBCAM_BENCH_SUBSCRIBE_TOPIC"

func BenchmarkPublishImage(b *testing.B) {
	isolateROS(b)
	ns := fmt.Sprintf("/publish_bench_%d", os.Getpid())
	ros := startROS(b, "publish_bench", "-r", "__ns:="+ns)
	// The node's default image QoS: reliable, volatile, keep last 2.
	w, err := ros.NewPublisher(TopicImage, typeSupport[TopicImage], defaultQoS)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	// A failed publish is logged as the node logs it (throttled), to the
	// benchmark's output.
	n := &Node{pubs: publishers{image: w}, throttled: map[string]time.Time{}, log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	n.pubConfig.Store(&pubConfig{frameID: "camera", encoding: capture.RGB8, publishRaw: true})

	for _, size := range publishBenchSizes {
		f := noiseFrame(size.w, size.h)
		msg := cdr.Image{Header: cdr.Header{Stamp: cdr.TimeOf(f.Stamp), FrameID: "camera"},
			Height: uint32(size.h), Width: uint32(size.w), Encoding: "rgb8", Step: uint32(f.Step), Data: f.Data}
		// moves says whether fn handles the pixels (for MB/s): the idle path does not.
		run := func(name string, subscribers int, moves bool, fn func() error) {
			b.Run(size.name+"/"+name, func(b *testing.B) {
				if subscribers > 0 {
					stop := startBenchSubscriber(b, ns+"/"+TopicImage)
					defer stop()
				}
				waitForSubscribers(b, w, subscribers)
				if err := fn(); err != nil { // grows the buffer, as the first frame does
					b.Logf("first publish: %v", err)
				}
				if moves {
					b.SetBytes(int64(len(f.Data)))
				}
				b.ReportAllocs()
				// A failed publish is a frame the node drops (it logs and goes
				// on): counted and reported, fatal only when it is the rule.
				var failed int
				var lastErr error
				cpu0 := processCPU()
				for b.Loop() {
					if err := fn(); err != nil {
						failed++
						lastErr = err
					}
				}
				b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/frame")
				b.ReportMetric(float64(failed)/float64(b.N), "failed/op")
				if failed > b.N/100 {
					b.Fatalf("%d of %d publishes failed, last: %v", failed, b.N, lastErr)
				}
			})
		}
		floor := make([]byte, len(f.Data))
		run("copy", 0, true, func() error { copy(floor, f.Data); return nil })
		run("serialize", 0, true, func() error { // AppendCDR into rcl's buffer, not published
			buf, err := w.Buffer(msg.Size())
			if err == nil {
				_, err = msg.AppendCDR(buf)
			}
			return err
		})
		run("publish/subscribers=0", 0, true, func() error { return publishCDR(w, &msg) })
		// The node's own per-frame path: subscription count, header, serialize,
		// publish. With nobody subscribed it must do next to nothing.
		run("publishRaw/subscribers=0", 0, false, func() error { n.publishRaw(f); return nil })
		run("publishRaw/subscribers=1", 1, true, func() error {
			if n.publishRaw(f) != 1 {
				return errors.New("image_raw was not published")
			}
			return nil
		})
		// An MJPEG camera's frame: decoded straight into the message buffer.
		jf := jpegFrame(f)
		run("publishRaw/from-mjpeg/subscribers=1", 1, true, func() error {
			if n.publishRaw(jf) != 1 {
				return errors.New("image_raw was not published")
			}
			return nil
		})
	}
}

// isolateROS keeps the benchmark's DDS traffic on this machine and, unless
// the caller chose one, in a domain of its own.
func isolateROS(b *testing.B) {
	if os.Getenv("ROS_DOMAIN_ID") == "" {
		b.Setenv("ROS_DOMAIN_ID", fmt.Sprint(os.Getpid()%100+101))
	}
	if os.Getenv("ROS_AUTOMATIC_DISCOVERY_RANGE") == "" {
		b.Setenv("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
	}
}

// jpegFrame is f as an MJPEG camera would hand it over (quality 85).
func jpegFrame(f *capture.Frame) *capture.Frame {
	data, err := f.JPEG(capture.EncodeOptions{Quality: 85})
	if err != nil {
		panic(err) // a 0-size or bad frame: a bug in the test
	}
	return &capture.Frame{Seq: 1, Stamp: f.Stamp, Width: f.Width, Height: f.Height, Format: capture.JPEG, Data: data}
}

// noiseFrame is an rgb8 frame of noise, as a capture source would hand over.
func noiseFrame(w, h int) *capture.Frame {
	data := make([]byte, w*h*3)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	return &capture.Frame{Seq: 1, Stamp: time.Now(), Width: w, Height: h, Format: capture.RGB8, Step: w * 3, Data: data}
}

func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitForSubscribers waits until rcl reports want matched subscriptions:
// discovery (and forgetting a stopped subscriber) takes a moment.
func waitForSubscribers(b *testing.B, w *rclx.Publisher, want int) {
	deadline := time.Now().Add(20 * time.Second)
	for w.Subscribers() != want {
		if time.Now().After(deadline) {
			b.Fatalf("%s has %d subscribers after 20 s, want %d", w.Resolved(), w.Subscribers(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startBenchSubscriber runs this test binary as a subscriber of topic; stop
// closes its stdin, which ends it.
func startBenchSubscriber(b *testing.B, topic string) (stop func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPublishBenchSubscriberProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchSubscriberTopic+"="+topic)
	cmd.Stderr = os.Stderr // its stdout is only the test runner's "PASS"
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
}

// TestPublishBenchSubscriberProcess is the benchmark's subscriber when run
// by startBenchSubscriber; as an ordinary test it has nothing to do.
func TestPublishBenchSubscriberProcess(t *testing.T) {
	topic := os.Getenv(benchSubscriberTopic)
	if topic == "" {
		return
	}
	rctx, err := rclgo.NewContextWithOpts(nil, rclgo.NewDefaultContextOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer rctx.Close()
	rn, err := rctx.NewNode("publish_bench_subscriber", "/")
	if err != nil {
		t.Fatal(err)
	}
	opts := rclgo.NewDefaultSubscriptionOptions()
	opts.Qos.Depth = defaultQoS.Depth
	sub, err := rn.NewSubscription(topic, typeSupport[TopicImage], opts, func(s *rclgo.Subscription) {
		s.TakeSerializedMessage() // receive and drop, as a consumer that only reads would
	})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := rctx.NewWaitSet()
	if err != nil {
		t.Fatal(err)
	}
	ws.AddSubscriptions(sub)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { io.Copy(io.Discard, os.Stdin); cancel() }() // parent closed stdin or died
	ws.Run(ctx)
}

// startROS starts rcl with a node called name and the given ROS arguments.
func startROS(tb testing.TB, name string, rosArgs ...string) *rclx.Node {
	tb.Helper()
	args, err := rclx.ParseArgs(append([]string{"--ros-args"}, rosArgs...))
	if err != nil {
		tb.Fatal(err)
	}
	ros, err := rclx.Start(args, name, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ros.Close() })
	return ros
}
