package httpview

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"webcam/stream"
)

// TestPublishRate: with Config.PublishRate set, a stalled source's last part
// is written again at that rate, byte for byte with the same X-Timestamp,
// counted as re-sent and not as frames; with 0 nothing comes while the source
// stalls. Re-sending ends with the viewer.
func TestPublishRate(t *testing.T) {
	cam := startCamera(t, "testpattern://", 160, 120, 30)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	f1 := cam.latest.Load()
	f2, err := cam.latest.Next(ctx, f1.Seq)
	if err != nil {
		t.Fatal(err)
	}
	const window = 600 * time.Millisecond
	cases := []struct {
		name     string
		rate     float64
		min, max int // parts of the stalled source within window
	}{
		{"off", 0, 0, 0},
		{"20 Hz", 20, 5, 14}, // 12 at exactly 20 Hz; fewer on a loaded machine
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A source under the test's control: two frames, then nothing.
			var src stream.Latest
			srv := startServer(t, Config{PublishRate: tc.rate}, Topic{Name: "/cam/image_raw", Frames: &src})
			src.Publish(f1)
			m := mustOpen(t, ctx, srv.url+"/stream?topic=/cam/image_raw")
			if _, err := m.next(); err != nil {
				t.Fatal(err)
			}
			src.Publish(f2)
			last, err := m.next()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := last.header["X-Timestamp"], string(appendStamp(nil, f2.Stamp)); got != want {
				t.Fatalf("second part stamped %s, want frame 2's %s", got, want)
			}

			parts := make(chan part)
			go func() {
				for {
					p, err := m.next()
					if err != nil {
						close(parts)
						return
					}
					parts <- p
				}
			}()
			n := 0
			timeout := time.After(window)
		collect:
			for {
				select {
				case p := <-parts:
					n++
					if !bytes.Equal(p.jpeg, last.jpeg) || p.header["X-Timestamp"] != last.header["X-Timestamp"] {
						t.Fatalf("re-sent part %d differs from the last frame's (stamp %s, want %s)", n, p.header["X-Timestamp"], last.header["X-Timestamp"])
					}
				case <-timeout:
					break collect
				}
			}
			if n < tc.min || n > tc.max {
				t.Errorf("%d parts in %s of a stalled source at publish rate %v, want %d..%d", n, window, tc.rate, tc.min, tc.max)
			}

			var st struct{ HTTP HTTPState }
			_, body := get(t, client(), srv.url+"/state")
			if err := json.Unmarshal(body, &st); err != nil {
				t.Fatal(err)
			}
			if len(st.HTTP.Clients) != 1 || st.HTTP.PublishRate != tc.rate {
				t.Fatalf("/state: publish rate %v, clients %+v", st.HTTP.PublishRate, st.HTTP.Clients)
			}
			if c := st.HTTP.Clients[0]; c.Frames != 2 || int(c.Resent) < n {
				t.Errorf("/state client: %d frames, %d re-sent; want the 2 new frames and at least the %d re-sent parts read", c.Frames, c.Resent, n)
			}

			m.Close()
			for range parts { // the reader's last part, then its end
			}
			if !waitFor(viewerGone, func() bool { return srv.Viewers() == 0 && srv.handlers.Load() == 0 }) {
				t.Fatalf("the viewer's goroutine still runs after it left (%d viewers, %d handlers)", srv.Viewers(), srv.handlers.Load())
			}
			if logs := srv.logs.String(); tc.rate > 0 && !strings.Contains(logs, "re-sent") {
				t.Errorf("the viewer's leave line does not count its re-sent parts:\n%s", logs)
			}
		})
	}
	if _, err := New(Config{PublishRate: -1}, nil); err == nil || !strings.Contains(err.Error(), "-1") {
		t.Errorf("PublishRate -1: %v, want an error naming it", err)
	}
}
