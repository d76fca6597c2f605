package h264dec

import (
	"bytes"
	"testing"
)

var (
	baseline = stream{320, 240, 60, "yuv420p", []string{"-profile:v", "baseline", "-bf", "0", "-g", "30"}}
	bframes  = stream{640, 360, 45, "yuv420p", []string{"-profile:v", "high", "-bf", "2", "-g", "30"}}
)

// Every stream layout a camera or encoder may send, decoded access unit by
// access unit, must give the ffmpeg CLI's pictures: the same number, in the
// same order, at the stream's size and range. 4:2:0 8-bit pictures are
// copied, so they must be identical; the others go through libswscale and
// must be close (ffmpeg's own conversion to yuv420p may round differently).
func TestDecodeMatchesFFmpeg(t *testing.T) {
	tests := []struct {
		name      string
		s         stream
		refFormat string  // ffmpeg -pix_fmt for the reference
		exact     bool    // planes copied: byte-identical
		minLuma   float64 // PSNR bounds, dB, when not exact
		minChroma float64
		fullRange bool
		delay     bool // reorders: the first pictures come late
	}{
		{"baseline", baseline, "yuv420p", true, 0, 0, false, false},
		{"high_bframes", bframes, "yuv420p", true, 0, 0, false, true},
		{"cropped_322x242", stream{322, 242, 20, "yuv420p", []string{"-profile:v", "baseline", "-bf", "0"}}, "yuv420p", true, 0, 0, false, false},
		{"full_range", stream{320, 240, 20, "yuvj420p", []string{"-profile:v", "baseline", "-bf", "0"}}, "yuvj420p", true, 0, 0, true, false},
		{"high422", stream{320, 240, 20, "yuv422p", []string{"-profile:v", "high422", "-bf", "0"}}, "yuv420p", false, 50, 35, false, false},
		{"high444_odd_321x241", stream{321, 241, 20, "yuv444p", []string{"-profile:v", "high444", "-bf", "0"}}, "yuv420p", false, 50, 35, false, false},
		{"high10", stream{320, 240, 20, "yuv420p10le", []string{"-profile:v", "high10", "-bf", "0"}}, "yuv420p", false, 45, 45, false, false},
		{"high422_full_range", stream{320, 240, 20, "yuvj422p", []string{"-profile:v", "high422", "-bf", "0"}}, "yuvj420p", false, 50, 35, true, false},
		{"high422_odd_height_320x241", stream{320, 241, 20, "yuv422p", []string{"-profile:v", "high422", "-bf", "0"}}, "yuv420p", false, 50, 35, false, false},
		// Monochrome (chroma_format_idc 0): libavcodec gives 4:2:0 with grey
		// chroma; ffmpeg's gray is full range, and x264 signals it.
		{"gray", stream{320, 240, 20, "gray", []string{"-profile:v", "high", "-bf", "0"}}, "yuvj420p", true, 0, 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.s.encode(t)
			aus := accessUnits(t, path)
			if len(aus) != tc.s.frames {
				t.Fatalf("split into %d access units, want %d", len(aus), tc.s.frames)
			}
			ref := ffmpegI420(t, path, tc.s.w, tc.s.h, tc.refFormat)
			d := newDecoder(t)
			var pics []Picture
			firstOK := -1
			for i, au := range aus {
				p, ok, err := d.Decode(au)
				if err != nil {
					t.Fatalf("access unit %d: %v", i, err)
				}
				if ok {
					pics = append(pics, p)
					if firstOK < 0 {
						firstOK = i
					}
				}
			}
			if got := firstOK > 0; got != tc.delay {
				t.Errorf("first picture from access unit %d; want a reordering delay: %v", firstOK, tc.delay)
			}
			rest, err := d.Flush()
			if err != nil {
				t.Fatal(err)
			}
			if !tc.delay && len(rest) != 0 {
				t.Errorf("Flush gave %d pictures from a stream without reordering", len(rest))
			}
			pics = append(pics, rest...)
			if len(pics) != len(ref) {
				t.Fatalf("%d pictures, ffmpeg decoded %d", len(pics), len(ref))
			}
			for i, p := range pics {
				if p.Width != tc.s.w || p.Height != tc.s.h || len(p.Data) != I420Size(tc.s.w, tc.s.h) {
					t.Fatalf("picture %d: %dx%d, %d bytes; want %dx%d, %d", i, p.Width, p.Height, len(p.Data), tc.s.w, tc.s.h, I420Size(tc.s.w, tc.s.h))
				}
				if p.FullRange != tc.fullRange {
					t.Errorf("picture %d: FullRange %v, want %v", i, p.FullRange, tc.fullRange)
				}
				if tc.exact {
					if !bytes.Equal(p.Data, ref[i]) {
						t.Fatalf("picture %d differs from ffmpeg's (PSNR Y/Cb/Cr %.1f dB)", i, planePSNR(p.Width, p.Height, p.Data, ref[i]))
					}
					continue
				}
				q := planePSNR(p.Width, p.Height, p.Data, ref[i])
				if q[0] < tc.minLuma || q[1] < tc.minChroma || q[2] < tc.minChroma {
					t.Fatalf("picture %d: PSNR Y/Cb/Cr %.1f dB against ffmpeg's, want ≥ %.0f/%.0f", i, q, tc.minLuma, tc.minChroma)
				}
				if i == 0 {
					t.Logf("PSNR Y/Cb/Cr %.1f dB", q)
				}
			}
		})
	}
}
