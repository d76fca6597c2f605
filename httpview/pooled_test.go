package httpview

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"webcam/capture"
)

// Viewers of a camera whose frames are pooled (the test pattern's) hold
// each frame while they encode it: an encode slower than several frame
// periods still sees the frame's own bytes from start to end, for streams
// and snapshots alike, and a released buffer (poisoned in tests) never
// reaches a viewer.
func TestViewersHoldPooledFrames(t *testing.T) {
	cam := startCamera(t, "testpattern://", 160, 120, 200)
	srv := startServer(t, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	var mu sync.Mutex
	var encodes int
	srv.mu.Lock()
	srv.encode = func(f *capture.Frame, o capture.EncodeOptions) ([]byte, error) {
		if !f.Pooled() {
			t.Errorf("frame %d is not pooled: this test checks nothing", f.Seq)
		}
		before := bytes.Clone(f.Data)
		time.Sleep(25 * time.Millisecond) // five frame periods
		if !bytes.Equal(before, f.Data) {
			t.Errorf("frame %d changed while a viewer encoded it", f.Seq)
		}
		mu.Lock()
		encodes++
		mu.Unlock()
		return f.JPEG(o)
	}
	srv.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, q := range []string{"quality=50", "quality=60&invert=true"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := openStream(ctx, client(), srv.url+"/stream?topic=/cam/image_raw&"+q)
			if err != nil {
				t.Error(err)
				return
			}
			defer m.Close()
			for range 6 {
				if _, err := m.next(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 4 {
		resp, err := client().Get(srv.url + "/snapshot?topic=/cam/image_raw&quality=70")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("snapshot: %d", resp.StatusCode)
		}
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if encodes < 12 {
		t.Errorf("%d encodes, want ≥ 12 (2 streams × 6 parts, 4 snapshots)", encodes)
	}
}
