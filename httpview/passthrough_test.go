package httpview

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"webcam/capture"
	"webcam/h264"
)

// patternH264 writes n frames of the test pattern at w×h as an H.264
// elementary stream (constrained baseline, an IDR every gop frames): an
// H.264 camera whose pictures carry the pattern's frame counter.
func patternH264(t testing.TB, w, h, n, gop int) string {
	t.Helper()
	src, err := capture.Open("testpattern://", capture.Request{Width: w, Height: h, FPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := h264.DefaultSettings(w, h)
	s.GOP, s.BitrateKbps = gop, 1500
	enc, err := h264.NewEncoder(s)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	var out []byte
	for i := range n {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		f.Seq = uint64(i + 1)
		au, err := enc.Encode(f, false)
		f.Release()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, au.Data...)
	}
	path := filepath.Join(t.TempDir(), "pattern.h264")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An H.264 source reaches a WebRTC viewer in Chromium with no encode: the
// shared session relays the camera's access units, and the browser shows
// the pattern's frames live and in order. A type=h264 viewer of the same
// topic gets the same units (ffprobe reads them), still with no encode; a
// viewer asking for another size gets the shared encode of the decoded
// pictures instead.
func TestH264SourcePassedThrough(t *testing.T) {
	path := patternH264(t, 640, 480, 600, 30)
	cam := startCamera(t, "file://"+path, 0, 0, 30)
	if f := cam.latest.Load(); f.Format != capture.H264 {
		t.Fatalf("the file source gives %s frames, want h264", f.Format)
	}
	ts := startServer(t, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	ctx, _ := browser(t)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.url+"/webrtc?topic=/cam/image_raw")); err != nil {
		t.Fatal(err)
	}
	playing(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](readCounters)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	st, err := readPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Width != 640 || st.Height != 480 {
		t.Errorf("decoded %dx%d, want 640x480", st.Width, st.Height)
	}
	if len(st.TestFrames) < 30 {
		t.Fatalf("%d frames shown in 3 s", len(st.TestFrames))
	}
	for i := 1; i < len(st.TestFrames); i++ {
		if a, b := st.TestFrames[i-1][0], st.TestFrames[i][0]; b < a || b > a+30 {
			t.Fatalf("frame %d: counter %v after %v: not the camera's frames in order", i, b, a)
		}
	}
	states := ts.h264.states()
	if len(states) != 1 || !states[0].Passthrough || states[0].Encodes != 0 || states[0].Relayed == 0 {
		t.Fatalf("sessions %+v, want one relay with no encodes", states)
	}

	mp4, _ := recordH264(t, ts.url+"/stream?topic=/cam/image_raw&type=h264", 2)
	probe := ffprobeStream(t, mp4)
	if probe.Codec != "h264" || probe.Width != 640 || probe.Height != 480 || probe.Frames < 10 {
		t.Errorf("type=h264 of the H.264 source: %+v", probe)
	}
	if n := ts.h264.encodes(); n != 0 {
		t.Errorf("%d encodes for a WebRTC and a type=h264 viewer of an H.264 source, want 0", n)
	}

	small, _ := recordH264(t, ts.url+"/stream?topic=/cam/image_raw&type=h264&width=320&height=240", 2)
	if p := ffprobeStream(t, small); p.Width != 320 || p.Height != 240 || p.Frames < 5 {
		t.Errorf("type=h264 at 320x240 of the H.264 source: %+v", p)
	}
	if ts.h264.encodes() == 0 {
		t.Error("a viewer asking for another size was not given an encode")
	}
}

type probedStream struct {
	Codec   string `json:"codec_name"`
	Profile string `json:"profile"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Frames  int
}

// ffprobeStream counts and describes the video stream of a file.
func ffprobeStream(t testing.TB, path string) probedStream {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,profile,width,height,nb_read_frames", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var probe struct {
		Streams []struct {
			probedStream
			Frames string `json:"nb_read_frames"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &probe); err != nil || len(probe.Streams) != 1 {
		t.Fatalf("ffprobe: %s (%v)", out, err)
	}
	s := probe.Streams[0].probedStream
	s.Frames, _ = strconv.Atoi(probe.Streams[0].Frames)
	return s
}
