// Command webcam_node publishes a camera to ROS 2 and to web browsers.
//
//	webcam_node [--list-devices] [--ros-args -p source:=testpattern:// ...]

// Frames are large buffers that live for a frame or two over a small live
// heap: with Go's defaults the GC runs every few frames and hands the freed
// pages back to the kernel, which faults them in again for the next frame
// (92 faults and 1.5 ms of CPU per idle 720p YUYV frame). MADV_FREE and
// GOGC=200 (tuneRuntime) cut that to 0 faults and 1.0 ms for 4 MB more RSS.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"webcam/capture"
	"webcam/node"
	"webcam/rclx"
	"webcam/stream"
)

func main() {
	// OpenCV's and FFmpeg's own lines (connection retries) would duplicate
	// the node's state messages; the user can still ask for them.
	for name, quiet := range map[string]string{"OPENCV_LOG_LEVEL": "ERROR", "OPENCV_FFMPEG_LOGLEVEL": "-8"} {
		if _, set := os.LookupEnv(name); !set {
			os.Setenv(name, quiet)
		}
	}
	tuneRuntime()
	os.Exit(profiled(func() int { return run(os.Args[1:]) }))
}

// tuneRuntime sets GOGC=200 and madvdontneed=0 (freed pages are MADV_FREE,
// reused without a fault) unless the environment chose them: the runtime
// rereads GODEBUG when the program sets it.
func tuneRuntime() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
	if g := os.Getenv("GODEBUG"); !strings.Contains(g, "madvdontneed") {
		os.Setenv("GODEBUG", strings.TrimPrefix(g+",madvdontneed=0", ","))
	}
}

// profiled runs fn, writing a CPU profile of it to the file
// WEBCAM_CPUPROFILE names, if set: for finding where a frame's time goes
// (`go tool pprof build/webcam_node FILE`).
func profiled(fn func() int) int {
	path := os.Getenv("WEBCAM_CPUPROFILE")
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "webcam_node: WEBCAM_CPUPROFILE: %v\n", err)
		return 1
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "webcam_node: WEBCAM_CPUPROFILE: %v\n", err)
		return 1
	}
	defer pprof.StopCPUProfile()
	return fn()
}

func run(args []string) int {
	parsed, err := rclx.ParseArgs(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "webcam_node: %v\n", err)
		return 1
	}
	for _, a := range parsed.Rest {
		switch a {
		case "-h", "--help":
			fmt.Print(usage)
			return 0
		case "--list-devices":
			return listDevices()
		default:
			fmt.Fprintf(os.Stderr, "webcam_node: unknown argument %q\n%s", a, usage)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, parsed); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "webcam_node: %v\n", err)
		return 1
	}
	return 0
}

// serve wires the parts: rcl with Fast DDS sized for the frames the
// parameters ask for, the camera node, and the capture runner feeding it
// the newest frame; it runs until ctx ends.
func serve(ctx context.Context, args *rclx.Args) error {
	fqn, err := args.FullyQualifiedName(node.DefaultName)
	if err != nil {
		return err
	}
	overrides, err := args.ParamOverrides(fqn)
	if err != nil {
		return err
	}
	ros, err := rclx.Start(args, node.DefaultName, node.LargestMessage(overrides))
	if err != nil {
		return err
	}
	defer ros.Close()
	cam, err := node.New(ros, overrides)
	if err != nil {
		return err
	}
	defer cam.Close()
	var frames stream.Latest
	return cam.Run(ctx, stream.NewRunner(cam.SourceConfig(), &frames), &frames)
}

// listDevices prints every V4L2 device with the formats, sizes and rates it
// offers, so pixel_format/image_width/image_height/framerate can be chosen.
func listDevices() int {
	devs, err := capture.ListDevices()
	if err != nil {
		fmt.Fprintf(os.Stderr, "webcam_node: listing devices: %v\n", err)
		return 1
	}
	if err := capture.FormatDeviceList(os.Stdout, devs); err != nil {
		fmt.Fprintf(os.Stderr, "webcam_node: %v\n", err)
		return 1
	}
	return 0
}

const usage = `usage: webcam_node [--help] [--list-devices] [--ros-args ...]

  --list-devices   print the V4L2 cameras with their formats, sizes and frame rates

Publishes a camera as image_raw, image_raw/compressed and camera_info, and
serves it to browsers on http://<host>:8080/ (web_video_server's URLs).

Examples:
  webcam_node --ros-args -p source:=testpattern://
  webcam_node --ros-args -p video_device:=/dev/video2 -p image_width:=1280 -p image_height:=720
  webcam_node --ros-args -r __ns:=/front --params-file params/webcam.yaml
`
