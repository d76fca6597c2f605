package capture

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"gocv.io/x/gocv"
)

func testFrame(t *testing.T, format string) *Frame {
	t.Helper()
	src, err := Open("testpattern://?format="+format, Request{Width: 320, Height: 240, FPS: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPixelsConversions(t *testing.T) {
	f := testFrame(t, "rgb8")
	cases := []struct {
		to   PixelFormat
		bpp  int
		same bool
	}{{RGB8, 3, true}, {BGR8, 3, false}, {Mono8, 1, false}}
	for _, c := range cases {
		data, step, err := f.Pixels(c.to)
		if err != nil {
			t.Fatalf("%s: %v", c.to, err)
		}
		if step != 320*c.bpp || len(data) != step*240 {
			t.Fatalf("%s: step %d len %d", c.to, step, len(data))
		}
		if c.same != (&data[0] == &f.Data[0]) {
			t.Fatalf("%s: shares frame data = %v, want %v", c.to, !c.same, c.same)
		}
	}
	bgr, _, _ := f.Pixels(BGR8)
	if bgr[0] != f.Data[2] || bgr[2] != f.Data[0] {
		t.Fatal("BGR is not RGB with channels swapped")
	}
	if _, _, err := f.Pixels(YUYV); err == nil {
		t.Fatal("rgb8 → yuyv should be refused")
	}
}

// One conversion and one encode per frame, however many consumers ask at once.
func TestConversionsOncePerFrame(t *testing.T) {
	f := testFrame(t, "rgb8")
	before := Counts()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.JPEG(EncodeOptions{Quality: 70}); err != nil {
				t.Error(err)
			}
			if _, _, err := f.Pixels(BGR8); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	after := Counts()
	if got := after.Encodes - before.Encodes; got != 1 {
		t.Fatalf("%d encodes for 20 consumers, want 1", got)
	}
	if got := after.Converts - before.Converts; got != 1 {
		t.Fatalf("%d conversions for 20 consumers, want 1", got)
	}
	if _, err := f.JPEG(EncodeOptions{Quality: 71}); err != nil {
		t.Fatal(err)
	}
	if Counts().Encodes-after.Encodes != 1 {
		t.Fatal("another quality needs its own encode")
	}
}

func TestJPEGScaling(t *testing.T) {
	f := testFrame(t, "mjpeg")
	cases := []struct{ w, h, wantW, wantH int }{
		{0, 0, 320, 240}, {160, 0, 160, 120}, {0, 60, 80, 60}, {100, 100, 100, 100},
	}
	for _, c := range cases {
		j, err := f.JPEG(EncodeOptions{Width: c.w, Height: c.h})
		if err != nil {
			t.Fatal(err)
		}
		g := &Frame{Format: JPEG, Data: j, Width: c.wantW, Height: c.wantH}
		if _, _, err := g.Pixels(BGR8); err != nil {
			t.Fatalf("%dx%d: %v (%d bytes, % x)", c.w, c.h, err, len(j), j[:4])
		}
	}
	if _, err := f.JPEG(EncodeOptions{Quality: 101, Width: 10}); err == nil {
		t.Fatal("quality 101 accepted")
	}
}

// web_video_server's invert (180°) and PNG renditions: a pixel at the top
// left goes to the bottom right; PNG is lossless and decodes to the frame.
func TestEncodedInvertAndPNG(t *testing.T) {
	const w, h = 32, 16
	data := make([]byte, w*h*3)
	data[0], data[1], data[2] = 0, 0, 255 // top-left pixel red (bgr8)
	f := &Frame{Seq: 1, Width: w, Height: h, Format: BGR8, Step: w * 3, Data: data}
	for _, tc := range []struct {
		name       string
		o          EncodeOptions
		redAt      [2]int // x, y of the red pixel after decoding
		exactPixel bool
	}{
		{"png", EncodeOptions{PNG: true, Quality: 3}, [2]int{0, 0}, true},
		{"png inverted", EncodeOptions{PNG: true, Quality: 3, Invert: true}, [2]int{w - 1, h - 1}, true},
		{"jpeg inverted", EncodeOptions{Quality: 95, Invert: true}, [2]int{w - 1, h - 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := f.Encoded(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			m, err := gocv.IMDecode(b, gocv.IMReadColor)
			if err != nil || m.Empty() {
				t.Fatalf("decode: %v", err)
			}
			defer m.Close()
			px := m.GetVecbAt(tc.redAt[1], tc.redAt[0])
			if tc.exactPixel && (px[0] != 0 || px[1] != 0 || px[2] != 255) || !tc.exactPixel && px[2] < 100 {
				t.Errorf("pixel at %v is %v, want red", tc.redAt, px)
			}
			if tc.o.PNG != bytes.HasPrefix(b, []byte("\x89PNG")) {
				t.Errorf("PNG signature %v, want %v", bytes.HasPrefix(b, []byte("\x89PNG")), tc.o.PNG)
			}
		})
	}
	if _, err := f.Encoded(EncodeOptions{PNG: true, Quality: 10}); err == nil || !strings.Contains(err.Error(), "0..9") {
		t.Errorf("PNG level 10: %v, want an error naming 0..9", err)
	}
	jf := &Frame{Seq: 2, Width: w, Height: h, Format: JPEG, Data: []byte{0xFF, 0xD8, 0xFF, 0xD9}}
	if b, _ := jf.Encoded(EncodeOptions{}); &b[0] != &jf.Data[0] {
		t.Error("a JPEG frame asked for nothing different was not passed through")
	}
}
