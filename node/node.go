package node

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"webcam/calib"
	"webcam/capture"
	"webcam/paramserver"
	"webcam/rclx"
	"webcam/rosparam"
	"webcam/stream"
)

// DefaultName is the node's name unless remapped with -r __node:=…
const DefaultName = "webcam"

// Source is what the node needs of the capture runner (stream.Runner).
type Source interface {
	Run(ctx context.Context) error
	Status() stream.Status
	Reconfigure(ctx context.Context, uri string, req capture.Request) error
	Do(ctx context.Context, fn func(capture.Source) error) error
	SetCapture(on bool)
}

// Node is the camera node: its parameters, publishers, live apply,
// controls, calibration, diagnostics and web viewer.
type Node struct {
	ros    *rclx.Node
	log    *slog.Logger
	params *rosparam.Table
	topics map[string]string // TopicImage, … → the full names they resolved to

	pubs      publishers
	pubConfig atomic.Pointer[pubConfig]
	stats     struct{ main, raw loopStats }
	calib     *calib.Manager
	controls  controlsSet    // usb_cam's control names the user set
	dev       deviceControls // the camera's own controls as parameters

	source Source         // set by Run
	frames *stream.Latest // set by Run
	http   *httpViewer

	sizedFor int // LargestMessage at start, which Fast DDS's shared memory holds

	throttleMu sync.Mutex
	throttled  map[string]time.Time
}

// pubConfig is what the publish loop reads per frame; replaced whole on a
// parameter change so the loop never sees half an update.
type pubConfig struct {
	frameID                                    string
	encoding                                   capture.PixelFormat
	jpegQuality                                int
	compressedPNG                              bool // image_raw.compressed.format png
	pngLevel                                   int
	publishRaw, publishCompressed, publishInfo bool
}

func (n *Node) loadPubConfig() {
	t := n.params
	enc, raw := rawEncoding(t)
	n.pubConfig.Store(&pubConfig{
		frameID:           str(t, pFrameID),
		encoding:          enc,
		jpegQuality:       integer(t, pITQuality),
		compressedPNG:     str(t, pITFormat) == "png",
		pngLevel:          integer(t, pITPNGLevel),
		publishRaw:        flag(t, pPublishRaw) && raw,
		publishCompressed: flag(t, pPublishComp),
		publishInfo:       flag(t, pPublishInfo),
	})
}

// New declares the camera node's parameters on ros, sets them from the
// command line's overrides (rclx.Args.ParamOverrides), advertises its
// topics and serves its parameters and calibration. Nothing is captured
// until Run.
func New(ros *rclx.Node, overrides map[string]rosparam.Value) (_ *Node, err error) {
	n := &Node{ros: ros, log: ros.Log(), throttled: map[string]time.Time{}}
	if err := n.loadParameters(overrides); err != nil {
		return nil, err
	}
	if err := capture.CheckURI(sourceURI(n.params)); err != nil {
		return nil, err
	}
	n.loadPubConfig()
	n.sizedFor = messageSize(n.params)
	_, advertiseRaw := rawEncoding(n.params)
	advertiseRaw = advertiseRaw && offers(n.params, pluginRaw)
	if err := n.pubs.open(ros, n.params, n.topics, advertiseRaw, offers(n.params, pluginCompressed)); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			n.pubs.Close()
		}
	}()
	if err := n.startCalibration(); err != nil {
		return nil, err
	}
	if err := n.startSetCapture(); err != nil {
		return nil, err
	}
	n.params.OnApply(n.applyChanges)
	n.params.OnChanged(n.changesCommitted)
	if _, err := paramserver.New(ros.Node, n.params, n.log); err != nil {
		return nil, err
	}
	return n, nil
}

// SourceConfig is the capture runner's configuration the parameters ask for.
func (n *Node) SourceConfig() stream.Config {
	return stream.Config{
		URI:     sourceURI(n.params),
		Request: captureRequest(n.params),
		Log:     n.log,
		OnOpen:  n.applyControlsOnOpen,
		Probe:   capture.ReadyProbe,
	}
}

// Run runs src, whose frames arrive in frames, and publishes them until ctx
// ends. It returns src's configuration error (bad URI, size, format).
func (n *Node) Run(ctx context.Context, src Source, frames *stream.Latest) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n.source, n.frames = src, frames
	n.log.Info(fmt.Sprintf("node %s: source %s, publishing %s, %s, %s", n.ros.FullyQualifiedName(), sourceURI(n.params),
		n.topics[TopicImage], n.topics[TopicCompressed], n.topics[TopicInfo]))
	if err := n.startHTTP(ctx); err != nil {
		return err
	}
	defer n.stopHTTP() // after the loops below: ends the viewer's ROS subscriptions before rcl goes away
	var wg sync.WaitGroup
	for _, loop := range []func(context.Context){n.publishLoop, n.rawLoop, n.diagnosticsLoop,
		func(ctx context.Context) { paramserver.Spin(ctx, n.ros.Node, n.log) }} {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	err := src.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// Close withdraws the node's topics; the rcl node is closed by its owner.
func (n *Node) Close() error { return n.pubs.Close() }

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
		n.log.Warn(fmt.Sprintf(format, a...))
	}
}

// loadParameters declares the node's parameters, with the qos_overrides of
// its topics under their resolved names, and sets them from the command
// line's params files and -p rules. Unknown names are logged as warnings;
// a bad value is an error naming it.
func (n *Node) loadParameters(overrides map[string]rosparam.Value) error {
	n.topics = map[string]string{}
	var resolved []string
	for _, topic := range publishedTopics {
		name, err := n.ros.ResolveTopic(topic)
		if err != nil {
			return err
		}
		n.topics[topic] = name
		resolved = append(resolved, name)
	}
	specs := append(ParamSpecs(), paramserver.StandardSpecs()...)
	t, err := rosparam.NewTable(append(specs, paramserver.QoSOverrideSpecs(resolved, defaultQoS)...))
	if err != nil {
		return fmt.Errorf("parameter table: %w", err) // a bug in the specs
	}
	n.params = t
	overrides = withoutUsbCamOnly(overrides, n.log)
	overrides = n.holdDeviceOverrides(overrides)
	warnings, err := t.Load(overrides)
	for _, w := range warnings {
		n.log.Warn(w)
	}
	if err != nil {
		return err
	}
	for _, s := range controlSpecs {
		if _, ok := overrides[s.Name]; ok {
			n.controls.mark(s.Name)
		}
	}
	for _, plugin := range pluginList(t) {
		if plugin != pluginRaw && plugin != pluginCompressed {
			n.log.Info(fmt.Sprintf("%s lists %s, which this node does not offer (it offers %s and %s)", pITPlugins, plugin, pluginRaw, pluginCompressed))
		}
	}
	if flag(t, paramserver.UseSimTime) {
		n.log.Warn(fmt.Sprintf("%s is true, but frames are stamped with the system clock at capture: a camera has no simulated time", paramserver.UseSimTime))
	}
	return nil
}

// LargestMessage is the largest message the node will publish with these
// parameter overrides: an image_raw frame of the requested size and
// encoding. rclx sizes Fast DDS's shared memory for it.
func LargestMessage(overrides map[string]rosparam.Value) int {
	t, err := rosparam.NewTable(ParamSpecs())
	if err != nil {
		return 0
	}
	t.Load(overrides) // a bad value is reported by New; its default serves here
	return messageSize(t)
}

// messageSize is the size of the image_raw message t's parameters ask for.
func messageSize(t *rosparam.Table) int {
	enc, _ := rawEncoding(t)
	bpp := enc.BytesPerPixel()
	return integer(t, pWidth)*integer(t, pHeight)*bpp + 1024 // header, encoding, frame_id
}

// usbCamOnly are usb_cam parameters that mean nothing here (the capture
// backend chooses its I/O; frames are never converted through libav).
var usbCamOnly = []string{"io_method", "av_device_format"}

// withoutUsbCamOnly drops usb_cam's parameters that have no meaning here,
// saying so in one line, so usb_cam's params files load as they are.
func withoutUsbCamOnly(overrides map[string]rosparam.Value, log *slog.Logger) map[string]rosparam.Value {
	var found []string
	for _, name := range usbCamOnly {
		if _, ok := overrides[name]; ok {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return overrides
	}
	out := maps.Clone(overrides)
	for _, name := range found {
		delete(out, name)
	}
	log.Info(fmt.Sprintf("ignoring usb_cam parameters that have no meaning here: %s", strings.Join(found, ", ")))
	return out
}
