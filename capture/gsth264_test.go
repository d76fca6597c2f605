package capture

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"webcam/fmp4"
)

// liveH264 is a live 30 fps H.264 pipeline of the given size and GOP, with
// the appsink's caps as the test needs them.
func liveH264(w, h, gop int, tail string) string {
	return "gst:videotestsrc is-live=true ! video/x-raw,width=" + strconv.Itoa(w) + ",height=" + strconv.Itoa(h) +
		",framerate=30/1 ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=" + strconv.Itoa(gop) + " ! " + tail
}

// nalTypes lists the NAL unit types of an Annex-B access unit.
func nalTypes(t testing.TB, au []byte) []int {
	t.Helper()
	nals, err := fmp4.NALUnits(au)
	if err != nil {
		t.Fatalf("access unit % x…: %v", au[:min(8, len(au))], err)
	}
	var out []int
	for _, n := range nals {
		out = append(out, int(n[0]&0x1f))
	}
	return out
}

// checkIDRs fails unless frame 0 is an IDR and every IDR has SPS and PPS
// before its slices; it returns how many IDRs there were.
func checkIDRs(t testing.TB, frames []*Frame) int {
	t.Helper()
	idrs := 0
	for i, f := range frames {
		types := nalTypes(t, f.Data)
		idr := sliceIndex(types, h264NALIDR)
		if i == 0 && idr < 0 {
			t.Fatalf("frame 0 is not an IDR: NAL types %v", types)
		}
		if idr < 0 {
			continue
		}
		idrs++
		sps, pps := sliceIndex(types, h264NALSPS), sliceIndex(types, h264NALPPS)
		if sps < 0 || pps < 0 || sps > idr || pps > idr {
			t.Fatalf("frame %d: IDR without SPS and PPS before it: NAL types %v", i, types)
		}
	}
	return idrs
}

func sliceIndex(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// ffmpegFrames decodes an Annex-B file with ffprobe and returns the number
// of pictures decoded; any decode error fails the test.
func ffmpegFrames(t testing.TB, path string) int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-f", "h264", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	// width,height,nb_read_frames; any error line ffprobe printed comes first.
	fields := strings.Split(strings.TrimSpace(string(out)), ",")
	if len(fields) != 3 || strings.Contains(string(out), "rror") {
		t.Fatalf("ffprobe: %q", out)
	}
	n, err := strconv.Atoi(fields[2])
	if err != nil {
		t.Fatalf("ffprobe frame count %q: %v", fields[2], err)
	}
	return n
}

func TestGstH264Live(t *testing.T) {
	src := mustOpen(t, liveH264(320, 240, 30, "h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink"), Request{})
	info := src.Info()
	if info.Format != H264 || info.Width != 320 || info.Height != 240 || info.FPS != 30 || info.Backend != "gstreamer" || len(info.Notes) != 0 {
		t.Fatalf("info = %+v", info)
	}
	frames := readFrames(t, src, 65)
	var stream []byte
	for i, f := range frames {
		if f.Format != H264 || f.Width != 320 || f.Height != 240 || f.Step != 0 {
			t.Fatalf("frame %d: %s %dx%d step %d", i, f.Format, f.Width, f.Height, f.Step)
		}
		stream = append(stream, f.Data...)
	}
	if n := checkIDRs(t, frames); n < 3 { // frames 0, 30, 60 with key-int-max=30
		t.Errorf("%d IDRs in 65 frames with key-int-max=30", n)
	}
	path := filepath.Join(t.TempDir(), "live.h264")
	if err := os.WriteFile(path, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := ffmpegFrames(t, path); n != len(frames) {
		t.Errorf("ffprobe decoded %d pictures from %d access units", n, len(frames))
	}
}

// The caps before the appsink may leave out the stream format and the
// parser: the source adds them and says so.
func TestGstH264CompletesPipeline(t *testing.T) {
	tests := []struct {
		name, tail string
		notes      []string // each in one note, in order
	}{
		{"complete", "h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink", nil},
		{"no stream format", "h264parse ! video/x-h264 ! appsink", []string{"stream-format=byte-stream,alignment=au"}},
		{"no alignment", "h264parse ! video/x-h264, stream-format=byte-stream ! appsink", []string{"alignment=au"}},
		{"no parser", "video/x-h264 ! appsink", []string{"stream-format=byte-stream,alignment=au", "h264parse config-interval=-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mustOpen(t, liveH264(160, 120, 10, tt.tail), Request{})
			notes := src.Info().Notes
			if len(notes) != len(tt.notes) {
				t.Fatalf("notes %q, want %d", notes, len(tt.notes))
			}
			for i, want := range tt.notes {
				if !strings.Contains(notes[i], want) {
					t.Errorf("note %q does not name %q", notes[i], want)
				}
			}
			frames := readFrames(t, src, 12)
			for i, f := range frames {
				if f.Format != H264 || f.Width != 160 || f.Height != 120 {
					t.Fatalf("frame %d: %s %dx%d", i, f.Format, f.Width, f.Height)
				}
			}
			if n := checkIDRs(t, frames); n < 2 {
				t.Errorf("%d IDRs in 12 frames with key-int-max=10", n)
			}
		})
	}
}

func TestGstH264Refused(t *testing.T) {
	tests := []struct {
		name     string
		uri      string
		config   bool
		mentions string
	}{
		{"malformed", "gst:videotestsrc ! nosuchelement ! h264parse ! video/x-h264 ! appsink", true, "videotestsrc ! nosuchelement ! h264parse"},
		{"not H.264 before the parser", "gst:videotestsrc ! video/x-h264 ! appsink", true, "videotestsrc ! video/x-h264 ! appsink"},
		{"not negotiated", "gst:videotestsrc ! video/x-raw,width=64,height=48 ! x264enc ! h264parse ! video/x-h264,width=32 ! appsink", true, "put h264parse right before them"},
		{"avc caps", "gst:videotestsrc ! x264enc ! h264parse ! video/x-h264,stream-format=avc ! appsink", true, "stream-format=avc"},
		{"nal alignment", "gst:videotestsrc ! x264enc ! h264parse ! video/x-h264,alignment=nal ! appsink", true, "alignment=nal"},
		{"live source missing", "gst:v4l2src device=/dev/video-missing ! video/x-h264 ! appsink", false, "/dev/video-missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOpenRefused(t, tt.uri, Request{}, tt.config, tt.mentions)
		})
	}
}

func TestGstH264Keyframe(t *testing.T) {
	src := mustOpen(t, liveH264(160, 120, 300, "h264parse config-interval=-1 ! video/x-h264 ! appsink"), Request{})
	var stream *H264Stream
	for i, f := range readFrames(t, src, 6) {
		if isIDR := sliceIndex(nalTypes(t, f.Data), h264NALIDR) >= 0; isIDR != (i == 0) {
			t.Fatalf("frame %d: IDR %v with key-int-max=300", i, isIDR)
		}
		stream, _, _ = f.H264()
	}
	if !stream.RequestKeyframe() { // what a relay calls for a viewer who joins
		t.Fatal("the pipeline's stream cannot ask for an IDR")
	}
	for i, f := range readFrames(t, src, 10) {
		if types := nalTypes(t, f.Data); sliceIndex(types, h264NALIDR) >= 0 {
			if sliceIndex(types, h264NALSPS) < 0 || sliceIndex(types, h264NALPPS) < 0 {
				t.Fatalf("requested IDR without SPS/PPS: %v", types)
			}
			t.Logf("IDR %d frames after the request", i+1)
			return
		}
	}
	t.Fatal("no IDR within 10 frames of the request")
}

func TestGstH264EndOfStream(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc num-buffers=30 ! x264enc ! h264parse ! video/x-h264 ! appsink", Request{})
	checkIDRs(t, readFrames(t, src, 30))
	if _, err := src.Read(); err != io.EOF {
		t.Fatalf("after 30 frames: %v, want io.EOF", err)
	}
}

func TestGstH264CloseUnblocksRead(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=1/2 ! x264enc tune=zerolatency ! video/x-h264 ! appsink", Request{})
	readFrames(t, src, 1) // the IDR read at open
	done := make(chan error, 1)
	go func() {
		_, err := src.Read()
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	src.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Read during Close: %v, want ErrClosed", err)
		}
		if d := time.Since(start); d > 300*time.Millisecond { // the next frame is ~1.9s away
			t.Errorf("Read returned %s after Close", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Read still blocked 3s after Close")
	}
}

// A stall is reported as the OpenCV sources report one: retryable, errStalled.
func TestGstH264Stall(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=1/2 ! x264enc tune=zerolatency ! video/x-h264 ! appsink", Request{})
	readFrames(t, src, 1)
	src.(*gstH264Source).stall = 150 * time.Millisecond
	_, err := src.Read()
	if !errors.Is(err, errStalled) || IsConfigError(err) || !strings.Contains(err.Error(), "videotestsrc") {
		t.Fatalf("Read with no frame within the stall limit: %v", err)
	}
}

// A real stream with SPS and PPS only at its start still decodes after
// complete puts them before every IDR.
func TestH264ParamsRepairStream(t *testing.T) {
	src := mustOpen(t, "gst:videotestsrc num-buffers=40 ! video/x-raw,width=176,height=144 ! x264enc key-int-max=10 ! h264parse ! video/x-h264 ! appsink", Request{})
	var params h264Params
	var stream []byte
	for i, f := range readFrames(t, src, 40) {
		nals, err := fmp4.NALUnits(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 { // strip the parameter sets the encoder repeated
			nals = slices.DeleteFunc(nals, func(n []byte) bool { return n[0]&0x1f == h264NALSPS || n[0]&0x1f == h264NALPPS })
		}
		au, _, err := params.complete(annexB(nals...))
		if err != nil {
			t.Fatal(err)
		}
		stream = append(stream, au...)
	}
	if params.width != 176 || params.height != 144 {
		t.Errorf("size from the SPS %dx%d, want 176x144", params.width, params.height)
	}
	path := filepath.Join(t.TempDir(), "repaired.h264")
	if err := os.WriteFile(path, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	// Decoding from the start needs the first SPS/PPS only; what proves the
	// repair is that every IDR has them again, and that it still decodes.
	if n := ffmpegFrames(t, path); n != 40 {
		t.Errorf("ffprobe decoded %d of 40 pictures", n)
	}
	aus := fmp4.SplitAccessUnits(stream)
	frames := make([]*Frame, len(aus))
	for i, au := range aus {
		frames[i] = &Frame{Data: au}
	}
	if n := checkIDRs(t, frames); n != 4 {
		t.Errorf("%d IDRs with SPS and PPS in 40 frames with key-int-max=10, want 4", n)
	}
}
