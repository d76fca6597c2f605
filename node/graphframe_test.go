package node

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/capture"
	"webcam/cdr"
)

// pixels builds w×h pixels of n bytes each, every byte distinct enough to
// catch a swapped or shifted channel, with pad bytes after each row.
func pixels(w, h, n, pad int) []byte {
	var b []byte
	for y := range h {
		for x := range w {
			for c := range n {
				b = append(b, byte(10*c+3*x+7*y+1))
			}
		}
		b = append(b, bytes.Repeat([]byte{0xEE}, pad)...)
	}
	return b
}

func TestGraphImageFrame(t *testing.T) {
	received := time.Unix(1700000000, 0)
	cases := []struct {
		name     string
		msg      cdr.Image
		format   capture.PixelFormat
		wantData []byte // the frame's tight pixels
		err      string
	}{
		{name: "rgb8 tight", msg: cdr.Image{Width: 3, Height: 2, Encoding: "rgb8", Step: 9, Data: pixels(3, 2, 3, 0)},
			format: capture.RGB8, wantData: pixels(3, 2, 3, 0)},
		{name: "bgr8 with padded rows", msg: cdr.Image{Width: 3, Height: 2, Encoding: "bgr8", Step: 12, Data: pixels(3, 2, 3, 3)},
			format: capture.BGR8, wantData: pixels(3, 2, 3, 0)},
		{name: "mono8", msg: cdr.Image{Width: 4, Height: 2, Encoding: "mono8", Step: 4, Data: pixels(4, 2, 1, 0)},
			format: capture.Mono8, wantData: pixels(4, 2, 1, 0)},
		{name: "8UC3 is bgr", msg: cdr.Image{Width: 2, Height: 2, Encoding: "8UC3", Step: 6, Data: pixels(2, 2, 3, 0)},
			format: capture.BGR8, wantData: pixels(2, 2, 3, 0)},
		{name: "rgba8 loses alpha", msg: cdr.Image{Width: 3, Height: 2, Encoding: "rgba8", Step: 12, Data: pixels(3, 2, 4, 0)},
			format: capture.RGB8, wantData: pixels(3, 2, 3, 0)},
		{name: "yuv422_yuy2", msg: cdr.Image{Width: 4, Height: 2, Encoding: "yuv422_yuy2", Step: 8, Data: pixels(4, 2, 2, 0)},
			format: capture.YUYV, wantData: pixels(4, 2, 2, 0)},
		{name: "uyvy", msg: cdr.Image{Width: 4, Height: 2, Encoding: "uyvy", Step: 8, Data: pixels(4, 2, 2, 0)},
			format: capture.UYVY, wantData: pixels(4, 2, 2, 0)},
		{name: "mono16 refused", msg: cdr.Image{Width: 2, Height: 2, Encoding: "mono16", Step: 4, Data: make([]byte, 8)},
			err: `encoding "mono16" is not supported by the web viewer (supported: 8UC1, 8UC3, bgr8, bgra8, mono8, rgb8`},
		{name: "step under width", msg: cdr.Image{Width: 3, Height: 2, Encoding: "rgb8", Step: 8, Data: make([]byte, 16)},
			err: "has step 8, less than width × 3 bytes"},
		{name: "data short", msg: cdr.Image{Width: 3, Height: 2, Encoding: "rgb8", Step: 9, Data: make([]byte, 17)},
			err: "needs 18 bytes of data, has 17"},
		{name: "huge step does not overflow", msg: cdr.Image{Width: 1, Height: 1 << 31, Encoding: "mono8", Step: 1 << 31, Data: make([]byte, 4)},
			err: "needs 4611686018427387904 bytes of data, has 4"},
		{name: "empty", msg: cdr.Image{Encoding: "rgb8"}, err: "rgb8 image is 0x0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := imageFrame(&tc.msg, 7, received)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tc.format || f.Width != int(tc.msg.Width) || f.Height != int(tc.msg.Height) || f.Seq != 7 {
				t.Errorf("frame %d %dx%d %s, want 7 %dx%d %s", f.Seq, f.Width, f.Height, f.Format, tc.msg.Width, tc.msg.Height, tc.format)
			}
			if !bytes.Equal(f.Data, tc.wantData) || f.Step != f.Width*f.Format.BytesPerPixel() {
				t.Errorf("data (step %d) % x\nwant % x", f.Step, f.Data, tc.wantData)
			}
			if !f.Stamp.Equal(received) {
				t.Errorf("stamp %v, want the receive time for a message without one", f.Stamp)
			}
			if _, err := f.JPEG(capture.EncodeOptions{}); err != nil { // the viewer's real use of it
				t.Errorf("encoding the frame: %v", err)
			}
		})
	}
}

func TestGraphCompressedFrame(t *testing.T) {
	raw := &capture.Frame{Width: 40, Height: 30, Format: capture.RGB8, Step: 120, Data: pixels(40, 30, 3, 0)}
	jpeg, err := raw.JPEG(capture.EncodeOptions{Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	stamp := cdr.Time{Sec: 1700000001, Nanosec: 500}
	cases := []struct {
		format string
		data   []byte
		err    string
	}{
		{format: "jpeg", data: jpeg},
		{format: "bgr8; jpeg compressed bgr8", data: jpeg}, // image_transport's
		{format: "", data: jpeg},
		{format: "png", data: []byte("\x89PNG"), err: `format "png": PNG images are not supported by the web viewer (JPEG only)`},
		{format: "16UC1; compressedDepth png", data: []byte{0}, err: "PNG images are not supported"},
		{format: "jpeg", data: jpeg[:len(jpeg)/2], err: `format "jpeg": truncated JPEG`},
		{format: "jpeg", data: []byte("GIF89a"), err: "not a JPEG image"},
	}
	for _, tc := range cases {
		m := &cdr.CompressedImage{Header: cdr.Header{Stamp: stamp}, Format: tc.format, Data: tc.data}
		f, err := compressedFrame(m, 3, time.Now())
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want it to contain %q", tc.format, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.format, err)
			continue
		}
		if f.Format != capture.JPEG || f.Width != 40 || f.Height != 30 || !f.Stamp.Equal(stamp.GoTime()) {
			t.Errorf("%q: frame %dx%d %s at %v, want 40x30 jpeg at the header's stamp", tc.format, f.Width, f.Height, f.Format, f.Stamp)
		}
		if out, _ := f.JPEG(capture.EncodeOptions{Quality: 50}); !bytes.Equal(out, jpeg) {
			t.Errorf("%q: the viewer would not pass the published bytes through", tc.format)
		}
	}
}

func TestMatchQoS(t *testing.T) {
	pub := func(r rclgo.ReliabilityPolicy, d rclgo.DurabilityPolicy) rclgo.TopicEndpointInfo {
		return rclgo.TopicEndpointInfo{QosProfile: rclgo.QosProfile{Reliability: r, Durability: d}}
	}
	rel, be := rclgo.ReliabilityReliable, rclgo.ReliabilityBestEffort
	vol, tl := rclgo.DurabilityVolatile, rclgo.DurabilityTransientLocal
	cases := []struct {
		name string
		pubs []rclgo.TopicEndpointInfo
		want string
	}{
		{"no publisher yet", nil, "reliable, volatile, keep_last 1"},
		{"reliable", []rclgo.TopicEndpointInfo{pub(rel, vol)}, "reliable, volatile, keep_last 1"},
		{"best effort (sensor data)", []rclgo.TopicEndpointInfo{pub(be, vol)}, "best_effort, volatile, keep_last 1"},
		{"one best effort among reliable", []rclgo.TopicEndpointInfo{pub(rel, vol), pub(be, vol)}, "best_effort, volatile, keep_last 1"},
		{"latched", []rclgo.TopicEndpointInfo{pub(rel, tl)}, "reliable, transient_local, keep_last 1"},
		{"latched and volatile", []rclgo.TopicEndpointInfo{pub(rel, tl), pub(rel, vol)}, "reliable, volatile, keep_last 1"},
	}
	for _, tc := range cases {
		if got := matchQoS(tc.pubs).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
