package capture

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
	"webcam/internal/imagetest"
)

// writeH264 encodes n frames of FFmpeg's testsrc2 at w×h with libx264
// (constrained baseline, an IDR every gop frames) into path; the container
// follows the extension (.h264: an elementary stream, .mp4, .mkv).
func writeH264(t testing.TB, path string, n, w, h, gop int) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
		"-i", "testsrc2=size="+itoa(w)+"x"+itoa(h)+":rate=30", "-frames:v", itoa(n),
		"-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-g", itoa(gop), "-pix_fmt", "yuv420p", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
}

func itoa(n int) string { return formatFPS(float64(n)) }

// ffmpegRGB decodes a video with FFmpeg into rgb24 frames of w×h.
func ffmpegRGB(t testing.TB, path string, w, h int) [][]byte {
	t.Helper()
	raw, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path,
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode: %v", err)
	}
	var out [][]byte
	for len(raw) >= w*h*3 {
		out = append(out, raw[:w*h*3])
		raw = raw[w*h*3:]
	}
	return out
}

// H.264 files are H264 sources: every packet is an access unit, the pixels
// of each frame match FFmpeg's own decode, and a JPEG of one is its picture.
func TestH264FileSource(t *testing.T) {
	const w, h, n = 320, 240, 30
	for _, ext := range []string{".h264", ".mp4", ".mkv"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clip"+ext)
			writeH264(t, path, n, w, h, 10)
			ref := ffmpegRGB(t, path, w, h)
			src := mustOpen(t, "file://"+path+"?loop=false", Request{FPS: 1000})
			if info := src.Info(); info.Format != H264 || info.Width != w || info.Height != h {
				t.Fatalf("Info: %s %dx%d, want h264 %dx%d", info.Format, info.Width, info.Height, w, h)
			}
			keys := 0
			var frames []*Frame
			for i := range n { // as a consumer does: each frame soon after it came
				f := readFrames(t, src, 1)[0]
				f.Seq = uint64(i + 1)
				frames = append(frames, f)
				if st, idx, ok := f.H264(); !ok || idx != uint64(i+1) || st.Newest() != idx {
					t.Fatalf("frame %d: in a stream %v, index %d", i, ok, idx)
				}
				px, _, err := f.Pixels(RGB8)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if p := imagetest.PSNR(px, ref[i]); p < 35 {
					t.Errorf("frame %d: PSNR %.1f dB against FFmpeg's decode, want ≥ 35", i, p)
				}
				if st, idx, _ := f.H264(); st.keyframe(idx) {
					keys++
				}
			}
			if keys != n/10 {
				t.Errorf("%d IDR access units, want %d", keys, n/10)
			}
			jpg, err := frames[n-1].JPEG(EncodeOptions{Quality: 90})
			if err != nil {
				t.Fatal(err)
			}
			if gw, gh := decodedSize(t, jpg); gw != w || gh != h {
				t.Errorf("JPEG is %dx%d, want %dx%d", gw, gh, w, h)
			}
			if _, err := src.Read(); !errors.Is(err, io.EOF) {
				t.Errorf("after the last frame: %v, want EOF", err)
			}
		})
	}
}

// A decoder asked for an earlier frame than the last it made goes back to
// the IDR before it; one asked for a frame whose IDR is gone says so.
func TestH264DecodeOutOfOrder(t *testing.T) {
	const w, h = 160, 120
	path := filepath.Join(t.TempDir(), "clip.h264")
	writeH264(t, path, 30, w, h, 10)
	ref := ffmpegRGB(t, path, w, h)
	src := mustOpen(t, "file://"+path+"?loop=false", Request{FPS: 1000})
	frames := readFrames(t, src, 10) // one GOP
	for _, i := range []int{9, 3, 5} {
		px, _, err := frames[i].Pixels(RGB8)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if p := imagetest.PSNR(px, ref[i]); p < 35 {
			t.Errorf("frame %d: PSNR %.1f dB, want ≥ 35", i, p)
		}
	}
	frames = append(frames, readFrames(t, src, 10)...) // the IDR at 10 drops 0..9
	if _, _, err := frames[6].Pixels(Mono8); err == nil {
		t.Error("frame 6 decoded after its IDR was dropped")
	}
	for _, i := range []int{19, 12} {
		px, _, err := frames[i].Pixels(RGB8)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if p := imagetest.PSNR(px, ref[i]); p < 35 {
			t.Errorf("frame %d: PSNR %.1f dB, want ≥ 35", i, p)
		}
	}
}

func TestH264StreamNext(t *testing.T) {
	idr := []byte{0, 0, 0, 1, 0x65, 0x88}
	p := []byte{0, 0, 0, 1, 0x41, 0x9a}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s := NewH264Stream(nil)
	for _, d := range [][]byte{idr, p, p, idr, p} {
		if _, err := s.Frame(d, 64, 48, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		after uint64
		want  uint64
	}{
		{"a new reader starts at the IDR", 0, 4},
		{"in step", 4, 5},
		{"behind the kept units: the IDR", 1, 4},
		{"just before the IDR", 3, 4},
	} {
		u, err := s.Next(ctx, tc.after)
		if err != nil || u.Index != tc.want {
			t.Errorf("%s: Next(%d) = %d, %v; want %d", tc.name, tc.after, u.Index, err, tc.want)
		}
	}
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	if _, err := s.Next(short, 5); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Next past the newest: %v, want to wait", err)
	}
	got := make(chan error, 1)
	go func() { _, err := s.Next(ctx, 5); got <- err }()
	time.Sleep(20 * time.Millisecond)
	s.Close()
	if err := <-got; !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Next on a closed stream: %v", err)
	}
	if _, err := s.Frame(p, 64, 48, time.Now()); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Frame on a closed stream: %v", err)
	}
	if _, err := NewH264Stream(nil).Frame(p, 0, 0, time.Now()); err == nil {
		t.Error("a unit with no size and no SPS was taken")
	}
}

// A network stream of H.264 (here an elementary stream over HTTP, what
// FFmpeg reads from an RTSP camera the same way) is an H264 source: its
// access units come as they were sent, and they decode.
func TestHTTPH264Stream(t *testing.T) {
	const w, h = 320, 240
	path := filepath.Join(t.TempDir(), "clip.h264")
	writeH264(t, path, 30, w, h, 10)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "video/h264")
		rw.Write(data)
	}))
	t.Cleanup(srv.Close)
	src := mustOpen(t, srv.URL+"/clip.h264", Request{})
	if info := src.Info(); info.Format != H264 || info.Backend != "network" || info.Width != w || info.Height != h {
		t.Fatalf("Info %+v, want an H264 network source of %dx%d", info, w, h)
	}
	ref := ffmpegRGB(t, path, w, h)
	var sent []byte
	for i := range 30 {
		f, err := src.Read()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		sent = append(sent, f.Data...)
		px, _, err := f.Pixels(RGB8)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if p := imagetest.PSNR(px, ref[i]); p < 35 {
			t.Errorf("frame %d: PSNR %.1f dB against FFmpeg's decode, want ≥ 35", i, p)
		}
	}
	if !bytes.Equal(sent, data) {
		t.Errorf("the access units are not the stream's bytes as sent (%d bytes, sent %d)", len(sent), len(data))
	}
}

// A stream's B pictures are noticed (a relay must not pass them on as they
// come); the decoder still gives pictures for them.
func TestH264StreamReorders(t *testing.T) {
	for _, tc := range []struct {
		name, profile, bf string
		want              bool
	}{{"baseline", "baseline", "0", false}, {"high with B-frames", "high", "2", true}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clip.h264")
			out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
				"-i", "testsrc2=size=160x120:rate=30", "-frames:v", "20", "-c:v", "libx264",
				"-profile:v", tc.profile, "-bf", tc.bf, "-g", "10", path).CombinedOutput()
			if err != nil {
				t.Fatalf("ffmpeg: %v\n%s", err, out)
			}
			src := mustOpen(t, "file://"+path+"?loop=false", Request{FPS: 1000})
			pictures := 0
			var st *H264Stream
			for i := range 10 {
				f := readFrames(t, src, 1)[0]
				f.Seq = uint64(i + 1)
				st, _, _ = f.H264()
				if _, _, err := f.Pixels(Mono8); err == nil {
					pictures++
				}
			}
			if st.Reorders() != tc.want {
				t.Errorf("Reorders() = %v, want %v", st.Reorders(), tc.want)
			}
			if pictures < 8 {
				t.Errorf("%d of 10 frames gave a picture", pictures)
			}
		})
	}
}
