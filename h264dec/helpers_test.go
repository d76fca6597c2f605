package h264dec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"webcam/fmp4"
	"webcam/internal/imagetest"
)

func needFFmpeg(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (scripts/setup.sh installs it)")
	}
}

// streamDir holds the streams the tests encode, shared by the whole run.
var streamDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "h264dec-test-") })

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := streamDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// stream describes an H.264 test stream the ffmpeg CLI encodes from its
// testsrc2 pattern with libx264.
type stream struct {
	w, h, frames int
	pixFmt       string   // libx264's input, e.g. yuv420p, yuvj420p, yuv422p
	args         []string // encoder options
}

func (s stream) name() string {
	return fmt.Sprintf("%dx%d_%d_%s_%s", s.w, s.h, s.frames, s.pixFmt, strings.Join(s.args, "_"))
}

var encodeMu sync.Mutex

// encode writes the stream once per test run and returns its path.
func (s stream) encode(t testing.TB) string {
	t.Helper()
	needFFmpeg(t)
	dir, err := streamDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, strings.NewReplacer(":", "", "=", "", "/", "").Replace(s.name())+".h264")
	encodeMu.Lock()
	defer encodeMu.Unlock()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	// testsrc2 and crop keep to 4:2:0's even sizes, so an odd size is cropped
	// from an even one after the conversion to the stream's pixel format.
	args := []string{"-v", "error", "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=30", s.w+s.w%2, s.h+s.h%2),
		"-frames:v", fmt.Sprint(s.frames), "-vf", fmt.Sprintf("format=%s,crop=%d:%d:0:0", s.pixFmt, s.w, s.h),
		"-pix_fmt", s.pixFmt, "-c:v", "libx264"}
	args = append(append(args, s.args...), "-f", "h264", "-y", path)
	if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
	return path
}

// accessUnits reads an Annex-B file and splits it as the node would.
func accessUnits(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmp4.SplitAccessUnits(b)
}

// ffmpegI420 decodes an Annex-B file with the ffmpeg CLI to w×h I420
// frames. pixFmt yuvj420p keeps full-range values as they are (yuv420p
// would squeeze them to video range).
func ffmpegI420(t testing.TB, path string, w, h int, pixFmt string) [][]byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-threads", "1", "-f", "h264", "-i", path,
		"-f", "rawvideo", "-pix_fmt", pixFmt, "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v", path, err)
	}
	n := I420Size(w, h)
	if len(out)%n != 0 {
		t.Fatalf("ffmpeg gave %d bytes, not a whole number of %dx%d I420 frames", len(out), w, h)
	}
	var frames [][]byte
	for len(out) > 0 {
		frames, out = append(frames, out[:n:n]), out[n:]
	}
	return frames
}

func newDecoder(t testing.TB) *Decoder {
	t.Helper()
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

// decodeAll decodes every access unit, then flushes, and returns the
// pictures in output order. Any error fails the test.
func decodeAll(t testing.TB, d *Decoder, aus [][]byte) []Picture {
	t.Helper()
	var pics []Picture
	for i, au := range aus {
		p, ok, err := d.Decode(au)
		if err != nil {
			t.Fatalf("access unit %d: %v", i, err)
		}
		if ok {
			pics = append(pics, p)
		}
	}
	rest, err := d.Flush()
	if err != nil {
		t.Fatalf("flush: %v", err)
	}
	return append(pics, rest...)
}

// planePSNR is the PSNR of each plane of two I420 pictures of one size.
func planePSNR(w, h int, a, b []byte) [3]float64 {
	pa, pb := Picture{Width: w, Height: h, Data: a}, Picture{Width: w, Height: h, Data: b}
	ay, acb, acr := pa.Planes()
	by, bcb, bcr := pb.Planes()
	return [3]float64{imagetest.PSNR(ay, by), imagetest.PSNR(acb, bcb), imagetest.PSNR(acr, bcr)}
}
