package h264

import (
	"fmt"

	"slices"
	"strings"
	"webcam/capture"
)

// Defaults. Measured with bench/h264_ratio.sh on the camera-like 720p30 clip
// of BenchmarkEncode720p (2 shared EPYC cores):
//
//   - DefaultBitrateKbps 1800: the stream came out at 1456 kbit/s (the VBV
//     caps it at 1800), under the 2 Mbit/s with RTP or fMP4 framing
//     on top.
//   - DefaultPreset "ultrafast": 4.0 ms a frame from rgb8 against 5.7 ms for
//     "superfast", at the same bitrate (1456 and 1464 kbit/s). Quality per
//     preset (bench/h264_presets.sh, PSNR/SSIM against the source): every
//     slower preset is within 0.7 dB luma PSNR of ultrafast's 37.1 dB on
//     this clip (veryfast +0.15 dB at 1.9x the CPU, veryslow +0.59 dB at
//     53x, placebo +0.70 dB at 500x), and from "slow" on a 720p30 encode
//     needs more than a core.
//   - DefaultGOP 60: an IDR every 2 s at 30 fps bounds how long a new HTTP
//     viewer waits for a picture; WebRTC asks for keyframes (forceKeyframe)
//     when it needs one sooner.
//   - DefaultQMin 10, DefaultQMax 51: web_video_server's qmin, and H.264's
//     own ceiling, so that the VBV (not a QP cap) bounds every frame's size.
//
// web_video_server's h264 stream (ros2 branch, libav_streamer.cpp and
// h264_streamer.cpp) reads these query values, which the HTTP layer maps:
//
//	bitrate  bits/s, default 100000  → BitrateKbps = bitrate / 1000
//	gop      default 25              → GOP
//	qmin     default 10              → QMin
//	qmax     default 42              → QMax
//	preset   default "ultrafast"     → Preset
//
// Its h264 streamer also sets libx264's crf 20, which puts x264 in
// constant-quality mode, so there its bitrate is not enforced; here it is
// (ABR with a VBV), because a live stream must fit its link.
const (
	DefaultFPS         = 30
	DefaultBitrateKbps = 1800
	DefaultGOP         = 60
	DefaultPreset      = "ultrafast"
	DefaultQMin        = 10
	DefaultQMax        = 51
)

// VBVFrames is the rate-control buffer in frame intervals at the target
// bitrate: small, so that no frame (an IDR included) bursts far above the
// average, which is what keeps a live stream's latency low on a thin link.
const VBVFrames = 2

// Limits Validate enforces.
const (
	MinSize        = 16 // pixels, either side
	MaxFPS         = 120
	MinBitrateKbps = 32
	MaxBitrateKbps = 100_000
	MaxGOP         = 3000
	MaxQP          = 51 // H.264's largest QP for 8-bit video
)

// Settings configures an Encoder. Start from DefaultSettings.
type Settings struct {
	Width, Height int    // encoded size; even (4:2:0 chroma), see EvenSize
	FPS           int    // frame rate the rate control plans for
	BitrateKbps   int    // target and VBV maximum, kbit/s
	GOP           int    // frames from one IDR to the next (x264's keyint)
	Preset        string // x264 preset: "ultrafast" … "placebo"
	QMin, QMax    int    // quantizer range, 0..51
	// VideoRange: the frames are YUYV or UYVY in video range (Y 16..235), as
	// V4L2 cameras send them. Their values go to x264 as they are, plain
	// deinterleaved, and the SPS says video range; other frames are refused.
	// Off (the default), every format is brought to full range (JFIF), which
	// the SPS says instead: YUYV then costs a table lookup per byte.
	VideoRange bool
}

// VideoRangeFormat reports whether frames of format f are best encoded with
// Settings.VideoRange: YUYV and UYVY.
func VideoRangeFormat(f capture.PixelFormat) bool { return f == capture.YUYV || f == capture.UYVY }

// DefaultSettings is the defaults at a size (rounded down to even).
func DefaultSettings(width, height int) Settings {
	w, h := EvenSize(width, height)
	return Settings{
		Width: w, Height: h, FPS: DefaultFPS, BitrateKbps: DefaultBitrateKbps,
		GOP: DefaultGOP, Preset: DefaultPreset, QMin: DefaultQMin, QMax: DefaultQMax,
	}
}

// EvenSize rounds a size down to even sides, what H.264 4:2:0 needs: the
// rule for a viewer's width/height or an odd camera frame. An Encoder given
// frames whose EvenSize is its own size crops the odd row or column instead
// of scaling.
func EvenSize(width, height int) (int, int) { return width &^ 1, height &^ 1 }

// Presets are x264's preset names, fastest first.
var Presets = presetNames()

// Validate reports the first value an Encoder cannot be opened with, naming
// it and what is allowed.
func (s Settings) Validate() error {
	for _, side := range []struct {
		name string
		v    int
	}{{"width", s.Width}, {"height", s.Height}} {
		if side.v < MinSize {
			return fmt.Errorf("h264: %s %d is less than %d", side.name, side.v, MinSize)
		}
		if side.v%2 != 0 {
			return fmt.Errorf("h264: %s %d is odd: H.264 4:2:0 needs even sizes (use %d)", side.name, side.v, side.v-1)
		}
	}
	if s.FPS < 1 || s.FPS > MaxFPS {
		return fmt.Errorf("h264: fps %d is outside 1..%d", s.FPS, MaxFPS)
	}
	if s.BitrateKbps < MinBitrateKbps || s.BitrateKbps > MaxBitrateKbps {
		return fmt.Errorf("h264: bitrate %d kbit/s is outside %d..%d", s.BitrateKbps, MinBitrateKbps, MaxBitrateKbps)
	}
	if s.GOP < 1 || s.GOP > MaxGOP {
		return fmt.Errorf("h264: gop %d is outside 1..%d frames", s.GOP, MaxGOP)
	}
	if !slices.Contains(Presets, s.Preset) {
		return fmt.Errorf("h264: preset %q is not one of: %s", s.Preset, strings.Join(Presets, ", "))
	}
	if s.QMin < 0 || s.QMin > MaxQP || s.QMax < 0 || s.QMax > MaxQP {
		return fmt.Errorf("h264: qmin %d and qmax %d must be within 0..%d", s.QMin, s.QMax, MaxQP)
	}
	if s.QMin > s.QMax {
		return fmt.Errorf("h264: qmin %d is greater than qmax %d", s.QMin, s.QMax)
	}
	if _, err := LevelFor(s.Width, s.Height, s.FPS, s.BitrateKbps); err != nil {
		return err
	}
	return nil
}

// vbvKbit is the VBV buffer for s: VBVFrames frame intervals of bits.
func (s Settings) vbvKbit() int { return max(1, s.BitrateKbps*VBVFrames/s.FPS) }
