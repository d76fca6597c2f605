package httpview

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"webcam/capture"
)

// readerEnv turns the test binary into a bare stream reader, so benchmark
// viewers are other processes and the CPU measured is the server's alone.
const readerEnv = "HTTPVIEW_BENCH_READER"

func TestMain(m *testing.M) {
	if url := os.Getenv(readerEnv); url != "" {
		os.Exit(readStream(url))
	}
	os.Exit(m.Run())
}

func readStream(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 1
	}
	io.Copy(io.Discard, resp.Body) // until the server or the benchmark ends it
	return 0
}

// startReaders runs n reader processes on url until the benchmark ends.
func startReaders(b *testing.B, url string, n int) {
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), readerEnv+"="+url)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkViewerCPU measures the whole process's CPU (capture, encode,
// serving) while n viewers watch a 1280x720@30 camera; one op is one frame.
// CPU per added viewer is the difference between the viewers=1 and
// viewers=20 figures of one source, divided by 19. Run with e.g.
// -bench ViewerCPU -benchtime 300x for 10 s windows.
func BenchmarkViewerCPU(b *testing.B) {
	cases := []struct {
		name, uri, query string
		viewers          int
	}{
		{"raw/mjpeg/viewers=0", "testpattern://", "", 0},
		{"raw/mjpeg/viewers=1", "testpattern://", "", 1},
		{"raw/mjpeg/viewers=20", "testpattern://", "", 20},
		{"mjpegcam/ros_compressed/viewers=0", "testpattern://?format=mjpeg", "&type=ros_compressed", 0},
		{"mjpegcam/ros_compressed/viewers=1", "testpattern://?format=mjpeg", "&type=ros_compressed", 1},
		{"mjpegcam/ros_compressed/viewers=20", "testpattern://?format=mjpeg", "&type=ros_compressed", 20},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			cam := startCamera(b, bc.uri, 1280, 720, 30)
			srv := startServer(b, Config{}, Topic{"/cam/image_raw", cam.latest})
			startReaders(b, srv.url+"/stream?topic=/cam/image_raw"+bc.query, bc.viewers)
			if !waitFor(20*time.Second, func() bool { return srv.Viewers() == bc.viewers }) {
				b.Fatalf("%d viewers, want %d", srv.Viewers(), bc.viewers)
			}
			time.Sleep(time.Second) // settle: readers started, caches warm
			sent0, cap0, enc0 := sentFrames(srv.Server), cam.captured(), capture.Counts().Encodes
			cpu0, t0 := cpuTime(), time.Now()
			b.ResetTimer()
			var last uint64
			for range b.N {
				f, err := cam.latest.Next(context.Background(), last)
				if err != nil {
					b.Fatal(err)
				}
				last = f.Seq
			}
			b.StopTimer()
			cpu, wall := cpuTime()-cpu0, time.Since(t0)
			frames := float64(cam.captured() - cap0)
			b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu%")
			b.ReportMetric(float64(cpu.Microseconds())/1000/frames, "cpu-ms/frame")
			b.ReportMetric(float64(capture.Counts().Encodes-enc0)/frames, "encodes/frame")
			if bc.viewers > 0 {
				minSent := -1.0
				for id, n := range sentFrames(srv.Server) {
					if d := float64(n - sent0[id]); minSent < 0 || d < minSent {
						minSent = d
					}
				}
				b.ReportMetric(minSent/frames, "min-viewer-share")
			}
		})
	}
}
