package capture

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// patternCounter reads the counter band back from an RGB frame.
func patternCounter(f *Frame) uint64 {
	y := PatternBandHeight(f.Height) / 2
	var v uint64
	for i := range 32 {
		x := int((float64(i) + 0.5) * float64(f.Width) / 32)
		p := f.Data[y*f.Step+x*3:]
		bit := uint64(0)
		if (int(p[0])+int(p[1])+int(p[2]))/3 > 127 {
			bit = 1
		}
		v = v<<1 | bit
	}
	return v
}

func TestTestPatternContent(t *testing.T) {
	for _, size := range [][2]int{{640, 480}, {320, 240}, {1280, 720}} {
		src, err := Open("testpattern://", Request{Width: size[0], Height: size[1], FPS: 200})
		if err != nil {
			t.Fatal(err)
		}
		for want := uint64(0); want < 5; want++ {
			f, err := src.Read()
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			if f.Width != size[0] || f.Height != size[1] || f.Format != RGB8 {
				t.Fatalf("frame %dx%d %s", f.Width, f.Height, f.Format)
			}
			if got := patternCounter(f); got != want {
				t.Fatalf("counter band reads %d, want %d", got, want)
			}
			y := PatternBandHeight(f.Height) + 4
			for _, x := range []int{f.Width / 16, f.Width / 2, f.Width - f.Width/16} {
				bar := PatternBarAt(x, want, f.Width)
				pos := (x + PatternShift(want, f.Width)) % f.Width
				if pos%(f.Width/8) < 3 || pos%(f.Width/8) > f.Width/8-3 {
					continue // bar edge
				}
				p := f.Data[y*f.Step+x*3 : y*f.Step+x*3+3]
				if [3]byte(p) != PatternBars[bar] {
					t.Fatalf("pixel at x=%d is %v, want bar %d %v", x, p, bar, PatternBars[bar])
				}
			}
		}
		src.Close()
	}
}

func TestTestPatternPacing(t *testing.T) {
	src, err := Open("testpattern://", Request{Width: 160, Height: 120, FPS: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var stamps []time.Time
	for range 11 {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		stamps = append(stamps, f.Stamp)
	}
	// Ten periods of 20 ms: generous bounds, this is pacing, not a benchmark.
	if d := stamps[10].Sub(stamps[0]); d < 150*time.Millisecond || d > 600*time.Millisecond {
		t.Fatalf("10 frames at 50 fps took %v", d)
	}
}

func TestTestPatternJPEGAndClose(t *testing.T) {
	src, err := Open("testpattern://?format=mjpeg", Request{Width: 320, Height: 240, FPS: 100})
	if err != nil {
		t.Fatal(err)
	}
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != JPEG || len(f.Data) < 100 || f.Data[0] != 0xFF || f.Data[1] != 0xD8 {
		t.Fatalf("not a JPEG frame: %s, %d bytes", f.Format, len(f.Data))
	}
	// A JPEG frame is passed through unchanged, at any quality.
	if j, _ := f.JPEG(EncodeOptions{Quality: 30}); &j[0] != &f.Data[0] {
		t.Fatal("JPEG of a JPEG frame was re-encoded")
	}
	px, step, err := f.Pixels(RGB8)
	if err != nil || step != 320*3 || len(px) != 320*240*3 {
		t.Fatalf("decode: %v step %d len %d", err, step, len(px))
	}
	go func() { time.Sleep(50 * time.Millisecond); src.Close() }()
	for {
		if _, err := src.Read(); err != nil {
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("after Close: %v, want ErrClosed", err)
			}
			break
		}
	}
}

func TestOpenErrors(t *testing.T) {
	cases := []struct {
		uri  string
		req  Request
		want string
	}{
		{"", Request{}, "empty URI"},
		{"nosuch://x", Request{}, `unknown scheme "nosuch"`},
		{"/dev/video0", Request{}, "no scheme"},
		{"testpattern://", Request{Width: 8, Height: 8}, "8x8"},
		{"testpattern://", Request{Width: 641, Height: 480}, "641"},
		{"testpattern://", Request{FPS: -3}, "-3"},
		{"testpattern://?format=h264", Request{}, "h264"},
		{"testpattern://?pattern=zebra", Request{}, "zebra"},
	}
	for _, c := range cases {
		_, err := Open(c.uri, c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q, %+v) = %v, want error containing %q", c.uri, c.req, err, c.want)
			continue
		}
		if !IsConfigError(err) {
			t.Errorf("Open(%q): %v is not a ConfigError", c.uri, err)
		}
	}
}
