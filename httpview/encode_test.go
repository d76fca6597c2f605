package httpview

import (
	"context"
	"math"
	"testing"
	"time"

	"webcam/capture"
	"webcam/stream"
)

// rosPublisher stands in for the node's compressed publisher: it asks every
// frame for its JPEG at the node's quality, as the node does.
func rosPublisher(ctx context.Context, l *stream.Latest, quality int) {
	var last uint64
	for {
		f, err := l.Next(ctx, last)
		if err != nil {
			return
		}
		last = f.Seq
		f.JPEG(capture.EncodeOptions{Quality: quality})
	}
}

// TestEncodesPerFrame counts JPEG encodes against captured frames: one per
// frame and distinct rendition however many watch, none when nobody does.
func TestEncodesPerFrame(t *testing.T) {
	const window = 1500 * time.Millisecond
	cases := []struct {
		name     string
		uri      string
		queries  map[string]int // stream query → viewers
		ros      bool           // a ROS publisher encodes too
		perFrame float64
	}{
		{"nobody watches", "testpattern://", nil, false, 0},
		{"1 viewer", "testpattern://", map[string]int{"": 1}, false, 1},
		{"20 viewers", "testpattern://", map[string]int{"": 20}, false, 1},
		{"20 viewers, resized", "testpattern://", map[string]int{"&width=160&quality=60": 20}, false, 1},
		{"two renditions", "testpattern://", map[string]int{"": 10, "&quality=50": 10}, false, 2},
		{"compressed, shared with ROS", "testpattern://", map[string]int{"&type=ros_compressed": 20}, true, 1},
		{"mjpeg camera, compressed", "testpattern://?format=mjpeg", map[string]int{"&type=ros_compressed": 20}, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, cam := oneCamera(t, Config{CompressedQuality: func() int { return 80 }}, tc.uri)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.ros {
				go rosPublisher(ctx, cam.latest, 80)
			}
			want := 0
			var waits []func() []int
			for q, n := range tc.queries {
				waits = append(waits, readers(t, ctx, srv.url+"/stream?topic=/cam/image_raw"+q, n))
				want += n
			}
			if !waitFor(10*time.Second, func() bool { return srv.Viewers() == want }) {
				t.Fatalf("%d viewers, want %d", srv.Viewers(), want)
			}
			time.Sleep(300 * time.Millisecond)
			enc0, cap0 := capture.Counts().Encodes, cam.captured()
			time.Sleep(window)
			enc1, cap1 := capture.Counts().Encodes, cam.captured()
			cancel()
			for _, w := range waits {
				w()
			}
			frames := float64(cap1 - cap0)
			got := float64(enc1-enc0) / frames
			t.Logf("%d encodes for %.0f frames: %.2f per frame", enc1-enc0, frames, got)
			// One frame at each edge of the window may be counted on one side only.
			if math.Abs(got-tc.perFrame) > (tc.perFrame+1)/frames+0.001 {
				t.Errorf("%.2f encodes per frame, want %g", got, tc.perFrame)
			}
		})
	}
}
