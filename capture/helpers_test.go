package capture

import (
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"
)

// cameraLikeImage is a BGR image with gradients, shapes and sensor-like noise,
// so JPEG sizes and timings resemble a camera's rather than a flat test card.
func cameraLikeImage(t testing.TB, w, h, seed int) gocv.Mat {
	t.Helper()
	m := gocv.NewMatWithSize(h, w, gocv.MatTypeCV8UC3)
	data, err := m.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	state := uint32(seed*7919 + 1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			state = state*1664525 + 1013904223
			n := int(state>>30) - 2 // mild sensor noise
			i := (y*w + x) * 3
			data[i] = clampByte(x*255/w + n)
			data[i+1] = clampByte(y*255/h + n)
			data[i+2] = clampByte((x+y+seed*13)%256 + n)
		}
	}
	c := image.Pt((seed*37)%w, h/2)
	if err := gocv.Circle(&m, c, h/5, color.RGBA{200, 40, 40, 0}, -1); err != nil {
		t.Fatal(err)
	}
	return m
}

func clampByte(v int) byte { return byte(min(255, max(0, v))) }

// writeMJPEG writes an MJPEG .avi of n camera-like frames with OpenCV.
func writeMJPEG(t testing.TB, dir string, n, w, h int, fps float64) string {
	t.Helper()
	path := filepath.Join(dir, "clip.avi")
	writeVideo(t, path, "MJPG", n, w, h, fps)
	return path
}

func writeVideo(t testing.TB, path, codec string, n, w, h int, fps float64) {
	t.Helper()
	vw, err := gocv.VideoWriterFile(path, codec, fps, w, h, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	for i := 0; i < n; i++ {
		m := cameraLikeImage(t, w, h, i)
		err := vw.Write(m)
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// aviVideoChunks returns the payloads of the '00dc' chunks of an AVI file:
// the JPEG bytes exactly as stored.
func aviVideoChunks(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := riffChunks(data[12:], nil)
	if err != nil {
		t.Fatal(err)
	}
	return chunks
}

func riffChunks(data []byte, out [][]byte) ([][]byte, error) {
	for len(data) >= 8 {
		id, size := string(data[:4]), int(binary.LittleEndian.Uint32(data[4:8]))
		if 8+size > len(data) {
			return out, errors.New("chunk overruns the file")
		}
		body := data[8 : 8+size]
		switch id {
		case "LIST":
			var err error
			if out, err = riffChunks(body[4:], out); err != nil {
				return out, err
			}
		case "00dc":
			out = append(out, body)
		}
		data = data[8+size+size%2:]
	}
	return out, nil
}

// readFrames reads n frames, checking each is valid and stamped after the last.
func readFrames(t testing.TB, src Source, n int) []*Frame {
	t.Helper()
	var out []*Frame
	var last *Frame
	for i := 0; i < n; i++ {
		f, err := src.Read()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if err := f.Validate(); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if f.Stamp.IsZero() || f.GrabEnd.Before(f.GrabBegin) {
			t.Fatalf("frame %d: stamp %v, grab %v..%v", i, f.Stamp, f.GrabBegin, f.GrabEnd)
		}
		if last != nil && !f.Stamp.After(last.Stamp) {
			t.Fatalf("frame %d: stamp %v not after %v", i, f.Stamp, last.Stamp)
		}
		last = f
		out = append(out, f)
	}
	return out
}

// decodedSize decodes a JPEG and returns its size.
func decodedSize(t testing.TB, data []byte) (int, int) {
	t.Helper()
	m, err := gocv.IMDecode(data, gocv.IMReadColor)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	return m.Cols(), m.Rows()
}

func mustOpen(t testing.TB, uri string, req Request) Source {
	t.Helper()
	src, err := Open(uri, req)
	if err != nil {
		t.Fatalf("Open(%q): %v", uri, err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// wantErrKind checks err is set, of the right kind, and names want.
// wantOpenRefused opens uri with req, which must fail as wantErrKind says
// (a source that opens anyway is closed, and the test fails).
func wantOpenRefused(t testing.TB, uri string, req Request, config bool, want string) {
	t.Helper()
	src, err := Open(uri, req)
	if err == nil {
		src.Close()
	}
	wantErrKind(t, err, config, want)
}

func wantErrKind(t testing.TB, err error, config bool, want string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("no error; want one naming %q", want)
	case IsConfigError(err) != config:
		t.Errorf("IsConfigError = %v, want %v: %v", IsConfigError(err), config, err)
	}
	if !containsFold(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
