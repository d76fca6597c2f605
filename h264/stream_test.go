package h264

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"webcam/capture"
	"webcam/jpeg"
)

// TestWriteBenchStream encodes the camera-like clip of BenchmarkEncode720p,
// looped H264_BENCH_LOOPS times, at the default settings (preset from
// H264_BENCH_PRESET) to $H264_BENCH_DIR/out.264, for the quality scripts
// (bench/h264_presets.sh): they decode it and compare it with clip.y4m.
//
// H264_BENCH_INPUT picks what the encoder is given: rgb8 (default; the same
// pixels clip.y4m holds), jpeg (BenchmarkEncode720p's quality-92 4:2:0
// JPEGs) or jpeg422 (the same at 4:2:2, as most UVC cameras send).
// H264_BENCH_FASTDCT=1 and H264_BENCH_FASTUPSAMPLE=1 decode those JPEGs
// with jpeg.Decoder.FastDCT and FastUpsample.
//
// It prints one line: frames, CPU ms/frame (getrusage of the process around
// the encode loop, user+sys), wall ms/frame and kbit/s at 30 fps.
func TestWriteBenchStream(t *testing.T) {
	dir := os.Getenv("H264_BENCH_DIR")
	if dir == "" {
		t.Skip("set H264_BENCH_DIR to write the benchmark stream")
	}
	loops := max(1, atoiEnv("H264_BENCH_LOOPS"))
	s := DefaultSettings(1280, 720)
	if p := os.Getenv("H264_BENCH_PRESET"); p != "" {
		s.Preset = p
	}
	frames := cameraClip()
	switch in := os.Getenv("H264_BENCH_INPUT"); in {
	case "", "rgb8":
	case "jpeg", "jpeg422":
		sub := jpeg.Sub420
		if in == "jpeg422" {
			sub = jpeg.Sub422
		}
		jf := make([]*capture.Frame, len(frames))
		for i, f := range frames {
			jf[i] = asFormat(t, f, capture.JPEG, sub)
		}
		frames = jf
	default:
		t.Fatalf("H264_BENCH_INPUT %q: want rgb8, jpeg or jpeg422", in)
	}
	e := newEncoder(t, s)
	if fd, fu := os.Getenv("H264_BENCH_FASTDCT") == "1", os.Getenv("H264_BENCH_FASTUPSAMPLE") == "1"; fd || fu {
		d, err := jpeg.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		d.FastDCT, d.FastUpsample = fd, fu
		e.in.dec = d // Close frees it
	}
	out, err := os.Create(filepath.Join(dir, "out.264"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	n := loops * len(frames)
	aus := make([][]byte, 0, n)
	cpu0, wall0 := cpuTime(t), time.Now()
	for i := range n {
		au, err := e.Encode(frames[i%len(frames)], false)
		if err != nil {
			t.Fatal(err)
		}
		aus = append(aus, au.Data)
	}
	cpu, wall := cpuTime(t)-cpu0, time.Since(wall0)
	bytes := 0
	for _, a := range aus {
		bytes += len(a)
		if _, err := out.Write(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("frames %d cpu_ms %.3f wall_ms %.3f kbit/s %.0f\n", n,
		cpu.Seconds()*1000/float64(n), wall.Seconds()*1000/float64(n), float64(bytes)*8*float64(s.FPS)/float64(n)/1000)
}

// cpuTime is the process's user+sys CPU time so far.
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func atoiEnv(name string) int {
	v, _ := strconv.Atoi(os.Getenv(name))
	return v
}
