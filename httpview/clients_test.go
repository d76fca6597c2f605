package httpview

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// runTool runs an installed program (Debian ffmpeg here) with a time limit.
func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (scripts/setup.sh installs it): %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s", name, args, err, msg)
	}
	return out
}

// TestFFprobeReadsStream: ffprobe finds one MJPEG video stream of the right
// size, with the demuxer named or guessed.
func TestFFprobeReadsStream(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	cases := []struct {
		name  string
		flags []string
		query string
		w, h  int
	}{
		{"mpjpeg demuxer", []string{"-f", "mpjpeg"}, "", 320, 240},
		{"mjpeg demuxer", []string{"-f", "mjpeg"}, "", 320, 240},
		{"format guessed", nil, "&width=160", 160, 120},
		{"compressed", []string{"-f", "mpjpeg"}, "&type=ros_compressed", 320, 240},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-v", "error"}, tc.flags...)
			args = append(args, "-show_entries", "stream=codec_type,codec_name,width,height", "-of", "json",
				srv.url+"/stream?topic=/cam/image_raw"+tc.query)
			var probe struct {
				Streams []struct {
					CodecType string `json:"codec_type"`
					CodecName string `json:"codec_name"`
					Width     int    `json:"width"`
					Height    int    `json:"height"`
				} `json:"streams"`
			}
			out := runTool(t, "ffprobe", args...)
			if err := json.Unmarshal(out, &probe); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if len(probe.Streams) != 1 {
				t.Fatalf("streams %+v", probe.Streams)
			}
			s := probe.Streams[0]
			if s.CodecType != "video" || s.CodecName != "mjpeg" || s.Width != tc.w || s.Height != tc.h {
				t.Errorf("stream %+v, want mjpeg video %dx%d", s, tc.w, tc.h)
			}
		})
	}
}

// TestFFmpegDecodesFrames: ffmpeg decodes a run of frames without error.
func TestFFmpegDecodesFrames(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	runTool(t, "ffmpeg", "-hide_banner", "-v", "error", "-xerror", "-i", srv.url+"/stream?topic=/cam/image_raw",
		"-frames:v", "30", "-f", "null", "-")
}

// TestOpenCVReadsStream: what robot code often does with a stream URL.
func TestOpenCVReadsStream(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	vc, err := gocv.OpenVideoCaptureWithAPI(srv.url+"/stream?topic=/cam/image_raw&width=160", gocv.VideoCaptureFFmpeg)
	if err != nil || !vc.IsOpened() {
		t.Fatalf("OpenCV cannot open the stream: %v", err)
	}
	defer vc.Close()
	img := gocv.NewMat()
	defer img.Close()
	for i := range 10 {
		if !vc.Read(&img) || img.Empty() {
			t.Fatalf("frame %d: no image", i)
		}
		if img.Cols() != 160 || img.Rows() != 120 {
			t.Fatalf("frame %d is %dx%d, want 160x120", i, img.Cols(), img.Rows())
		}
	}
}
