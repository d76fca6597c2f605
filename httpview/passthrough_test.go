package httpview

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pion/sdp/v3"

	"webcam/capture"
	"webcam/fmp4"
	"webcam/h264"
	"webcam/stream"
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

// A gst: pipeline ending in video/x-h264 (x264enc's High profile, an IDR
// only every 10 s; I420 in, or x264enc picks High 4:4:4, which browsers do
// not decode over WebRTC and which would get the encode) is relayed to Chromium with no encode, and a viewer who
// joins mid-GOP still shows a picture within 1 s: the relay asks the
// pipeline's encoder for an IDR (force-key-unit) instead of waiting for one.
func TestH264PipelineRelayedWithKeyframeOnDemand(t *testing.T) {
	pipeline := "gst:videotestsrc is-live=true pattern=ball ! video/x-raw,format=I420,width=640,height=480,framerate=30/1 " +
		"! x264enc tune=zerolatency speed-preset=superfast key-int-max=300 bframes=0 ! h264parse config-interval=-1 " +
		"! video/x-h264,stream-format=byte-stream,alignment=au ! appsink"
	cam := startCamera(t, pipeline, 0, 0, 0)
	ts := startServer(t, Config{}, Topic{Name: "/cam/image_raw", Frames: cam.latest})
	ctx, _ := browser(t)
	page := ts.url + "/webrtc?topic=/cam/image_raw"
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	playing(t, ctx)
	states := ts.h264.states()
	if len(states) != 1 || !states[0].Passthrough {
		t.Fatalf("sessions %+v, want one relay", states)
	}
	time.Sleep(time.Second) // well into the 10 s GOP
	keys := ts.h264.states()[0].Keyframes
	second := joinMidStream(t, ctx, page, "a viewer joining a relay mid-GOP")
	if st := ts.h264.states(); len(st) != 1 || st[0].Keyframes <= keys || st[0].Viewers != 2 {
		t.Errorf("sessions %+v: want the relay with 2 viewers and an IDR more than %d", st, keys)
	}
	if n := ts.h264.encodes(); n != 0 {
		t.Errorf("%d H.264 encodes for a relayed pipeline, want 0", n)
	}
	for _, c := range []context.Context{second, ctx} {
		if _, err := chromedp.Run(c, chromedp.Navigate("about:blank")); err != nil {
			t.Fatal(err)
		}
	}
	if !waitFor(5*time.Second, func() bool { return len(ts.h264.states()) == 0 && ts.whep.count() == 0 }) {
		t.Errorf("after both pages left: sessions %+v, %d peers", ts.h264.states(), ts.whep.count())
	}
}

func TestRelayProfiles(t *testing.T) {
	for _, tc := range []struct {
		sps    string
		offer  offeredProfiles
		want   string // "" : the viewer needs the encode
		reason string
	}{
		{"42c01f", offeredProfiles{"42e0": true}, "42e01f", "constrained baseline as itself"},
		{"42c028", offeredProfiles{"4d00": true}, "4d0028", "constrained baseline to a main decoder, its own level"},
		{"42001e", offeredProfiles{"42e0": true, "4d00": true}, "", "full baseline (FMO, ASO) only to baseline"},
		{"42001e", offeredProfiles{"4200": true}, "42001e", "full baseline as itself"},
		{"4d401f", offeredProfiles{"4d00": true}, "4d001f", "main, any constraint bits"},
		{"64001f", offeredProfiles{"4d00": true, "f400": true}, "f4001f", "high to a high 4:4:4 decoder (Debian's Chromium)"},
		{"640028", offeredProfiles{"42e0": true, "4d00": true}, "", "high to a main-only browser"},
		{"6e001f", offeredProfiles{"6400": true, "f400": true}, "", "high 10 is not sent over WebRTC"},
		{"", offeredProfiles{"42e0": true}, "", "no SPS yet"},
		{"zz0000", offeredProfiles{"42e0": true}, "", "not hex"},
	} {
		got := ""
		for _, p := range relayProfiles(tc.sps) {
			if tc.offer.accepts(p) {
				got = p
				break
			}
		}
		if got != tc.want {
			t.Errorf("%s: SPS %q to an offer of %v: %q, want %q", tc.reason, tc.sps, tc.offer, got, tc.want)
		}
	}
}

func TestOfferedProfiles(t *testing.T) {
	for _, tc := range []struct {
		name, offer string
		want        offeredProfiles
	}{
		{"Chromium-like", goodOffer, offeredProfiles{"42e0": true}},
		{"no profile-level-id: baseline (RFC 6184)", offerWith(";profile-level-id=42e01f", ""), offeredProfiles{"4200": true}},
		{"upper-case hex", offerWith("42e01f", "4D001F"), offeredProfiles{"4d00": true}},
		{"mode 0 only", offerWith("packetization-mode=1", "packetization-mode=0"), offeredProfiles{}},
	} {
		var d sdp.SessionDescription
		if err := d.UnmarshalString(tc.offer); err != nil {
			t.Fatal(err)
		}
		if got := h264Profiles(&d); !maps.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A relayed stream that turns out to have B-frames (decoding order is not
// display order, which WebRTC's decoders and an MP4 without composition
// offsets cannot take as they come) goes on as an encode of the decoded
// pictures; a stream known to have them is never relayed.
func TestRelayFallsBackToEncodeOnBFrames(t *testing.T) {
	dir := t.TempDir()
	var units [][]byte
	for _, tc := range []struct{ name, profile, bf string }{{"plain", "baseline", "0"}, {"reordered", "high", "2"}} {
		path := filepath.Join(dir, tc.name+".h264")
		out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
			"-frames:v", "90", "-c:v", "libx264", "-profile:v", tc.profile, "-bf", tc.bf, "-g", "30", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, out)
		}
		data, _ := os.ReadFile(path)
		units = append(units, fmp4.SplitAccessUnits(data)...)
	}
	latest := &stream.Latest{}
	st := capture.NewH264Stream(nil)
	feed := func(from, to int) {
		for i := from; i < to; i++ {
			f, err := st.Frame(units[i], 0, 0, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			f.Seq = uint64(i + 1)
			latest.Publish(f)
			time.Sleep(5 * time.Millisecond) // all within the unconnected peer's 4 s of ICE

		}
	}
	feed(0, 5)
	ts := startServer(t, Config{}, Topic{Name: "/cam/image_raw", Frames: latest})
	resp, err := client().Post(ts.url+"/whep?topic=/cam/image_raw", "application/sdp", strings.NewReader(goodOffer))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("WHEP offer: %v %v", resp, err)
	}
	resp.Body.Close()
	feed(5, 60) // the plain stream's second IDR (unit 30) starts the relay
	relaying := func() bool { s := ts.h264.states(); return len(s) == 1 && s[0].Passthrough && s[0].Relayed > 0 }
	if !waitFor(time.Second, relaying) || ts.h264.encodes() != 0 {
		t.Fatalf("before any B-frame: sessions %+v, want a relay", ts.h264.states())
	}
	feed(60, len(units)) // the high-profile stream with B-frames
	encoding := func() bool { s := ts.h264.states(); return len(s) == 1 && !s[0].Passthrough && s[0].Encodes > 0 }
	if !waitFor(2*time.Second, encoding) {
		t.Fatalf("after B-frames: sessions %+v, want the session encoding", ts.h264.states())
	}
	if !strings.Contains(ts.logs.String(), "B-frames: encoding instead of relaying") {
		t.Errorf("the fallback was not logged:\n%s", ts.logs)
	}
	if k, ok := relayKey(h264Key{topic: "/cam/image_raw"}, ts.topics[0], nil); ok {
		t.Errorf("a stream known to reorder got a relay key %+v", k)
	}
}
