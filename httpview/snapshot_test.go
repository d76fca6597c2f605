package httpview

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"webcam/capture"
	"webcam/stream"

	"gocv.io/x/gocv"
)

func TestSnapshot(t *testing.T) {
	cases := []struct {
		name, uri, query string
		w, h             int
		contentType      string
	}{
		{"raw camera", "testpattern://", "topic=/cam/image_raw", 320, 240, "image/jpeg"},
		{"resized", "testpattern://", "topic=/cam/image_raw&width=80&quality=50", 80, 60, "image/jpeg"},
		{"no leading slash", "testpattern://", "topic=cam/image_raw&height=120", 160, 120, "image/jpeg"},
		{"mjpeg camera", "testpattern://?format=mjpeg", "topic=/cam/image_raw", 320, 240, "image/jpeg"},
		{"compressed topic", "testpattern://?format=mjpeg", "topic=/cam/image_raw/compressed", 320, 240, "image/jpeg"},
		{"other types give a JPEG", "testpattern://", "topic=/cam/image_raw&type=h264", 320, 240, "image/jpeg"},
		{"png", "testpattern://", "topic=/cam/image_raw&type=png", 320, 240, "image/png"},
		{"png of an mjpeg camera, inverted", "testpattern://?format=mjpeg", "topic=/cam/image_raw&type=png&invert&width=160", 160, 120, "image/png"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := oneCamera(t, Config{}, tc.uri)
			resp, body := get(t, client(), srv.url+"/snapshot?"+tc.query)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.contentType {
				t.Fatalf("%s %q: %s", resp.Status, resp.Header.Get("Content-Type"), body)
			}
			if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n != len(body) {
				t.Errorf("Content-Length %d for %d bytes", n, len(body))
			}
			if !stampFormat.MatchString(resp.Header.Get("X-Timestamp")) {
				t.Errorf("X-Timestamp %q", resp.Header.Get("X-Timestamp"))
			}
			if w, h := decodeSize(t, body); w != tc.w || h != tc.h {
				t.Errorf("snapshot is %dx%d, want %dx%d", w, h, tc.w, tc.h)
			}
		})
	}
}

// TestCompressedSnapshotIsCameraBytes: the compressed topic of an MJPEG
// camera is served as the camera sent it, without an encode.
func TestCompressedSnapshotIsCameraBytes(t *testing.T) {
	cam := startCamera(t, "testpattern://?format=mjpeg", 320, 240, 2) // slow, so the newest frame holds still
	srv := startServer(t, Config{}, Topic{"/cam/image_raw", cam.latest})
	for range 3 {
		before, encodes := cam.latest.Load(), capture.Counts().Encodes
		_, body := get(t, client(), srv.url+"/snapshot?topic=/cam/image_raw/compressed")
		if cam.latest.Load() != before {
			continue // a new frame came in between: try again
		}
		if !bytes.Equal(body, before.Data) {
			t.Fatalf("snapshot (%d bytes) is not the camera's frame (%d bytes)", len(body), len(before.Data))
		}
		if n := capture.Counts().Encodes - encodes; n != 0 {
			t.Fatalf("%d encodes for a compressed snapshot of an MJPEG camera", n)
		}
		return
	}
	t.Fatal("the camera never held still for a snapshot")
}

func TestSnapshotWithoutFrames(t *testing.T) {
	t.Parallel() // mostly waiting; encodes nothing, so counting tests are undisturbed
	srv := startServer(t, Config{}, Topic{"/cam/image_raw", &stream.Latest{}})
	start := time.Now()
	resp, body := get(t, client(), srv.url+"/snapshot?topic=/cam/image_raw")
	if resp.StatusCode != 503 || !bytes.Contains(body, []byte("no frame from /cam/image_raw yet")) {
		t.Fatalf("%s: %s", resp.Status, body)
	}
	if d := time.Since(start); d < snapshotWait || d > snapshotWait+2*time.Second {
		t.Errorf("answered after %s, want about %s", d, snapshotWait)
	}
}

func TestState(t *testing.T) {
	cases := []struct {
		name  string
		state func() any
		check func(t *testing.T, st map[string]any)
	}{
		{"object merged", func() any { return map[string]any{"state": "ok", "fps": 30.0, "source": "testpattern://"} },
			func(t *testing.T, st map[string]any) {
				if st["state"] != "ok" || st["source"] != "testpattern://" {
					t.Errorf("node fields not merged: %v", st)
				}
			}},
		{"struct merged", func() any {
			return struct {
				Source string `json:"source"`
			}{"v4l2:///dev/video0"}
		},
			func(t *testing.T, st map[string]any) {
				if st["source"] != "v4l2:///dev/video0" {
					t.Errorf("node fields not merged: %v", st)
				}
			}},
		{"non-object kept whole", func() any { return []int{1, 2} },
			func(t *testing.T, st map[string]any) {
				if _, ok := st["node"].([]any); !ok {
					t.Errorf("node state lost: %v", st)
				}
			}},
		{"no node state", nil, func(t *testing.T, st map[string]any) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := oneCamera(t, Config{State: tc.state}, "testpattern://")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			m := mustOpen(t, ctx, srv.url+"/stream?topic=/cam/image_raw&quality=70")
			for range 3 {
				if _, err := m.next(); err != nil {
					t.Fatal(err)
				}
			}
			resp, body := get(t, client(), srv.url+"/state")
			if resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
			var st map[string]any
			if err := json.Unmarshal(body, &st); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			tc.check(t, st)
			var h struct{ HTTP HTTPState }
			json.Unmarshal(body, &h)
			if h.HTTP.Viewers != 1 || len(h.HTTP.Clients) != 1 || len(h.HTTP.Topics) != 1 {
				t.Fatalf("http state %+v", h.HTTP)
			}
			c, tp := h.HTTP.Clients[0], h.HTTP.Topics[0]
			if c.Topic != "/cam/image_raw" || c.Type != "mjpeg" || c.Quality != 70 || c.Frames < 2 { // the third may be counted just after the client read it
				t.Errorf("client %+v", c)
			}
			if tp.Topic != "/cam/image_raw" || tp.Viewers != 1 || tp.Width != 320 || tp.Format != "rgb8" || tp.Seq == 0 || tp.FPS < 15 {
				t.Errorf("topic %+v", tp)
			}
		})
	}
}

// invert is web_video_server's 180° rotation: the test pattern's colour bars
// run the other way, and its counter band moves from the top to the bottom.
func TestInvertRotates(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	pixel := func(query string, x, y int) gocv.Vecb {
		_, body := get(t, client(), srv.url+"/snapshot?topic=/cam/image_raw&type=png&"+query)
		m, err := gocv.IMDecode(body, gocv.IMReadColor)
		if err != nil || m.Empty() {
			t.Fatalf("%s: not an image: %v", query, err)
		}
		defer m.Close()
		return m.GetVecbAt(y, x)
	}
	const w, h = 320, 240
	for _, p := range [][2]int{{5, h / 2}, {w - 6, h / 2}, {w / 2, h / 3}} {
		straight := pixel("", p[0], p[1])
		inverted := pixel("invert", w-1-p[0], h-1-p[1])
		if !slices.Equal(straight, inverted) {
			t.Errorf("pixel %v is %v upright but %v at the rotated place when inverted", p, straight, inverted)
		}
	}
}
