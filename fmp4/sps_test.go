package fmp4

import (
	"strings"
	"testing"
)

// TestParseSPSMatchesFFprobe parses the SPS of real libx264 streams and
// compares it with what ffprobe reads from the same stream.
func TestParseSPSMatchesFFprobe(t *testing.T) {
	cases := []struct {
		enc       encoding
		profile   uint8
		codec     string
		chroma    uint8
		bitDepth  uint8
		ffProfile string
	}{
		{encoding{width: 640, height: 480, profile: "baseline"}, 66, "avc1.42c01e", 1, 8, "Constrained Baseline"},
		{encoding{width: 1280, height: 720, profile: "main"}, 77, "avc1.4d401f", 1, 8, "Main"},
		{encoding{width: 1920, height: 1080, profile: "high"}, 100, "avc1.640028", 1, 8, "High"},
		{encoding{width: 854, height: 480, profile: "high"}, 100, "avc1.64001f", 1, 8, "High"},
		{encoding{width: 846, height: 478, profile: "high422", pixFmt: "yuv422p"}, 122, "avc1.7a001f", 2, 8, "High 4:2:2"},
		{encoding{width: 642, height: 362, profile: "high444", pixFmt: "yuv444p"}, 244, "avc1.f4001e", 3, 8, "High 4:4:4 Predictive"},
		{encoding{width: 320, height: 240, profile: "high10", pixFmt: "yuv420p10le"}, 110, "avc1.6e000d", 1, 10, "High 10"},
		{encoding{width: 322, height: 242, profile: "high", pixFmt: "gray"}, 100, "avc1.64000d", 0, 8, "High"},
	}
	for _, c := range cases {
		c.enc.frames = 1
		t.Run(c.enc.profile+" "+itoa(c.enc.width)+"x"+itoa(c.enc.height)+" "+c.enc.pixFmt, func(t *testing.T) {
			stream := encode(t, c.enc)
			s, err := ParseSPS(firstNAL(t, stream, nalSPS))
			if err != nil {
				t.Fatal(err)
			}
			probe := probeStream(t, writeFile(t, "in.h264", stream), false)
			if s.Width != probe.Width || s.Height != probe.Height || int(s.Level) != probe.Level {
				t.Errorf("parsed %dx%d level %d, ffprobe %dx%d level %d", s.Width, s.Height, s.Level, probe.Width, probe.Height, probe.Level)
			}
			if s.Width != c.enc.width || s.Height != c.enc.height {
				t.Errorf("parsed %dx%d, encoded %dx%d", s.Width, s.Height, c.enc.width, c.enc.height)
			}
			if probe.Profile != c.ffProfile || s.Profile != c.profile {
				t.Errorf("profile %d (ffprobe %q), want %d (%q)", s.Profile, probe.Profile, c.profile, c.ffProfile)
			}
			if s.ChromaFormat != c.chroma || s.BitDepthLuma != c.bitDepth || s.BitDepthChroma != c.bitDepth {
				t.Errorf("chroma %d depth %d/%d, want %d depth %d", s.ChromaFormat, s.BitDepthLuma, s.BitDepthChroma, c.chroma, c.bitDepth)
			}
			if got := s.Codec(); got != c.codec {
				t.Errorf("codec %q, want %q", got, c.codec)
			}
		})
	}
}

// bitWriter builds SPS bit strings for the syntax x264 never writes.
type bitWriter struct {
	bits []bool
}

func (w *bitWriter) u(n int, v uint32) {
	for i := n - 1; i >= 0; i-- {
		w.bits = append(w.bits, v>>i&1 == 1)
	}
}

func (w *bitWriter) ue(v uint32) {
	n := 0
	for (v+1)>>n > 1 {
		n++
	}
	w.u(n, 0)
	w.u(n+1, v+1)
}

func (w *bitWriter) se(v int32) {
	if v > 0 {
		w.ue(uint32(2*v - 1))
	} else {
		w.ue(uint32(-2 * v))
	}
}

// nal returns the bits as a NAL unit: header byte, RBSP stop bit, and
// emulation prevention bytes where the payload has 00 00 0x (x ≤ 3).
func (w *bitWriter) nal(header byte) []byte {
	w.u(1, 1)
	for len(w.bits)%8 != 0 {
		w.u(1, 0)
	}
	out := []byte{header}
	zeros := 0
	for i := 0; i < len(w.bits); i += 8 {
		var b byte
		for j := range 8 {
			if w.bits[i+j] {
				b |= 0x80 >> j
			}
		}
		if zeros >= 2 && b <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, b)
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// spsFields is an SPS for the bit writer, for the branches real encoders
// here do not take: picture order type 1, interlaced (field) coding, 4:4:4
// with separate colour planes, scaling matrices.
type spsFields struct {
	profile, level        uint32
	chroma                uint32 // for High profiles
	separatePlanes        bool
	scalingLists          bool
	pocType               uint32
	widthMbs, heightUnits uint32
	frameMbsOnly          bool
	crop                  [4]uint32 // left, right, top, bottom
	cropping              bool
}

func (f spsFields) nal() []byte {
	w := &bitWriter{}
	w.u(8, f.profile)
	w.u(8, 0)
	w.u(8, f.level)
	w.ue(0) // id
	if hasChromaInfo(uint8(f.profile)) {
		w.ue(f.chroma)
		if f.chroma == 3 {
			w.u(1, b2u(f.separatePlanes))
		}
		w.ue(0) // luma depth 8
		w.ue(0)
		w.u(1, 0)
		w.u(1, b2u(f.scalingLists))
		if f.scalingLists {
			for i := range 8 {
				w.u(1, uint32(i%2)) // every other list present
				if i%2 == 1 {
					for range scalingListSize(i) {
						w.se(-3)
					}
				}
			}
		}
	}
	w.ue(0) // log2_max_frame_num_minus4
	w.ue(f.pocType)
	switch f.pocType {
	case 0:
		w.ue(2)
	case 1:
		w.u(1, 0)
		w.se(-2)
		w.se(5)
		w.ue(3)
		w.se(1)
		w.se(-1)
		w.se(7)
	}
	w.ue(1) // max_num_ref_frames
	w.u(1, 0)
	w.ue(f.widthMbs - 1)
	w.ue(f.heightUnits - 1)
	w.u(1, b2u(f.frameMbsOnly))
	if !f.frameMbsOnly {
		w.u(1, 1)
	}
	w.u(1, 1)
	w.u(1, b2u(f.cropping))
	if f.cropping {
		for _, v := range f.crop {
			w.ue(v)
		}
	}
	w.u(1, 0) // no VUI
	return w.nal(0x67)
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// TestParseSPSSyntax covers the SPS syntax libx264 does not write, with the
// sizes the standard's cropping rules give.
func TestParseSPSSyntax(t *testing.T) {
	cases := []struct {
		name   string
		f      spsFields
		w, h   int
		chroma uint8
	}{
		{"1080i: field coding doubles the crop unit", spsFields{profile: 77, level: 40, widthMbs: 120, heightUnits: 34, cropping: true, crop: [4]uint32{0, 0, 0, 2}}, 1920, 1080, 1},
		{"poc type 1 with a cycle", spsFields{profile: 66, level: 30, pocType: 1, widthMbs: 40, heightUnits: 30, frameMbsOnly: true}, 640, 480, 1},
		{"poc type 2", spsFields{profile: 66, level: 30, pocType: 2, widthMbs: 22, heightUnits: 18, frameMbsOnly: true}, 352, 288, 1},
		{"high with scaling lists", spsFields{profile: 100, level: 31, chroma: 1, scalingLists: true, widthMbs: 80, heightUnits: 45, frameMbsOnly: true}, 1280, 720, 1},
		{"4:4:4 separate planes: crop in pixels", spsFields{profile: 244, level: 31, chroma: 3, separatePlanes: true, widthMbs: 54, heightUnits: 30, frameMbsOnly: true, cropping: true, crop: [4]uint32{1, 9, 0, 1}}, 854, 479, 3},
		{"4:2:2: crop 2×1", spsFields{profile: 122, level: 31, chroma: 2, widthMbs: 54, heightUnits: 30, frameMbsOnly: true, cropping: true, crop: [4]uint32{0, 5, 1, 1}}, 854, 478, 2},
		{"monochrome: crop 1×1", spsFields{profile: 100, level: 31, chroma: 0, widthMbs: 54, heightUnits: 30, frameMbsOnly: true, cropping: true, crop: [4]uint32{0, 10, 0, 3}}, 854, 477, 0},
		{"smallest", spsFields{profile: 66, level: 10, widthMbs: 1, heightUnits: 1, frameMbsOnly: true}, 16, 16, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseSPS(c.f.nal())
			if err != nil {
				t.Fatal(err)
			}
			if s.Width != c.w || s.Height != c.h || s.ChromaFormat != c.chroma {
				t.Errorf("%dx%d chroma %d, want %dx%d chroma %d", s.Width, s.Height, s.ChromaFormat, c.w, c.h, c.chroma)
			}
			if s.Profile != uint8(c.f.profile) || s.Level != uint8(c.f.level) {
				t.Errorf("profile %d level %d, want %d %d", s.Profile, s.Level, c.f.profile, c.f.level)
			}
		})
	}
}

// TestParseSPSRefuses: damaged or impossible SPS give an error naming the
// problem, never a panic or a nonsense size.
func TestParseSPSRefuses(t *testing.T) {
	good := spsFields{profile: 100, level: 31, chroma: 1, scalingLists: true, widthMbs: 80, heightUnits: 45, frameMbsOnly: true}.nal()
	cases := []struct {
		name string
		nal  []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"header only", []byte{0x67}, "truncated"},
		{"a PPS", []byte{0x68, 0xee, 0x3c, 0x80}, "not an SPS"},
		{"cut in the scaling lists", good[:8], "truncated"},
		{"cut before the size", good[:len(good)-3], "truncated"},
		{"all ones: huge codes", []byte{0x67, 0x64, 0, 0x1f, 0xff, 0xff, 0xff, 0xff}, ""},
		{"zeros: no exp-Golomb end", []byte{0x67, 0x42, 0, 0x1f, 0, 0, 0, 0, 0, 0}, ""},
		{"too wide", spsFields{profile: 66, widthMbs: 2000, heightUnits: 10, frameMbsOnly: true}.nal(), "beyond H.264"},
		{"cropped to nothing", spsFields{profile: 66, widthMbs: 2, heightUnits: 2, frameMbsOnly: true, cropping: true, crop: [4]uint32{8, 8, 0, 0}}.nal(), "leaves nothing"},
		{"crop overflow", spsFields{profile: 66, widthMbs: 2, heightUnits: 2, frameMbsOnly: true, cropping: true, crop: [4]uint32{1 << 31, 1 << 31, 0, 0}}.nal(), "leaves nothing"},
		{"pic_order_cnt_type 3", spsFields{profile: 66, pocType: 3, widthMbs: 2, heightUnits: 2}.nal(), "pic_order_cnt_type"},
		{"chroma_format_idc 4", spsFields{profile: 100, chroma: 4, widthMbs: 2, heightUnits: 2}.nal(), "chroma_format_idc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseSPS(c.nal)
			if err == nil {
				t.Fatalf("parsed %+v, want an error", s)
			}
			if !strings.HasPrefix(err.Error(), "fmp4: ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want one containing %q", err, c.want)
			}
		})
	}
}

// TestCodecString: profile, constraint flags and level in hex.
func TestCodecString(t *testing.T) {
	cases := []struct {
		s    SPS
		want string
	}{
		{SPS{Profile: 66, Constraints: 0xe0, Level: 30}, "avc1.42e01e"},
		{SPS{Profile: 77, Constraints: 0x40, Level: 31}, "avc1.4d401f"},
		{SPS{Profile: 100, Level: 51}, "avc1.640033"},
		{SPS{Profile: 244, Level: 9}, "avc1.f40009"},
	}
	for _, c := range cases {
		if got := c.s.Codec(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}
