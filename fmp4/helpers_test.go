package fmp4

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// runTool runs an installed program (Debian's ffmpeg here) with a time limit
// and returns its standard output and standard error.
func runTool(t *testing.T, name string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (scripts/setup.sh installs it): %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, errOut.Bytes())
	}
	return out.Bytes(), errOut.Bytes()
}

// encoding says how ffmpeg's libx264 makes a test stream.
type encoding struct {
	width, height int
	profile       string // -profile:v
	pixFmt        string // default yuv420p
	x264Params    string // -x264-params, e.g. aud=1
	zeroLatency   bool   // -tune zerolatency: no B-frames
	frames        int    // default 90
}

// encode makes a raw Annex-B H.264 stream of testsrc2 at 30 fps, a keyframe
// every 30 frames. Preset superfast rather than ultrafast: ultrafast turns
// off CABAC and 8x8 transforms, and x264 then writes every stream as
// Constrained Baseline whatever -profile says.
func encode(t *testing.T, e encoding) []byte {
	t.Helper()
	if e.pixFmt == "" {
		e.pixFmt = "yuv420p"
	}
	if e.frames == 0 {
		e.frames = 90
	}
	out := filepath.Join(t.TempDir(), "in.h264")
	args := []string{"-nostdin", "-v", "error", "-f", "lavfi",
		"-i", "testsrc2=size=" + itoa(e.width) + "x" + itoa(e.height) + ":rate=30",
		"-frames:v", itoa(e.frames), "-pix_fmt", e.pixFmt,
		"-c:v", "libx264", "-preset", "superfast", "-profile:v", e.profile, "-g", "30",
		"-threads", "1"}
	if e.zeroLatency {
		args = append(args, "-tune", "zerolatency")
	}
	if e.x264Params != "" {
		args = append(args, "-x264-params", e.x264Params)
	}
	args = append(args, "-bsf:v", "h264_mp4toannexb", "-f", "h264", out)
	runTool(t, "ffmpeg", args...)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func itoa(n int) string { return strconv.Itoa(n) }

// hasIDR: the access unit holds a slice of an IDR picture.
func hasIDR(t *testing.T, au []byte) bool {
	t.Helper()
	nals, err := appendNALUnits(nil, au)
	if err != nil {
		t.Fatal(err)
	}
	for _, nal := range nals {
		if nalType(nal) == nalIDR {
			return true
		}
	}
	return false
}

// firstNAL returns the first NAL unit of the given type in a stream.
func firstNAL(t *testing.T, stream []byte, typ uint8) []byte {
	t.Helper()
	nals, err := appendNALUnits(nil, stream)
	if err != nil {
		t.Fatal(err)
	}
	for _, nal := range nals {
		if nalType(nal) == typ {
			return nal
		}
	}
	t.Fatalf("no NAL unit of type %d", typ)
	return nil
}

// writeCounter counts Write calls and keeps what was written.
type writeCounter struct {
	bytes.Buffer
	writes []int // the size of each Write
}

func (w *writeCounter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, len(p))
	return w.Buffer.Write(p)
}

// muxAt30fps feeds access units through a Writer, stamped at 30 fps from
// `from`, and returns what it wrote.
func muxAt30fps(t *testing.T, aus [][]byte, from int) *writeCounter {
	t.Helper()
	out := &writeCounter{}
	w := NewWriter(out, Options{})
	for i := from; i < len(aus); i++ {
		au := AccessUnit{Data: aus[i], Key: hasIDR(t, aus[i]), Time: time.Duration(i) * time.Second / 30}
		if err := w.WriteAccessUnit(au); err != nil {
			t.Fatalf("access unit %d: %v", i, err)
		}
	}
	return out
}

// box is one top-level box of an MP4 byte string.
type box struct {
	typ  string
	data []byte // the whole box, header included
}

// topLevelBoxes walks an MP4 byte string's boxes, failing on a bad size.
func topLevelBoxes(t *testing.T, b []byte) []box {
	t.Helper()
	var boxes []box
	for len(b) > 0 {
		if len(b) < 8 {
			t.Fatalf("%d bytes left: no room for a box header", len(b))
		}
		size := int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
		if size < 8 || size > len(b) {
			t.Fatalf("box %q of size %d with %d bytes left", b[4:8], size, len(b))
		}
		boxes = append(boxes, box{typ: string(b[4:8]), data: b[:size]})
		b = b[size:]
	}
	return boxes
}

// ffprobeStream is what ffprobe -show_streams -count_frames says of stream 0.
type ffprobeStream struct {
	CodecName    string `json:"codec_name"`
	Profile      string `json:"profile"`
	Level        int    `json:"level"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	PixFmt       string `json:"pix_fmt"`
	NbReadFrames string `json:"nb_read_frames"`
	Duration     string `json:"duration"`
}

func probeStream(t *testing.T, path string, countFrames bool) ffprobeStream {
	t.Helper()
	args := []string{"-v", "error", "-show_streams", "-of", "json"}
	if countFrames {
		args = append(args, "-count_frames")
	}
	out, _ := runTool(t, "ffprobe", append(args, path)...)
	var got struct{ Streams []ffprobeStream }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	if len(got.Streams) != 1 {
		t.Fatalf("ffprobe found %d streams, want 1:\n%s", len(got.Streams), out)
	}
	return got.Streams[0]
}

// probePackets returns the pts (in the stream's time base) and flags of
// every packet.
func probePackets(t *testing.T, path string) (pts []int64, flags []string) {
	t.Helper()
	out, _ := runTool(t, "ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=pts,dts,flags", "-of", "json", path)
	var got struct {
		Packets []struct {
			PTS   int64  `json:"pts"`
			DTS   int64  `json:"dts"`
			Flags string `json:"flags"`
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	for _, p := range got.Packets {
		if p.PTS != p.DTS {
			t.Errorf("packet pts %d != dts %d", p.PTS, p.DTS)
		}
		pts = append(pts, p.PTS)
		flags = append(flags, p.Flags)
	}
	return pts, flags
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
