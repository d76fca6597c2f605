package httpview

import (
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rateWindow is how long load tests measure frame rates.
const rateWindow = 3 * time.Second

// sentFrames is each open viewer's frame count, by viewer id.
func sentFrames(s *Server) map[uint64]uint64 {
	out := map[uint64]uint64{}
	for _, v := range s.viewerStates() {
		out[v.ID] = v.Frames
	}
	return out
}

// viewerRates measures, over rateWindow, each viewer's frames as a share of
// the frames the camera captured meanwhile.
func viewerRates(t *testing.T, s *Server, cam *testCamera) map[uint64]float64 {
	t.Helper()
	before, cap0 := sentFrames(s), cam.captured()
	time.Sleep(rateWindow)
	after, cap1 := sentFrames(s), cam.captured()
	out := map[uint64]float64{}
	for id, n := range after {
		if b, ok := before[id]; ok {
			out[id] = float64(n-b) / float64(cap1-cap0)
		}
	}
	t.Logf("camera captured %d frames in %s", cap1-cap0, rateWindow)
	return out
}

// readers opens n streams that parse every part until ctx ends.
func readers(t *testing.T, ctx context.Context, url string, n int) (wait func() []int) {
	var wg sync.WaitGroup
	counts := make([]int, n)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if counts[i], err = countParts(ctx, client(), url); err != nil {
				errs <- fmt.Errorf("viewer %d: %w", i, err)
			}
		}()
	}
	return func() []int {
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		return counts
	}
}

func TestTwentyViewersAtSourceRate(t *testing.T) {
	srv, cam := oneCamera(t, Config{}, "testpattern://")
	ctx, cancel := context.WithCancel(context.Background())
	wait := readers(t, ctx, srv.url+"/stream?topic=/cam/image_raw", 20)
	if !waitFor(10*time.Second, func() bool { return srv.Viewers() == 20 }) {
		t.Fatalf("%d viewers connected, want 20", srv.Viewers())
	}
	time.Sleep(300 * time.Millisecond) // let every viewer get going
	rates := viewerRates(t, srv.Server, cam)
	cancel()
	counts := wait()
	if len(rates) != 20 {
		t.Fatalf("measured %d viewers", len(rates))
	}
	for id, r := range rates {
		if r < 0.85 {
			t.Errorf("viewer %d got %.0f%% of the camera's frames", id, 100*r)
		}
	}
	t.Logf("frames parsed per viewer: %v", counts)
}

// stalledConn asks for a stream and never reads it. Its receive buffer is
// small and its frames big, so the server's writes block within a second.
func stalledConn(t *testing.T, addr, query string) net.Conn {
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	io.WriteString(conn, "GET /stream?"+query+" HTTP/1.1\r\nHost: robot\r\n\r\n")
	return conn
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestStalledViewerHarmsNoOne(t *testing.T) {
	const timeout = 2 * time.Second
	srv, cam := oneCamera(t, Config{WriteTimeout: timeout}, "testpattern://")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := readers(t, ctx, srv.url+"/stream?topic=/cam/image_raw", 5)
	stalledConn(t, strings.TrimPrefix(srv.url, "http://"), "topic=/cam/image_raw&width=1280&quality=100")
	if !waitFor(10*time.Second, func() bool { return srv.Viewers() == 6 }) {
		t.Fatalf("%d viewers, want 6", srv.Viewers())
	}
	heap0 := heapAlloc()
	rates := viewerRates(t, srv.Server, cam)
	var stalled ViewerState
	for _, v := range srv.viewerStates() {
		if v.Width == 1280 {
			stalled = v
		}
	}
	for id, r := range rates {
		if id != stalled.ID && r < 0.85 {
			t.Errorf("reading viewer %d got %.0f%% of the frames beside a stalled one", id, 100*r)
		}
	}
	if grew := int64(heapAlloc()) - int64(heap0); grew > 8<<20 {
		t.Errorf("heap grew %d KiB while a viewer stalled", grew>>10)
	}
	t.Logf("stalled viewer: %d frames sent, %d dropped", stalled.Frames, stalled.Drops)
	if stalled.ID != 0 && stalled.Drops == 0 {
		t.Error("the stalled viewer shows no drops")
	}
	// The stalled viewer is cut off once a write has blocked for the timeout.
	if !waitFor(timeout+5*time.Second, func() bool { return srv.Viewers() == 5 }) {
		t.Errorf("stalled viewer still connected: %+v", srv.viewerStates())
	}
	if !strings.Contains(srv.logs.String(), "too slow") {
		t.Errorf("no log of the slow viewer being dropped:\n%s", srv.logs)
	}
	cancel()
	wait()
}
