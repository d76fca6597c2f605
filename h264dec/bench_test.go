package h264dec

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// benchClipFrames: three GOPs, so the loop wraps from the last P picture to
// the first IDR.
const benchClipFrames = 90

// writeBenchClip encodes a camera-like 720p30 clip: testsrc2 with sensor
// noise, constrained baseline at 2 Mbit/s with a VBV, an IDR every 30
// frames, as an RTSP camera or the node's encoder sends.
func writeBenchClip(t testing.TB, path string) {
	t.Helper()
	needFFmpeg(t)
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi",
		"-i", "testsrc2=size=1280x720:rate=30,noise=alls=6:allf=t+u",
		"-frames:v", "90", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
		"-profile:v", "baseline", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "133k", "-g", "30", "-bf", "0",
		"-f", "h264", "-y", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
}

// benchClip is H264DEC_BENCH_CLIP when set (bench/h264dec_ratio.sh times
// ffmpeg on the same file), else a clip written for this run.
func benchClip(t testing.TB) string {
	if p := os.Getenv("H264DEC_BENCH_CLIP"); p != "" {
		return p
	}
	dir, err := streamDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bench720p.h264")
	encodeMu.Lock()
	defer encodeMu.Unlock()
	if _, err := os.Stat(path); err != nil {
		writeBenchClip(t, path)
	}
	return path
}

// TestWriteBenchClip writes the benchmark's clip to H264DEC_BENCH_CLIP, for
// bench/h264dec_ratio.sh.
func TestWriteBenchClip(t *testing.T) {
	path := os.Getenv("H264DEC_BENCH_CLIP")
	if path == "" {
		t.Skip("set H264DEC_BENCH_CLIP to the file to write")
	}
	writeBenchClip(t, path)
}

// BenchmarkDecode720p decodes the camera-like 720p30 clip access unit by
// access unit with DecodeInto: one op is one picture.
func BenchmarkDecode720p(b *testing.B) {
	aus := accessUnits(b, benchClip(b))
	if len(aus) != benchClipFrames {
		b.Fatalf("%d access units, want %d", len(aus), benchClipFrames)
	}
	var bytes int
	for _, au := range aus {
		bytes += len(au)
	}
	d := newDecoder(b)
	dst := make([]byte, I420Size(1280, 720))
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	i := 0
	for b.Loop() {
		if _, ok, err := d.DecodeInto(aus[i%len(aus)], dst); !ok || err != nil {
			b.Fatalf("access unit %d: ok %v, %v", i%len(aus), ok, err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i)/1e6, "ms/frame")
	// CPU, not wall time, is what bench/h264dec_ratio.sh compares with the
	// ffmpeg CLI's: on a busy machine the two differ.
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(i)/1e6, "cpu-ms/frame")
	b.ReportMetric(float64(bytes)*8*30/float64(len(aus))/1000, "kbit/s")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
