package capture

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestGstJPEGPassthrough(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! jpegenc ! image/jpeg ! appsink", Request{})
	info := src.Info()
	if info.Format != JPEG || info.Width != 320 || info.Height != 240 || info.Backend != "gstreamer" {
		t.Fatalf("info = %+v", info)
	}
	before := Counts()
	for i, f := range readFrames(t, src, 5) {
		if f.Format != JPEG || f.Width != 320 || f.Height != 240 || f.Step != 0 {
			t.Fatalf("frame %d: %s %dx%d step %d", i, f.Format, f.Width, f.Height, f.Step)
		}
		if w, h := decodedSize(t, f.Data); w != 320 || h != 240 {
			t.Fatalf("frame %d decodes to %dx%d", i, w, h)
		}
		out, err := f.JPEG(EncodeOptions{})
		if err != nil || !bytes.Equal(out, f.Data) || &out[0] != &f.Data[0] {
			t.Fatalf("frame %d: JPEG() did not pass the source bytes through (err %v)", i, err)
		}
	}
	if c := Counts(); c.Encodes != before.Encodes {
		t.Errorf("passthrough encoded %d frames", c.Encodes-before.Encodes)
	}
}

func TestGstRaw(t *testing.T) {
	tests := []struct {
		name     string
		pipeline string
		format   PixelFormat
		w, h     int
	}{
		{"bgr", "videotestsrc ! video/x-raw,width=320,height=240 ! videoconvert ! appsink", BGR8, 320, 240},
		{"gray", "videotestsrc ! video/x-raw,width=160,height=120 ! videoconvert ! video/x-raw,format=GRAY8 ! appsink", Mono8, 160, 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mustOpen(t, "gst:"+tt.pipeline, Request{})
			for _, f := range readFrames(t, src, 3) {
				if f.Format != tt.format || f.Width != tt.w || f.Height != tt.h || f.Step != tt.w*tt.format.BytesPerPixel() {
					t.Fatalf("frame: %s %dx%d step %d", f.Format, f.Width, f.Height, f.Step)
				}
				if px, _, err := f.Pixels(RGB8); err != nil || len(px) != tt.w*tt.h*3 {
					t.Fatalf("Pixels(rgb8): %d bytes, %v", len(px), err)
				}
			}
		})
	}
}

func TestGstBadPipelines(t *testing.T) {
	tests := []struct {
		name     string
		uri      string
		config   bool
		mentions string
	}{
		{"empty", "gst:", true, "empty GStreamer pipeline"},
		{"no appsink", "gst:videotestsrc ! fakesink", true, "videotestsrc ! fakesink"},
		{"unknown element", "gst:videotestsrc ! nosuchelement ! appsink", true, "nosuchelement"},
		{"syntax", "gst:videotestsrc ! ! appsink", true, "videotestsrc ! ! appsink"},
		{"caps appsink cannot take", "gst:audiotestsrc ! appsink", true, "audiotestsrc"},
		// A pipeline around a device that may come back is retried.
		{"live source missing", "gst:v4l2src device=/dev/video-missing ! videoconvert ! appsink", false, "/dev/video-missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(tt.uri, Request{})
			if err == nil {
				src.Close()
			}
			wantErrKind(t, err, tt.config, tt.mentions)
		})
	}
}

func TestGstEndIsRetryable(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc num-buffers=3 ! videoconvert ! appsink", Request{})
	readFrames(t, src, 3)
	_, err := src.Read()
	if err == nil || IsConfigError(err) || errors.Is(err, ErrClosed) {
		t.Fatalf("after the pipeline ends: %v; want a plain error", err)
	}
}

// Close must free a Read blocked in OpenCV, e.g. a live pipeline between
// frames, at once rather than when the next frame comes.
func TestCloseUnblocksRead(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=1/1 ! videoconvert ! appsink", Request{})
	readFrames(t, src, 1) // the frame read at open
	type result struct {
		err error
		at  time.Time
	}
	done := make(chan result, 1)
	go func() {
		_, err := src.Read()
		done <- result{err, time.Now()}
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	go src.Close() // Close itself waits for OpenCV to let go of the pipeline
	select {
	case r := <-done:
		if !errors.Is(r.err, ErrClosed) {
			t.Fatalf("Read after Close: %v, want ErrClosed", r.err)
		}
		if d := r.at.Sub(start); d > 300*time.Millisecond { // the next frame is ~900ms away
			t.Fatalf("Read took %s to return after Close", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Read still blocked 3s after Close")
	}
}

func TestReadStall(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=1/1 ! videoconvert ! appsink", Request{})
	gs := src.(*gstSource)
	gs.first, gs.stall = nil, 200*time.Millisecond
	_, err := src.Read()
	if !errors.Is(err, errStalled) || IsConfigError(err) {
		t.Fatalf("Read of a silent pipeline: %v, want a stall error", err)
	}
	if _, err := src.Read(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read after a stall: %v, want ErrClosed", err)
	}
}
