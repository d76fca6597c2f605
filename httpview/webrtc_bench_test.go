package httpview

import (
	"context"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Issue 16's targets, measured with Debian's Chromium as the viewer:
//
//	go test -run '^$' -bench BenchmarkWebRTC -benchtime 1x ./httpview/
//
// latency: capture stamp → frame shown, read from the test pattern's counter
// in each decoded frame, for WebRTC and for the MJPEG <img> beside it (the
// <img> is sampled at each animation frame, which adds up to 1/60 s).
// bandwidth: the wire rate of WebRTC (RTP payload and headers, from
// Chromium's stats) at the default settings against the MJPEG stream of the
// same source (web_video_server's default quality 95, and the node's
// compressed quality 80), on a camera-like clip: WEBCAM_BENCH_CLIP, an MJPEG
// .avi at 1280x720 30 fps (bench/scene.py writes one; make bench sets it),
// or the test pattern without it (flat content: far fewer bits).
// viewer cost: this process's CPU (server and encoder) per second with one
// viewer and with ten, in % of a core per added viewer.
func BenchmarkWebRTC(b *testing.B) {
	b.Run("latency", benchLatency)
	b.Run("bandwidth", benchBandwidth)
	b.Run("viewercost", benchViewerCost)
	b.Run("relaycost", benchRelayCost)
}

const benchWindow = 8 * time.Second

func benchLatency(b *testing.B) {
	cam := startCamera(b, "testpattern://", 1280, 720, 30)
	ts := startServer(b, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	stamps := recordStamps(b.Context(), cam.latest)
	ctx, _ := browser(b)
	for b.Loop() {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.url+"/webrtc?topic=/cam/image_raw")); err != nil {
			b.Fatal(err)
		}
		if !waitFor(10*time.Second, func() bool { st, _ := readPage(ctx); return st.Frames > 30 }) {
			b.Fatal("WebRTC page shows nothing")
		}
		chromedp.Run(ctx, chromedp.Evaluate[bool](readCounters))
		time.Sleep(benchWindow)
		st, err := readPage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		lat, _ := stamps.latencies(st.TestFrames)
		b.ReportMetric(percentile(lat, 0.5), "webrtc-p50-ms")
		b.ReportMetric(percentile(lat, 0.99), "webrtc-p99-ms")
		b.ReportMetric(float64(len(st.TestFrames))/benchWindow.Seconds(), "webrtc-fps")

		if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.url+"/stream_viewer?topic=/cam/image_raw")); err != nil {
			b.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		chromedp.Run(ctx, chromedp.Evaluate[bool](readImgCounters))
		time.Sleep(benchWindow)
		frames, err := chromedp.Run(ctx, chromedp.Evaluate[[][3]float64](`window.testFrames`))
		if err != nil {
			b.Fatal(err)
		}
		lat, _ = stamps.latencies(frames)
		b.ReportMetric(percentile(lat, 0.5), "mjpeg-p50-ms")
		b.ReportMetric(percentile(lat, 0.99), "mjpeg-p99-ms")
		b.ReportMetric(float64(len(frames))/benchWindow.Seconds(), "mjpeg-fps")
	}
}

// readImgCounters samples the MJPEG <img> at every animation frame and
// records each new counter with the time it was first drawn.
const readImgCounters = `(() => {
  window.testFrames = [];
  const img = document.querySelector("img.stream");
  const c = document.createElement("canvas");
  const g = c.getContext("2d", { willReadFrequently: true });
  let last = -1;
  const tick = () => {
    const w = img.naturalWidth, h = img.naturalHeight;
    if (w > 0) {
      if (c.width !== w) { c.width = w; c.height = h; }
      g.drawImage(img, 0, 0);
      const band = Math.max(8, Math.floor(h / 16));
      const row = g.getImageData(0, band >> 1, w, 1).data;
      let n = 0;
      for (let bit = 0; bit < 32; bit++) n = n * 2 + (row[Math.floor((bit + 0.5) * w / 32) * 4 + 1] > 128 ? 1 : 0);
      if (n !== last) { window.testFrames.push([n, Date.now(), 0]); last = n; }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return true;
})()`

func benchSource() string {
	if clip := os.Getenv("WEBCAM_BENCH_CLIP"); clip != "" {
		return "file://" + clip
	}
	return "testpattern://"
}

func benchBandwidth(b *testing.B) {
	cam := startCamera(b, benchSource(), 1280, 720, 30)
	ts := startServer(b, Config{CompressedQuality: func() int { return 80 }}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	ctx, _ := browser(b)
	for b.Loop() {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.url+"/webrtc?topic=/cam/image_raw")); err != nil {
			b.Fatal(err)
		}
		if !waitFor(10*time.Second, func() bool { st, _ := readPage(ctx); return st.Frames > 60 }) {
			b.Fatal("WebRTC page shows nothing")
		}
		// The page's wire bytes (RTP payload and headers), updated each second.
		wire := func() (float64, time.Time) {
			n, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.webcamStats.wireBytes`))
			return n, time.Now()
		}
		b0, t0 := wire()
		time.Sleep(benchWindow)
		b1, t1 := wire()
		webrtc := (b1 - b0) * 8 / t1.Sub(t0).Seconds() / 1e6
		chromedp.Run(ctx, chromedp.Navigate("about:blank"))
		mjpeg95 := streamRate(b, ts.url+"/stream?topic=/cam/image_raw")
		compressed := streamRate(b, ts.url+"/stream?topic=/cam/image_raw&type=ros_compressed")
		b.ReportMetric(webrtc, "webrtc-Mbit/s")
		b.ReportMetric(mjpeg95, "mjpeg-q95-Mbit/s")
		b.ReportMetric(compressed, "mjpeg-compressed-Mbit/s")
		b.ReportMetric(mjpeg95/webrtc, "mjpeg95/webrtc")
	}
}

// streamRate reads an HTTP stream for the bench window: Mbit/s.
func streamRate(b *testing.B, url string) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), benchWindow)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	n, _ := io.Copy(io.Discard, resp.Body)
	return float64(n) * 8 / time.Since(start).Seconds() / 1e6
}

func benchViewerCost(b *testing.B) { viewerCost(b, benchSource()) }

// benchRelayCost is benchViewerCost for an H.264 source of the same scene
// (the clip encoded once by the x264 CLI at the node's defaults, or the test
// pattern by h264/): the viewers get the camera's access units relayed, so
// the server's CPU is the source's and the relay's, with no decode and no
// encode.
func benchRelayCost(b *testing.B) { viewerCost(b, "file://"+benchH264(b)) }

// benchH264 writes the bench scene as a 720p30 H.264 stream.
func benchH264(b *testing.B) string {
	clip := os.Getenv("WEBCAM_BENCH_CLIP")
	if clip == "" {
		return patternH264(b, 1280, 720, 900, 60)
	}
	out := filepath.Join(b.TempDir(), "clip.h264")
	cmd := exec.Command("ffmpeg", "-v", "error", "-i", clip, "-vf", "scale=1280:720", "-c:v", "libx264",
		"-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-b:v", "1800k",
		"-maxrate", "1800k", "-bufsize", "120k", "-g", "60", "-pix_fmt", "yuv420p", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v\n%s", err, msg)
	}
	return out
}

func viewerCost(b *testing.B, source string) {
	cam := startCamera(b, source, 1280, 720, 30)
	ts := startServer(b, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	ctx, _ := browser(b)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.url+"/state")); err != nil {
		b.Fatal(err)
	}
	join := `(async (k) => {
  window.counts = window.counts || [];
  for (let i = 0; i < k; i++) {
    const slot = window.counts.length;
    window.counts.push(0);
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    const v = document.createElement("video");
    v.muted = true; v.autoplay = true; v.width = 64;
    document.body.appendChild(v);
    pc.ontrack = (e) => { v.srcObject = new MediaStream([e.track]); };
    const cb = () => { window.counts[slot]++; v.requestVideoFrameCallback(cb); };
    v.requestVideoFrameCallback(cb);
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => { pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && r(); setTimeout(r, 1000); });
    const resp = await fetch("/whep?topic=/cam/image_raw", { method: "POST", headers: { "Content-Type": "application/sdp" }, body: pc.localDescription.sdp });
    await pc.setRemoteDescription({ type: "answer", sdp: await resp.text() });
  }
  return true;
})`
	for b.Loop() {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](join+"(1)", chromedp.EvalAwaitPromise)); err != nil {
			b.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		one := cpuPerSecond(benchWindow)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](join+"(9)", chromedp.EvalAwaitPromise)); err != nil {
			b.Fatal(err)
		}
		if !waitFor(10*time.Second, func() bool { return ts.whep.count() == 10 }) {
			b.Fatalf("%d peers, want 10", ts.whep.count())
		}
		time.Sleep(3 * time.Second)
		shown := func() []float64 { c, _ := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`window.counts`)); return c }
		c0 := shown()
		ten := cpuPerSecond(benchWindow)
		c1 := shown()
		slowest := math.Inf(1)
		for i := range c1 {
			slowest = min(slowest, (c1[i]-c0[i])/benchWindow.Seconds())
		}
		b.ReportMetric(slowest, "slowest-of-10-fps")
		b.ReportMetric(one*100, "cpu-1-viewer-%core")
		b.ReportMetric(ten*100, "cpu-10-viewers-%core")
		b.ReportMetric((ten-one)/9*100, "per-added-viewer-%core")
		st := ts.h264.states()[0]
		b.ReportMetric(float64(st.Encodes), "encodes")
		b.ReportMetric(float64(st.Relayed), "relayed")
	}
}

// cpuPerSecond is this process's CPU seconds per wall second over d.
func cpuPerSecond(d time.Duration) float64 {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	c0, t0 := cpu(), time.Now()
	time.Sleep(d)
	return float64(cpu()-c0) / float64(time.Since(t0))
}
