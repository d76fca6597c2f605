package capture

import (
	"strings"
	"testing"

	"gocv.io/x/gocv"
)

func encodeJPEG(t testing.TB, w, h int) []byte { return encodeJPEGSeed(t, w, h, 1) }

func encodeJPEGSeed(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	m := cameraLikeImage(t, w, h, seed)
	defer m.Close()
	buf, err := gocv.IMEncode(gocv.JPEGFileExt, m)
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...)
}

func TestJPEGSize(t *testing.T) {
	jpg := encodeJPEG(t, 320, 240)
	padded := append(append([]byte(nil), jpg...), make([]byte, 100)...)
	tests := []struct {
		name    string
		data    []byte
		w, h    int
		wantErr string
	}{
		{"whole", jpg, 320, 240, ""},
		{"zero padding after EOI", padded, 320, 240, ""},
		{"truncated", jpg[:len(jpg)/2], 0, 0, "truncated"},
		{"no SOI", jpg[2:], 0, 0, "no SOI"},
		{"empty", nil, 0, 0, "no SOI"},
		{"header only", []byte{0xFF, 0xD8, 0xFF, 0xD9}, 0, 0, "no frame header"},
		{"bad segment length", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF}, jpg[len(jpg)-2:]...), 0, 0, "overruns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, h, err := JPEGSize(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || w != tt.w || h != tt.h {
				t.Fatalf("got %dx%d, %v; want %dx%d", w, h, err, tt.w, tt.h)
			}
		})
	}
}

func TestJPEGSizeOddSizes(t *testing.T) {
	for _, s := range [][2]int{{17, 9}, {1920, 1080}, {64, 2000}} {
		w, h, err := JPEGSize(encodeJPEG(t, s[0], s[1]))
		if err != nil || w != s[0] || h != s[1] {
			t.Errorf("%dx%d: got %dx%d, %v", s[0], s[1], w, h, err)
		}
	}
}
