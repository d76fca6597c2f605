package node

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/calib"
	"webcam/capture"
	"webcam/rosparam"
	"webcam/stream"
)

// DefaultName is the node's name unless remapped with -r __node:=…
const DefaultName = "webcam"

// Node is a running webcam node.
type Node struct {
	rctx   *rclgo.Context
	rn     *rclgo.Node
	log    *rclgo.Logger
	params *rosparam.Table

	latest    stream.Latest
	runner    *stream.Runner
	pubs      publishers
	pubConfig atomic.Pointer[pubConfig]
	stats     publishStats

	http *httpViewer // the built-in web viewer (http.go)

	throttleMu sync.Mutex
	throttled  map[string]time.Time

	paramSrv paramServer    // parameter services, events, live apply (paramservice.go)
	calib    *calib.Manager // camera_info_url and set_camera_info (calibration.go)
}

// pubConfig is what the publish loop reads per frame; replaced whole on a
// parameter change so the loop never sees half an update.
type pubConfig struct {
	frameID                                    string
	encoding                                   capture.PixelFormat
	jpegQuality                                int
	publishRaw, publishCompressed, publishInfo bool
}

func (n *Node) loadPubConfig() {
	t := n.params
	n.pubConfig.Store(&pubConfig{
		frameID:           str(t, pFrameID),
		encoding:          capture.PixelFormat(str(t, pOutputEncoding)),
		jpegQuality:       integer(t, pJPEGQuality),
		publishRaw:        flag(t, pPublishRaw),
		publishCompressed: flag(t, pPublishComp),
		publishInfo:       flag(t, pPublishInfo),
	})
}

// New starts rcl with the command line's --ros-args, creates the node and
// its publishers, and reads the parameters. Nothing is captured until Run.
func New(args []string) (_ *Node, err error) {
	rosArgs, _ := ExtractRosArgs(args)
	parsed, err := ParseRosArgs(rosArgs)
	if err != nil {
		return nil, err
	}
	rclArgs, _, err := rclgo.ParseArgs(args)
	if err != nil {
		return nil, fmt.Errorf("--ros-args: %w", err)
	}
	n := &Node{throttled: map[string]time.Time{}}
	transportNote := useLargeFrameTransport() // before rcl_init: Fast DDS reads it then
	if n.rctx, err = rclgo.NewContextWithOpts(rclArgs, rclgo.NewDefaultContextOptions()); err != nil {
		return nil, fmt.Errorf("starting ROS 2 (rcl_init): %w", err)
	}
	defer func() {
		if err != nil {
			n.rctx.Close()
		}
	}()
	if n.rn, err = n.rctx.NewNode(DefaultName, ""); err != nil {
		return nil, fmt.Errorf("creating node: %w", err)
	}
	n.log = n.rn.Logger()
	if transportNote != "" {
		n.log.Info(transportNote)
	}
	if err := n.loadParameters(rosArgs, parsed); err != nil {
		return nil, err
	}
	if err := capture.CheckURI(sourceURI(n.params)); err != nil {
		return nil, err
	}
	n.loadPubConfig()
	if err := n.createPublishers(); err != nil {
		return nil, err
	}
	n.runner = stream.NewRunner(stream.Config{
		URI:     sourceURI(n.params),
		Request: captureRequest(n.params),
		Log:     n.runnerLog,
		OnOpen:  n.applyControlsOnOpen,
		Probe:   capture.ReadyProbe,
	}, &n.latest)
	if err := n.startParameterInterface(); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *Node) createPublishers() error {
	var err error // QoS: reliable, volatile, keep last 2 unless qos_overrides say otherwise (qos.go)
	if n.pubs.image, err = n.rn.NewPublisher(TopicImage, imageTypeSupport(), n.publisherOptions(TopicImage)); err != nil {
		return fmt.Errorf("publisher %s: %w", TopicImage, err)
	}
	if n.pubs.compressed, err = n.rn.NewPublisher(TopicCompressed, compressedTypeSupport(), n.publisherOptions(TopicCompressed)); err != nil {
		return fmt.Errorf("publisher %s: %w", TopicCompressed, err)
	}
	if n.pubs.info, err = n.rn.NewPublisher(TopicInfo, cameraInfoTypeSupport(), n.publisherOptions(TopicInfo)); err != nil {
		return fmt.Errorf("publisher %s: %w", TopicInfo, err)
	}
	return nil
}

// Run captures and publishes until ctx ends. It returns an error for a
// configuration error of the source (bad URI, size, format).
func (n *Node) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n.log.Infof("node %s: source %s, publishing %s, %s, %s", n.rn.FullyQualifiedName(), sourceURI(n.params), TopicImage, TopicCompressed, TopicInfo)
	if err := n.startHTTP(ctx); err != nil {
		return err
	}
	defer n.stopHTTP() // after the loops below: ends the viewer's ROS subscriptions before rcl goes away
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); n.publishLoop(ctx) }()
	wg.Add(1)
	go func() { defer wg.Done(); n.spin(ctx) }() // parameter and calibration services
	wg.Add(1)
	go func() { defer wg.Done(); n.diagnosticsLoop(ctx) }()
	err := n.runner.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// Close releases the node and rcl.
func (n *Node) Close() error {
	return errors.Join(n.rn.Close(), n.rctx.Close())
}

func (n *Node) runnerLog(level stream.LogLevel, msg string) {
	switch level {
	case stream.LevelError:
		n.log.Error(msg)
	case stream.LevelWarn:
		n.log.Warn(msg)
	default:
		n.log.Info(msg)
	}
}

// logThrottled logs a per-frame failure at most once every 5 seconds per key.
func (n *Node) logThrottled(key, format string, a ...any) {
	n.throttleMu.Lock()
	last := n.throttled[key]
	now := time.Now()
	ok := now.Sub(last) >= 5*time.Second
	if ok {
		n.throttled[key] = now
	}
	n.throttleMu.Unlock()
	if ok {
		n.log.Warnf(format, a...)
	}
}
