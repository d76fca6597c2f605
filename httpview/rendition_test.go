package httpview

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"webcam/capture"
)

// peakRSS is the process's peak resident set (VmHWM), in bytes: OpenCV's
// buffers are C memory the Go heap does not see.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}

// TestOversizedRenditionsAreBudgeted is the torture run's memory exhaustion
// (issue 14, defect 1): viewers each asking for a huge size at a quality of
// their own. No rendition may be larger than the camera's frames, and no more
// than the budget (4 by default) distinct renditions are encoded per frame;
// the viewers beyond it get the nearest one in use.
func TestOversizedRenditionsAreBudgeted(t *testing.T) {
	const (
		viewers = 8
		budget  = 4 // the default MaxRenditions
		srcW    = 320
		srcH    = 240
	)
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	var mu sync.Mutex
	perFrame := map[uint64]map[capture.EncodeOptions]bool{}
	srv.mu.Lock()
	srv.encode = func(f *capture.Frame, o capture.EncodeOptions) ([]byte, error) {
		mu.Lock()
		if perFrame[f.Seq] == nil {
			perFrame[f.Seq] = map[capture.EncodeOptions]bool{}
		}
		perFrame[f.Seq][o] = true
		mu.Unlock()
		return f.JPEG(o)
	}
	srv.mu.Unlock()

	heap0, rss0 := heapAlloc(), peakRSS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	streams := make([]*mjpegReader, viewers)
	for i := range streams {
		url := fmt.Sprintf("%s/stream?topic=/cam/image_raw&width=4096&height=4096&quality=%d", srv.url, 20+10*i)
		m, err := openStream(ctx, client(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		streams[i] = m
	}
	for round := range 5 {
		for i, m := range streams {
			p, err := m.next()
			if err != nil {
				t.Fatalf("viewer %d, part %d: %v", i, round, err)
			}
			if w, h := decodeSize(t, p.jpeg); w > srcW || h > srcH {
				t.Fatalf("viewer %d got a %dx%d JPEG of a %dx%d camera", i, w, h, srcW, srcH)
			} else if w != h {
				t.Errorf("viewer %d got %dx%d for 4096x4096: the aspect ratio asked for is lost", i, w, h)
			}
		}
	}
	heap1, rss1 := heapAlloc(), peakRSS(t)

	renditions := map[[3]int]bool{}
	for _, v := range srv.viewerStates() {
		renditions[[3]int{v.Quality, v.Width, v.Height}] = true
	}
	if len(renditions) > budget {
		t.Errorf("%d viewers watch %d distinct renditions, want at most %d: %v", viewers, len(renditions), budget, renditions)
	}
	mu.Lock()
	most := 0
	for seq, opts := range perFrame {
		most = max(most, len(opts))
		if len(opts) > budget {
			t.Errorf("frame %d encoded %d ways, want at most %d: %v", seq, len(opts), budget, opts)
			break
		}
	}
	mu.Unlock()
	t.Logf("renditions %v; at most %d encodes of one frame; heap %d → %d KiB; peak RSS %d → %d MiB",
		renditions, most, heap0>>10, heap1>>10, rss0>>20, rss1>>20)
	if grew := int64(heap1) - int64(heap0); grew > 8<<20 {
		t.Errorf("heap grew by %d KiB", grew>>10)
	}
	if grew := rss1 - rss0; grew > 64<<20 {
		t.Errorf("peak RSS grew by %d MiB", grew>>20)
	}
}

func TestFitSize(t *testing.T) {
	for _, tc := range []struct {
		srcW, srcH, w, h int
		wantW, wantH     int
	}{
		{640, 480, 0, 0, 0, 0},           // the source's
		{640, 480, 320, 240, 320, 240},   // smaller: as asked
		{640, 480, 320, 0, 320, 240},     // one side: the aspect ratio
		{640, 480, 0, 120, 160, 120},     //
		{640, 480, 640, 480, 0, 0},       // the source's size, asked explicitly
		{640, 480, 8192, 8192, 480, 480}, // too large: scaled down, square kept
		{640, 480, 8192, 0, 0, 0},        // too large, source aspect: the source
		{640, 480, 1280, 100, 640, 50},   // too wide only
		{640, 480, 100, 960, 50, 480},    // too tall only
		{640, 480, 8192, 1, 640, 1},      // never below 1
		{640, 480, 700, 300, 640, 274},   //
		{0, 0, 8192, 8192, 8192, 8192},   // no frame yet: as asked
	} {
		if w, h := fitSize(tc.srcW, tc.srcH, tc.w, tc.h); w != tc.wantW || h != tc.wantH {
			t.Errorf("fitSize(%dx%d, %dx%d) = %dx%d, want %dx%d", tc.srcW, tc.srcH, tc.w, tc.h, w, h, tc.wantW, tc.wantH)
		}
	}
}

// TestRenditionBudget: within the budget each viewer gets what it asked;
// beyond it, the nearest rendition in use, and the places come back when
// viewers leave.
func TestRenditionBudget(t *testing.T) {
	srv, _ := oneCamera(t, Config{MaxRenditions: 2}, "testpattern://")
	get(t, client(), srv.url+"/state") // serving, so the cleanup's Close comes after Serve
	req := func(q, w, h int) viewRequest {
		return viewRequest{topic: srv.topics[0], typ: typeMJPEG, quality: q, width: w, height: h}
	}
	got := func(v viewRequest) string { return fmt.Sprintf("q%d %dx%d", v.quality, v.width, v.height) }
	a, doneA, note := srv.takeRendition(req(95, 0, 0))
	if got(a) != "q95 0x0" || note != "" {
		t.Errorf("first: %s (%q)", got(a), note)
	}
	b, doneB, note := srv.takeRendition(req(50, 160, 0))
	if got(b) != "q50 160x120" || note != "" {
		t.Errorf("second: %s (%q)", got(b), note)
	}
	c, doneC, note := srv.takeRendition(req(60, 100, 80)) // nearest in size: 160x120
	if got(c) != "q50 160x120" || !strings.Contains(note, "2 renditions per camera") {
		t.Errorf("third: %s (%q)", got(c), note)
	}
	d, doneD, _ := srv.takeRendition(req(90, 8192, 8192)) // 240x240 fitted; nearest: the source
	if got(d) != "q95 0x0" {
		t.Errorf("fourth: %s", got(d))
	}
	compressed, doneE, note := srv.takeRendition(viewRequest{topic: srv.topics[0], typ: typeCompressed})
	if compressed.typ != typeCompressed || note != "" {
		t.Errorf("ros_compressed is not budgeted: %+v (%q)", compressed, note)
	}
	doneE()
	doneB()
	doneC() // 160x120 no longer in use: its place is free
	e, doneF, note := srv.takeRendition(req(30, 320, 0))
	if got(e) != "q30 0x0" || note != "" {
		t.Errorf("after leaving: %s (%q)", got(e), note)
	}
	doneA()
	doneD()
	doneF()
	if n := len(srv.renditions); n != 0 {
		t.Errorf("%d renditions still counted: %v", n, srv.renditions)
	}
}
