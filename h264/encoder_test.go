package h264

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"webcam/capture"
	"webcam/internal/imagetest"
	"webcam/jpeg"
)

// Every input format at even and odd sizes, and scaled: ffprobe must see
// constrained baseline at the encoder's size with every frame, and ffmpeg's
// decode must match the source.
func TestEncodeFormatsDecodeWithFFmpeg(t *testing.T) {
	needFFmpeg(t)
	const n = 12
	tests := []struct {
		format capture.PixelFormat
		sub    jpeg.Subsampling // JPEG only
		w, h   int              // frame size (odd: the even pattern cropped)
		ew, eh int              // encoder size
		video  bool             // Settings.VideoRange: YUYV/UYVY values as they are
	}{
		{capture.RGB8, 0, 640, 480, 640, 480, false},
		{capture.BGR8, 0, 640, 480, 640, 480, false},
		{capture.Mono8, 0, 640, 480, 640, 480, false},
		{capture.YUYV, 0, 640, 480, 640, 480, false},
		{capture.UYVY, 0, 640, 480, 640, 480, false},
		{capture.JPEG, jpeg.Sub420, 640, 480, 640, 480, false},
		{capture.JPEG, jpeg.Sub422, 640, 480, 640, 480, false},
		{capture.JPEG, jpeg.Sub444, 640, 480, 640, 480, false},
		{capture.JPEG, jpeg.SubGray, 640, 480, 640, 480, false},
		{capture.JPEG, jpeg.Sub440, 640, 480, 640, 480, false},
		{capture.JPEG, jpeg.Sub411, 640, 480, 640, 480, false},  // luma through scratch planes
		{capture.RGB8, 0, 321, 241, 320, 240, false},            // odd: last column and row cropped
		{capture.Mono8, 0, 321, 241, 320, 240, false},           // odd
		{capture.JPEG, jpeg.Sub420, 321, 241, 320, 240, false},  // odd JPEG
		{capture.RGB8, 0, 640, 480, 320, 240, false},            // scaled by the box filter
		{capture.YUYV, 0, 640, 480, 320, 240, false},            // scaled
		{capture.JPEG, jpeg.Sub420, 640, 480, 320, 240, false},  // TurboJPEG's 1/2 scaling
		{capture.JPEG, jpeg.Sub422, 1280, 720, 320, 180, false}, // 1/4 scaling, then 4:2:2 → 4:2:0
		{capture.BGR8, 0, 1280, 720, 1280, 720, false},          // 720p
		{capture.YUYV, 0, 640, 480, 640, 480, true},             // a camera's video range, signalled
		{capture.UYVY, 0, 640, 480, 640, 480, true},
		{capture.YUYV, 0, 641, 481, 640, 480, true}, // odd: cropped
		{capture.YUYV, 0, 640, 480, 320, 240, true}, // scaled
	}
	for _, tc := range tests {
		label := fmt.Sprintf("%s%v/%dx%d→%dx%d", tc.format, tc.sub, tc.w, tc.h, tc.ew, tc.eh)
		if tc.format != capture.JPEG {
			label = fmt.Sprintf("%s/%dx%d→%dx%d", tc.format, tc.w, tc.h, tc.ew, tc.eh)
		}
		if tc.video {
			label += "/video-range"
		}
		t.Run(label, func(t *testing.T) {
			rgb := patternRGB(t, tc.w+tc.w%2, tc.h+tc.h%2, n)
			frames := make([]*capture.Frame, n)
			for i, f := range rgb {
				if tc.w%2 == 1 {
					rgb[i] = cropped(f)
				}
				frames[i] = asFormat(t, rgb[i], tc.format, tc.sub)
			}
			s := DefaultSettings(tc.ew, tc.eh)
			s.VideoRange = tc.video
			e := newEncoder(t, s)
			path := writeStream(t, encodeAll(t, e, frames, nil))

			p := ffprobe(t, path)
			if p.Codec != "h264" || p.Profile != "Constrained Baseline" || p.Width != tc.ew || p.Height != tc.eh || p.Frames != strconv.Itoa(n) {
				t.Errorf("ffprobe: %+v, want h264 Constrained Baseline %dx%d, %d frames", p, tc.ew, tc.eh, n)
			}
			if want := map[bool]string{false: "pc", true: "tv"}[tc.video]; p.Range != want {
				t.Errorf("ffprobe colour range %q, want %s (as the planes are)", p.Range, want)
			}
			// Luma everywhere; colour too where the pattern's bar edges fall
			// on even columns (unscaled, width a multiple of 16): at an odd
			// edge between saturated bars, 4:2:0 itself mixes the chroma.
			checks := []string{"gray"}
			if tc.format != capture.Mono8 && tc.sub != jpeg.SubGray && tc.w == tc.ew && tc.w%16 == 0 {
				checks = append(checks, "rgb24")
			}
			for _, pixFmt := range checks {
				gray := pixFmt == "gray"
				bpp := map[bool]int{true: 1, false: 3}[gray]
				decoded := ffmpegDecode(t, path, pixFmt)
				size := tc.ew * tc.eh * bpp
				if len(decoded) != n*size {
					t.Fatalf("ffmpeg decoded %d bytes of %s, want %d frames of %d", len(decoded), pixFmt, n, size)
				}
				for _, i := range []int{0, n / 2, n - 1} { // the IDR and two P frames
					got := decoded[i*size : (i+1)*size]
					if db := imagetest.PSNR(got, reference(rgb[i], gray, tc.ew, tc.eh)); db < 30 {
						t.Errorf("frame %d: %s PSNR %.1f dB against the source, want >= 30", i, pixFmt, db)
					}
				}
			}
		})
	}
}

func TestForceKeyframeGivesIDRWithHeaders(t *testing.T) {
	s := DefaultSettings(320, 240)
	s.GOP = 10
	e := newEncoder(t, s)
	aus := encodeAll(t, e, patternRGB(t, 320, 240, 25), map[int]bool{4: true})
	if got, want := keyframeIndexes(aus), []int{0, 4, 14, 24}; !slices.Equal(got, want) {
		t.Errorf("keyframes at %v, want %v (forced at 4, then every GOP=10 from it)", got, want)
	}
	for i, au := range aus {
		types := nalTypes(au.Data)
		hasIDR, hasHeaders := slices.Contains(types, 5), slices.Contains(types, 7) && slices.Contains(types, 8)
		if au.Keyframe != hasIDR || au.Keyframe != hasHeaders {
			t.Errorf("AU %d (keyframe %v) has NAL types %v: want SPS, PPS and IDR exactly on keyframes", i, au.Keyframe, types)
		}
		if au.Keyframe && !bytes.Contains(au.Data, e.SPS()) {
			t.Errorf("AU %d: keyframe does not carry the encoder's SPS", i)
		}
		if au.Seq != uint64(i) {
			t.Errorf("AU %d: Seq %d, want the frame's", i, au.Seq)
		}
	}
}

func TestGOPRespected(t *testing.T) {
	tests := []struct {
		gop  int
		want []int
	}{
		{1, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{5, []int{0, 5, 10}},
		{12, []int{0}},
		{DefaultGOP, []int{0}},
	}
	frames := patternRGB(t, 160, 120, 12)
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.gop), func(t *testing.T) {
			s := DefaultSettings(160, 120)
			s.GOP = tc.gop
			if got := keyframeIndexes(encodeAll(t, newEncoder(t, s), frames, nil)); !slices.Equal(got, tc.want) {
				t.Errorf("GOP %d: keyframes at %v, want %v", tc.gop, got, tc.want)
			}
		})
	}
}

func TestProfileLevelID(t *testing.T) {
	tests := []struct {
		w, h, fps int
		want      string
	}{
		{1280, 720, 30, "42c01f"},  // level 3.1
		{1920, 1080, 30, "42c028"}, // level 4
		{640, 480, 30, "42c01e"},   // level 3
		{320, 240, 30, "42c014"},   // level 2 (1.3's 768 kbit/s is below the bitrate)
	}
	for _, tc := range tests {
		s := DefaultSettings(tc.w, tc.h)
		s.FPS = tc.fps
		e := newEncoder(t, s)
		if got := e.ProfileLevelID(); got != tc.want {
			t.Errorf("%dx%d@%d: profile-level-id %s, want %s", tc.w, tc.h, tc.fps, got, tc.want)
		}
		if len(e.PPS()) == 0 || e.PPS()[0]&0x1f != 8 || e.SPS()[0]&0x1f != 7 {
			t.Errorf("%dx%d: SPS %x / PPS %x are not NAL units of type 7 / 8 without start code", tc.w, tc.h, e.SPS(), e.PPS())
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	ok := DefaultSettings(1280, 720)
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Settings)
		want   string
	}{
		{"odd width", func(s *Settings) { s.Width = 641 }, "width 641 is odd"},
		{"odd height", func(s *Settings) { s.Height = 479 }, "height 479 is odd"},
		{"tiny", func(s *Settings) { s.Width = 8 }, "width 8 is less than 16"},
		{"zero height", func(s *Settings) { s.Height = 0 }, "height 0 is less than 16"},
		{"fps 0", func(s *Settings) { s.FPS = 0 }, "fps 0 is outside 1..120"},
		{"fps high", func(s *Settings) { s.FPS = 240 }, "fps 240 is outside 1..120"},
		{"bitrate low", func(s *Settings) { s.BitrateKbps = 10 }, "bitrate 10 kbit/s is outside 32..100000"},
		{"bitrate high", func(s *Settings) { s.BitrateKbps = 200_000 }, "bitrate 200000 kbit/s"},
		{"gop 0", func(s *Settings) { s.GOP = 0 }, "gop 0 is outside 1..3000"},
		{"preset", func(s *Settings) { s.Preset = "turbo" }, `preset "turbo" is not one of: ultrafast, superfast`},
		{"empty preset", func(s *Settings) { s.Preset = "" }, `preset "" is not one of`},
		{"qmax", func(s *Settings) { s.QMax = 60 }, "qmax 60 must be within 0..51"},
		{"qmin negative", func(s *Settings) { s.QMin = -1 }, "qmin -1 and qmax 51 must be within"},
		{"qmin > qmax", func(s *Settings) { s.QMin, s.QMax = 40, 30 }, "qmin 40 is greater than qmax 30"},
		{"no level", func(s *Settings) { s.Width, s.Height = 8192, 8192 }, "no H.264 level holds 8192x8192"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ok
			tc.change(&s)
			err := s.Validate()
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tc.want)
			}
			if _, err := NewEncoder(s); err == nil {
				t.Errorf("NewEncoder accepted %+v", s)
			}
		})
	}
}

func TestEvenSize(t *testing.T) {
	for _, tc := range [][4]int{{641, 481, 640, 480}, {640, 480, 640, 480}, {1, 1, 0, 0}} {
		if w, h := EvenSize(tc[0], tc[1]); w != tc[2] || h != tc[3] {
			t.Errorf("EvenSize(%d, %d) = %d, %d, want %d, %d", tc[0], tc[1], w, h, tc[2], tc[3])
		}
	}
}

// Bad input is refused with a clear error, counted, and the next good frame
// still encodes.
func TestBadInputThenGoodFrame(t *testing.T) {
	good := patternRGB(t, 320, 240, 1)[0]
	jpg := asFormat(t, good, capture.JPEG, jpeg.Sub420)
	corrupt := bytes.Clone(jpg.Data)
	sos := bytes.Index(corrupt, []byte{0xff, 0xda}) // the entropy-coded data follows
	for i := sos + 40; i < len(corrupt)-2; i += 7 {
		corrupt[i] = 0xff // markers strewn through the entropy data
	}
	tests := []struct {
		name  string
		frame *capture.Frame
		want  string
	}{
		{"short rgb8", &capture.Frame{Width: 320, Height: 240, Format: capture.RGB8, Step: 960, Data: good.Data[:1000]}, "1000 bytes, want 230400"},
		{"step too small", &capture.Frame{Width: 320, Height: 240, Format: capture.RGB8, Step: 100, Data: good.Data}, "step 100 is less than width"},
		{"unknown format", &capture.Frame{Width: 320, Height: 240, Format: "nv12", Step: 320, Data: good.Data}, `unknown pixel format "nv12"`},
		{"empty jpeg", &capture.Frame{Width: 320, Height: 240, Format: capture.JPEG}, "jpeg: header error"},
		{"not a jpeg", &capture.Frame{Width: 320, Height: 240, Format: capture.JPEG, Data: []byte("hello, not a JPEG")}, "jpeg: header error"},
		{"truncated jpeg", &capture.Frame{Width: 320, Height: 240, Format: capture.JPEG, Data: jpg.Data[:len(jpg.Data)/2]}, "jpeg: decode"},
		{"corrupt jpeg", &capture.Frame{Width: 320, Height: 240, Format: capture.JPEG, Data: corrupt}, "jpeg: decode"},
		{"zero size", &capture.Frame{Width: 0, Height: 0, Format: capture.Mono8}, "size 0x0 is not positive"},
		{"1x1 mono", &capture.Frame{Width: 1, Height: 1, Format: capture.Mono8, Step: 1, Data: []byte{9}}, "1x1 is too small"},
	}
	e := newEncoder(t, DefaultSettings(320, 240))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.Encode(tc.frame, false); err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Errorf("Encode(%s) = %v, want an error containing %q", tc.name, err, tc.want)
			}
			if got := e.Stats().Errors; got != uint64(i+1) {
				t.Errorf("Stats.Errors = %d, want %d", got, i+1)
			}
			au, err := e.Encode(good, false)
			if err != nil || len(au.Data) == 0 {
				t.Errorf("good frame after %s: %v (%d bytes)", tc.name, err, len(au.Data))
			}
		})
	}
}

func TestStatsCountEncodes(t *testing.T) {
	s := DefaultSettings(160, 120)
	s.GOP = 4
	e := newEncoder(t, s)
	frames := patternRGB(t, 160, 120, 9)
	aus := encodeAll(t, e, frames, nil)
	var total uint64
	for _, au := range aus {
		total += uint64(len(au.Data))
	}
	if got, want := e.Stats(), (Stats{Encodes: 9, Keyframes: 3, Bytes: total}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	e.Close()
	if _, err := e.Encode(frames[0], false); err == nil {
		t.Error("Encode after Close succeeded")
	}
}

// Access units own their bytes: the next Encode must not change them.
func TestAccessUnitOutlivesNextEncode(t *testing.T) {
	e := newEncoder(t, DefaultSettings(160, 120))
	frames := patternRGB(t, 160, 120, 3)
	first, err := e.Encode(frames[0], false)
	if err != nil {
		t.Fatal(err)
	}
	kept := bytes.Clone(first.Data)
	for _, f := range frames[1:] {
		if _, err := e.Encode(f, true); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(first.Data, kept) {
		t.Error("an earlier access unit changed when the encoder went on")
	}
}

// Per frame, Encode allocates only the access unit it returns.
func TestEncodeAllocatesOnlyTheAccessUnit(t *testing.T) {
	rgb := patternRGB(t, 320, 240, 1)[0]
	for _, in := range []struct {
		p   capture.PixelFormat
		sub jpeg.Subsampling
	}{{capture.RGB8, 0}, {capture.YUYV, 0}, {capture.Mono8, 0}, {capture.JPEG, jpeg.Sub420}, {capture.JPEG, jpeg.Sub422}} {
		p := in.p
		f := asFormat(t, rgb, p, in.sub)
		e := newEncoder(t, DefaultSettings(320, 240))
		if _, err := e.Encode(f, false); err != nil { // makes the conversion handles
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := e.Encode(f, false); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 1 {
			t.Errorf("%s%v: %.1f allocations per Encode, want 1 (the access unit)", p, in.sub, allocs)
		}
	}
}

// An encoder opened for a YUYV camera's video range refuses full-range
// frames rather than encode them with the wrong range signalled.
func TestVideoRangeRefusesFullRangeFrames(t *testing.T) {
	s := DefaultSettings(64, 48)
	s.VideoRange = true
	e := newEncoder(t, s)
	rgb := patternRGB(t, 64, 48, 2)
	for _, f := range []capture.PixelFormat{capture.RGB8, capture.Mono8, capture.JPEG} {
		_, err := e.Encode(asFormat(t, rgb[0], f, jpeg.Sub420), false)
		if err == nil || !strings.Contains(err.Error(), "video-range") {
			t.Errorf("%s frame: %v, want a refusal naming video range", f, err)
		}
	}
	if _, err := e.Encode(asFormat(t, rgb[1], capture.YUYV, 0), false); err != nil {
		t.Errorf("YUYV after the refusals: %v", err)
	}
}

// scalePlane's shortcuts for halving a side give what its general box
// filter gives (the rounded mean of the pixels under each output pixel).
func TestScalePlaneMatchesBoxFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 20))
	for _, c := range []struct{ sw, sh, dw, dh int }{
		{64, 48, 64, 24}, {64, 48, 32, 48}, {64, 48, 32, 24}, // the shortcuts
		{66, 50, 33, 25}, {7, 6, 7, 3}, {64, 48, 48, 36}, {30, 20, 40, 30}, // odd, general, upscale
	} {
		const pad = 5
		src := make([]byte, (c.sw+pad)*c.sh)
		for i := range src {
			src[i] = byte(rng.IntN(256))
		}
		got := make([]byte, (c.dw+pad)*c.dh)
		scalePlane(src, c.sw+pad, c.sw, c.sh, got, c.dw+pad, c.dw, c.dh)
		for y := range c.dh {
			y0, y1 := y*c.sh/c.dh, max((y+1)*c.sh/c.dh, y*c.sh/c.dh+1)
			for x := range c.dw {
				x0, x1 := x*c.sw/c.dw, max((x+1)*c.sw/c.dw, x*c.sw/c.dw+1)
				sum, n := 0, (y1-y0)*(x1-x0)
				for yy := y0; yy < y1; yy++ {
					for xx := x0; xx < x1; xx++ {
						sum += int(src[yy*(c.sw+pad)+xx])
					}
				}
				if want := byte((sum + n/2) / n); got[y*(c.dw+pad)+x] != want {
					t.Fatalf("%dx%d→%dx%d: (%d,%d) = %d, want %d", c.sw, c.sh, c.dw, c.dh, x, y, got[y*(c.dw+pad)+x], want)
				}
			}
		}
	}
}
