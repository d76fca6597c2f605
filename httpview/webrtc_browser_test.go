package httpview

import (
	"context"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"webcam/capture"
	"webcam/stream"
)

// browser is a headless Debian Chromium driven over the DevTools protocol,
// ended with the test.
func browser(t testing.TB, flags ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	opts = append(opts, flags...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil { // starts the browser
		t.Fatalf("chromium: %v", err)
	}
	stop := func() { cancelTimeout(); cancel(); cancelAlloc() }
	t.Cleanup(stop)
	return ctx, stop
}

// readCounters is injected into the /webrtc page: on every decoded frame it
// reads the test pattern's frame counter (its top band: 32 bits, most
// significant first, white for 1) from the video and records it with the
// wall-clock time the frame was shown.
const readCounters = `(() => {
  window.testFrames = [];
  const v = document.getElementById("video");
  const c = document.createElement("canvas");
  const g = c.getContext("2d", { willReadFrequently: true });
  const cb = (now, md) => {
    if (c.width !== md.width || c.height !== md.height) { c.width = md.width; c.height = md.height; }
    g.drawImage(v, 0, 0, md.width, md.height);
    const band = Math.max(8, Math.floor(md.height / 16));
    const row = g.getImageData(0, band >> 1, md.width, 1).data;
    let n = 0;
    for (let bit = 0; bit < 32; bit++) {
      const x = Math.floor((bit + 0.5) * md.width / 32);
      n = n * 2 + (row[x * 4 + 1] > 128 ? 1 : 0);
    }
    window.testFrames.push([n, performance.timeOrigin + md.presentationTime, md.presentedFrames]);
    v.requestVideoFrameCallback(cb);
  };
  v.requestVideoFrameCallback(cb);
  return true;
})()`

type pageStats struct {
	State      string       `json:"state"`
	Frames     int          `json:"frames"`
	FPS        float64      `json:"fps"`
	Width      int          `json:"width"`
	Height     int          `json:"height"`
	Kbps       int          `json:"kbps"`
	LatencyMs  []float64    `json:"latencyMs"`
	Fallback   *string      `json:"fallback"`
	Resource   *string      `json:"resource"`
	TestFrames [][3]float64 // counter, when shown (Unix ms), presentedFrames
}

func readPage(ctx context.Context) (pageStats, error) {
	st, err := chromedp.Run(ctx, chromedp.Evaluate[pageStats](`window.webcamStats`))
	if err != nil {
		return st, err
	}
	st.TestFrames, err = chromedp.Run(ctx, chromedp.Evaluate[[][3]float64](`window.testFrames || []`))
	return st, err
}

// playing waits for the page's first decoded frame, failing with the
// page's own reason if it fell back to MJPEG.
func playing(t *testing.T, ctx context.Context) {
	t.Helper()
	var st pageStats
	waitFor(10*time.Second, func() bool {
		st, _ = readPage(ctx)
		return st.Frames > 0 || st.Fallback != nil
	})
	if st.Fallback != nil {
		t.Fatalf("the page fell back to MJPEG: %s", *st.Fallback)
	}
	if st.Frames == 0 {
		t.Fatalf("no frame decoded in 10 s: %+v", st)
	}
}

// stampBook records the capture time of each test-pattern counter the
// camera produced, read from the frames themselves.
type stampBook struct {
	mu     sync.Mutex
	stamps map[uint32]time.Time
}

func recordStamps(ctx context.Context, l *stream.Latest) *stampBook {
	b := &stampBook{stamps: map[uint32]time.Time{}}
	go func() {
		var last uint64
		for {
			f, err := l.Next(ctx, last)
			if err != nil {
				return
			}
			last = f.Seq
			b.mu.Lock()
			b.stamps[patternCounter(f)] = f.Stamp
			b.mu.Unlock()
		}
	}()
	return b
}

// patternCounter reads the counter band of an rgb8 test-pattern frame.
func patternCounter(f *capture.Frame) uint32 {
	y := capture.PatternBandHeight(f.Height) / 2
	var n uint32
	for bit := 0; bit < 32; bit++ {
		x := (2*bit + 1) * f.Width / 64
		n <<= 1
		if f.Data[y*f.Step+x*3+1] > 128 {
			n |= 1
		}
	}
	return n
}

func (b *stampBook) latencies(frames [][3]float64) (lat []float64, unknown int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, fr := range frames {
		st, ok := b.stamps[uint32(fr[0])]
		if !ok {
			unknown++
			continue
		}
		lat = append(lat, fr[1]-float64(st.UnixNano())/1e6)
	}
	return lat, unknown
}

func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// TestChromiumPlaysWebRTC opens /webrtc in Chromium and reads the test
// pattern's counter out of the decoded frames: live, advancing, in order,
// at the camera's rate, with the capture-to-display latency measured two
// ways (the page's, from RTP timestamps, and the test's, from the counters).
func TestChromiumPlaysWebRTC(t *testing.T) {
	cam := startCamera(t, "testpattern://", 1280, 720, 30)
	ts := startServer(t, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	stamps := recordStamps(t.Context(), cam.latest)
	ctx, _ := browser(t)
	page := ts.url + "/webrtc?" + url.Values{"topic": {"/cam/image_raw"}}.Encode()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	playing(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](readCounters)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(6 * time.Second)
	st, err := readPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Fallback != nil {
		t.Fatalf("the page fell back to MJPEG: %s", *st.Fallback)
	}
	if st.Width != 1280 || st.Height != 720 {
		t.Errorf("decoded %dx%d, want 1280x720", st.Width, st.Height)
	}
	counters := make([]float64, len(st.TestFrames))
	for i, f := range st.TestFrames {
		counters[i] = f[0]
	}
	if len(counters) < 100 {
		t.Fatalf("%d frames decoded in about 5 s of playing, want ≥ 100 at 30 fps", len(counters))
	}
	// In order: never backwards. A picture presented twice in a row (the
	// renderer repeats one while the next is late, mostly as playback starts)
	// is counted; more than a few means frames are being lost.
	repeats := 0
	for i := 1; i < len(counters); i++ {
		switch {
		case counters[i] < counters[i-1]:
			t.Fatalf("frame %d: counter %v after %v: frames out of order (%v)", i, counters[i], counters[i-1], st.TestFrames[max(0, i-3):min(len(counters), i+3)])
		case counters[i] == counters[i-1]:
			repeats++
		}
	}
	if repeats > len(counters)/20 {
		t.Errorf("%d of %d pictures were a repeat of the one before", repeats, len(counters))
	}
	// Live: of the frames the camera took between the first and the last
	// counter shown, most are shown. The rate itself is a figure of
	// BenchmarkWebRTC (quiet machine), not asserted beside -race tests.
	tail := st.TestFrames[len(st.TestFrames)/2:]
	span := (tail[len(tail)-1][1] - tail[0][1]) / 1000
	fps := float64(len(tail)-1) / span
	if taken := tail[len(tail)-1][0] - tail[0][0] + 1; float64(len(tail)) < taken/2 {
		t.Errorf("%d of the camera's %v frames shown over the last %.1f s: not live", len(tail), taken, span)
	}
	lat, unknown := stamps.latencies(st.TestFrames)
	if unknown > len(st.TestFrames)/10 {
		t.Errorf("%d of %d decoded counters were never captured: the picture is damaged", unknown, len(st.TestFrames))
	}
	p50, p99 := percentile(lat, 0.5), percentile(lat, 0.99)
	pageP50 := percentile(st.LatencyMs, 0.5)
	t.Logf("WebRTC 1280x720: %.1f fps, %d kbit/s, capture→display p50 %.1f ms p99 %.1f ms (the page's own: p50 %.1f ms), %d repeated pictures of %d", fps, st.Kbps, p50, p99, pageP50, repeats, len(counters))
	if p50 <= 0 || p50 > 1000 {
		t.Errorf("latency p50 %.1f ms: not a live picture", p50)
	}
	if d := pageP50 - p50; d < -20 || d > 20 {
		t.Errorf("the page measures p50 %.1f ms, the counters %.1f ms: the RTP clock does not carry the capture time", pageP50, p50)
	}
	if st.Kbps <= 0 || st.Kbps > 4000 {
		t.Errorf("%d kbit/s received", st.Kbps)
	}
}

// joinMidStream opens page in a second tab of ctx's browser and checks that
// it shows a picture within 1 s (a keyframe on demand, not the next GOP).
// The tab lives until the test ends.
func joinMidStream(t *testing.T, ctx context.Context, page, what string) context.Context {
	t.Helper()
	second, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	began := time.Now()
	if _, err := chromedp.Run(second, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	var firstFrame time.Duration
	if waitFor(5*time.Second, func() bool { st, _ := readPage(second); return st.Frames > 0 }) {
		firstFrame = time.Since(began)
	}
	t.Logf("%s: first picture after %s", what, firstFrame.Round(time.Millisecond))
	if firstFrame == 0 || firstFrame > time.Second {
		t.Errorf("%s: first picture after %s, want ≤ 1 s", what, firstFrame)
	}
	return second
}

// TestWebRTCViewersShareOneEncodeAndLeave: a second page joining mid-stream
// shows a picture within 1 s (a keyframe on demand), both cost one encode
// per frame, and leaving or killing the browser frees the encoder and its
// goroutines within 5 s.
func TestWebRTCViewersShareOneEncodeAndLeave(t *testing.T) {
	cam := startCamera(t, "testpattern://", 640, 480, 30)
	ts := startServer(t, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	goroutines := runtime.NumGoroutine()
	ctx, kill := browser(t)
	page := ts.url + "/webrtc?topic=/cam/image_raw"
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	if !waitFor(10*time.Second, func() bool { st, _ := readPage(ctx); return st.Frames > 30 }) {
		st, _ := readPage(ctx)
		t.Fatalf("first viewer: no picture: %+v", st)
	}
	second := joinMidStream(t, ctx, page, "a viewer joining mid-stream")
	states := ts.h264.states()
	if len(states) != 1 || states[0].Viewers != 2 {
		t.Fatalf("h264 sessions %+v, want one with 2 viewers", states)
	}
	before, captured := states[0].Encodes, cam.captured()
	time.Sleep(2 * time.Second)
	encodes, frames := ts.h264.states()[0].Encodes-before, cam.captured()-captured
	if encodes > frames+1 {
		t.Errorf("%d encodes for %d frames with two viewers: the encode is not shared", encodes, frames)
	}
	// The second page navigates away (pagehide sends the DELETE); the
	// first one's browser is killed.
	if _, err := chromedp.Run(second, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if !waitFor(5*time.Second, func() bool { s := ts.h264.states(); return len(s) == 1 && s[0].Viewers == 1 }) {
		t.Errorf("after a page left: sessions %+v, want one viewer", ts.h264.states())
	}
	kill()
	if !waitFor(5*time.Second, func() bool { return len(ts.h264.states()) == 0 && ts.whep.count() == 0 }) {
		t.Errorf("5 s after the browser was killed: sessions %+v, %d peers", ts.h264.states(), ts.whep.count())
	}
	if !waitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= goroutines+2 }) {
		t.Errorf("goroutines: %d before the viewers, %d after they left", goroutines, runtime.NumGoroutine())
	}
}
