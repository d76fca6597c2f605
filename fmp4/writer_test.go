package fmp4

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWriterPlaysInFFmpeg muxes real libx264 streams and has ffprobe and
// ffmpeg read the result: the codec, the displayed size (cropping included),
// every frame, the 3-second duration, 30 fps decode times, a keyframe first,
// and a decode without errors.
func TestWriterPlaysInFFmpeg(t *testing.T) {
	cases := []struct {
		name string
		enc  encoding
	}{
		{"640x480 baseline", encoding{width: 640, height: 480, profile: "baseline", zeroLatency: true}},
		{"1280x720 baseline AUD", encoding{width: 1280, height: 720, profile: "baseline", zeroLatency: true, x264Params: "aud=1"}},
		{"1920x1080 high (crop 8 rows)", encoding{width: 1920, height: 1080, profile: "high", zeroLatency: true}},
		{"854x480 main (crop 10 columns)", encoding{width: 854, height: 480, profile: "main", zeroLatency: true, x264Params: "aud=1"}},
		{"846x478 high422 (4:2:2 crop units)", encoding{width: 846, height: 478, profile: "high422", pixFmt: "yuv422p", zeroLatency: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			aus := SplitAccessUnits(encode(t, c.enc))
			if len(aus) != 90 {
				t.Fatalf("split into %d access units, want 90", len(aus))
			}
			out := muxAt30fps(t, aus, 0)
			path := writeFile(t, "out.mp4", out.Bytes())

			s := probeStream(t, path, true)
			if s.CodecName != "h264" || s.Width != c.enc.width || s.Height != c.enc.height {
				t.Errorf("ffprobe: %s %dx%d, want h264 %dx%d", s.CodecName, s.Width, s.Height, c.enc.width, c.enc.height)
			}
			if s.NbReadFrames != "90" {
				t.Errorf("ffprobe read %s frames, want 90", s.NbReadFrames)
			}
			if d, err := strconv.ParseFloat(s.Duration, 64); err != nil || math.Abs(d-3) > 0.001 {
				t.Errorf("ffprobe duration %q, want 3 s", s.Duration)
			}
			checkPackets(t, path, 90)

			_, stderr := runTool(t, "ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-")
			if len(bytes.TrimSpace(stderr)) != 0 {
				t.Errorf("ffmpeg decoding said:\n%s", stderr)
			}
		})
	}
}

// checkPackets: n packets 3000 ticks (1/30 s at 90 kHz) apart from 0, the
// first a keyframe, a keyframe every 30.
func checkPackets(t *testing.T, path string, n int) {
	t.Helper()
	pts, flags := probePackets(t, path)
	if len(pts) != n {
		t.Fatalf("%d packets, want %d", len(pts), n)
	}
	for i := range pts {
		if pts[i] != int64(i)*3000 {
			t.Fatalf("packet %d pts %d, want %d", i, pts[i], i*3000)
		}
		if key := strings.HasPrefix(flags[i], "K"); key != (i%30 == 0) {
			t.Fatalf("packet %d flags %q: keyframe %v, want %v", i, flags[i], key, i%30 == 0)
		}
	}
}

// TestWriterDropsUntilKeyframe: joining a stream mid-GOP writes nothing
// until the next keyframe, then the init segment and that keyframe in one
// Write, then one Write per access unit.
func TestWriterDropsUntilKeyframe(t *testing.T) {
	aus := SplitAccessUnits(encode(t, encoding{width: 640, height: 480, profile: "baseline", zeroLatency: true}))
	out := muxAt30fps(t, aus, 5) // frames 5..29 are not keyframes; 30 is
	if len(out.writes) != 60 {
		t.Fatalf("%d writes, want 60 (frames 30..89)", len(out.writes))
	}
	boxes := topLevelBoxes(t, out.Bytes())
	wantFirst := []string{"ftyp", "moov", "moof", "mdat"}
	for i, typ := range wantFirst {
		if boxes[i].typ != typ {
			t.Fatalf("box %d is %q, want %q", i, boxes[i].typ, typ)
		}
	}
	if got := len(boxes[0].data) + len(boxes[1].data) + len(boxes[2].data) + len(boxes[3].data); got != out.writes[0] {
		t.Errorf("first write %d bytes, want the init segment and first fragment (%d)", out.writes[0], got)
	}
	if len(boxes) != 2+2*60 {
		t.Errorf("%d boxes, want 2 + 60 moof/mdat pairs", len(boxes))
	}
	path := writeFile(t, "joined.mp4", out.Bytes())
	if s := probeStream(t, path, true); s.NbReadFrames != "60" {
		t.Errorf("ffprobe read %s frames, want 60", s.NbReadFrames)
	}
	pts, flags := probePackets(t, path)
	if len(pts) == 0 || pts[0] != 0 || !strings.HasPrefix(flags[0], "K") {
		t.Errorf("first packet pts %v flags %v: want a keyframe at 0", pts[:1], flags[:1])
	}
}

// TestWriterRefusesBFrames: x264 with bframes=2 reorders pictures, which
// need composition offsets this writer does not write.
func TestWriterRefusesBFrames(t *testing.T) {
	aus := SplitAccessUnits(encode(t, encoding{width: 320, height: 240, profile: "main", x264Params: "bframes=2", frames: 30}))
	w := NewWriter(&bytes.Buffer{}, Options{})
	var err error
	for i, au := range aus {
		if err = w.WriteAccessUnit(AccessUnit{Data: au, Key: hasIDR(t, au), Time: time.Duration(i) * time.Second / 30}); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrReordered) {
		t.Fatalf("got %v, want ErrReordered", err)
	}
	if err := w.WriteAccessUnit(AccessUnit{Data: aus[0], Key: true}); !errors.Is(err, ErrReordered) {
		t.Errorf("after the B slice: %v, want ErrReordered again (the stream is over)", err)
	}
}

// TestWriterCodec: the codec string is known once the init segment is out.
func TestWriterCodec(t *testing.T) {
	aus := SplitAccessUnits(encode(t, encoding{width: 1280, height: 720, profile: "baseline", zeroLatency: true, frames: 2}))
	w := NewWriter(&bytes.Buffer{}, Options{})
	if got := w.Codec(); got != "" {
		t.Errorf("before the first keyframe: %q, want empty", got)
	}
	if err := w.WriteAccessUnit(AccessUnit{Data: aus[0], Key: true}); err != nil {
		t.Fatal(err)
	}
	// x264 baseline: profile 66, constraint_set0+1 (0xc0), level 3.1.
	if got := w.Codec(); got != "avc1.42c01f" {
		t.Errorf("codec %q, want avc1.42c01f", got)
	}
	if s, ok := w.SPS(); !ok || s.Width != 1280 || s.Height != 720 {
		t.Errorf("SPS() = %+v, %v", s, ok)
	}
}
