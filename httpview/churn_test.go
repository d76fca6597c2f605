package httpview

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// churnDuration is 3 s by default; WEBCAM_SOAK=60s makes it a soak test.
func churnDuration(t *testing.T) time.Duration {
	v := os.Getenv("WEBCAM_SOAK")
	if v == "" {
		return 3 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("WEBCAM_SOAK=%q is not a positive duration like 60s", v)
	}
	return d
}

// churnActions are the ways clients come and go, abrupt ones included.
func churnActions(base string) []func(ctx context.Context) error {
	stream := func(query string, parts int) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			m, err := openStream(ctx, client(), base+"/stream?topic=/cam/image_raw"+query)
			if err != nil {
				return err
			}
			defer m.Close()
			for range parts {
				if _, err := m.next(); err != nil {
					return err
				}
			}
			return nil
		}
	}
	page := func(path string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
			resp, err := client().Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}
	}
	hangUp := func(ctx context.Context) error { // asks for a stream, leaves at once
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			return err
		}
		io.WriteString(conn, "GET /stream?topic=/cam/image_raw HTTP/1.1\r\nHost: robot\r\n\r\n")
		return conn.Close()
	}
	return []func(ctx context.Context) error{
		stream("", 1), stream("", 0), stream("&width=160", 2), stream("&type=ros_compressed", 1),
		page("/snapshot?topic=/cam/image_raw"), page("/"), page("/state"), hangUp,
	}
}

func TestChurnLeavesNothingBehind(t *testing.T) {
	var logged atomic.Int64 // counted, not kept: kept lines would look like a leak
	srv, _ := oneCamera(t, Config{Log: slog.New(logHandler(func(slog.Level, string) { logged.Add(1) }))}, "testpattern://")
	actions := churnActions(srv.url)
	ctx := context.Background()
	for _, a := range actions { // warm up: first-use allocations are not leaks
		if err := a(ctx); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(5*time.Second, func() bool { return srv.Viewers() == 0 })
	time.Sleep(200 * time.Millisecond)
	goroutines0, heap0 := runtime.NumGoroutine(), heapAlloc()

	d := churnDuration(t)
	deadline := time.Now().Add(d)
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; time.Now().Before(deadline); i++ {
				c, cancel := context.WithTimeout(ctx, 10*time.Second)
				if err := actions[i%len(actions)](c); err != nil {
					failed.Add(1)
					t.Errorf("action %d: %v", i%len(actions), err)
				}
				cancel()
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d connections in %s (%d failed), %d log lines", done.Load(), d, failed.Load(), logged.Load())

	if !waitFor(5*time.Second, func() bool { return srv.Viewers() == 0 && runtime.NumGoroutine() <= goroutines0 }) {
		buf := make([]byte, 1<<20)
		t.Errorf("after churn: %d viewers, %d goroutines (%d before)\n%s",
			srv.Viewers(), runtime.NumGoroutine(), goroutines0, buf[:runtime.Stack(buf, true)])
	}
	heap1 := heapAlloc()
	t.Logf("goroutines %d → %d; heap %d KiB → %d KiB", goroutines0, runtime.NumGoroutine(), heap0>>10, heap1>>10)
	if grew := int64(heap1) - int64(heap0); grew > 4<<20 {
		t.Errorf("heap grew by %d KiB over %d connections", grew>>10, done.Load())
	}
	if s := srv.httpState(); len(s.Clients) != 0 {
		t.Errorf("state still lists clients: %s", fmt.Sprint(s.Clients))
	}
}
