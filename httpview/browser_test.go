package httpview

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"webcam/capture"
)

var updateDocs = flag.Bool("update-docs", false, "write the index page's screenshot to ../docs/httpview.png")

const chromium = "/usr/bin/chromium" // Debian's package, installed by scripts/setup.sh

// screenshot loads url in headless Chromium and returns what it drew.
// Chromium and its helpers run in a process group of their own, killed as a
// whole if it overruns.
func screenshot(t *testing.T, url string, w, h int) (image.Image, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+out,
		fmt.Sprintf("--window-size=%d,%d", w, h), url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	log, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // helpers left behind, if any
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, log)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, log)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img, out
}

// barShares is the share of the image's pixels close to each saturated
// test-pattern bar colour (white and black are page colours too).
func barShares(img image.Image) map[[3]byte]float64 {
	counts := map[[3]byte]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			px := [3]int{int(r >> 8), int(g >> 8), int(bl >> 8)}
			for _, bar := range capture.PatternBars[1:7] {
				if near(px, bar) {
					counts[bar]++
				}
			}
		}
	}
	out := map[[3]byte]float64{}
	for _, bar := range capture.PatternBars[1:7] {
		out[bar] = float64(counts[bar]) / float64(b.Dx()*b.Dy())
	}
	return out
}

func near(px [3]int, c [3]byte) bool {
	for i := range 3 {
		if d := px[i] - int(c[i]); d < -48 || d > 48 {
			return false
		}
	}
	return true
}

// checkPattern fails unless every saturated bar covers at least min of the shot.
func checkPattern(t *testing.T, img image.Image, min float64, shot string) {
	t.Helper()
	for bar, share := range barShares(img) {
		if share < min {
			t.Errorf("bar colour %v covers %.2f%% of the screenshot, want ≥ %.2f%% (see %s)", bar, 100*share, 100*min, shot)
		}
	}
}

func TestChromiumShowsStreamViewer(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	img, shot := screenshot(t, srv.url+"/stream_viewer?topic=/cam/image_raw", 480, 360)
	// The 320x240 image fills 44% of 480x360; each of 8 bars is an eighth of it.
	checkPattern(t, img, 0.03, shot)
}

// TestChromiumShowsIndex: the index shows every camera live; with
// -update-docs the shot becomes docs/httpview.png for the README.
func TestChromiumShowsIndex(t *testing.T) {
	front := startCamera(t, "testpattern://", 640, 480, 30)
	rear := startCamera(t, "testpattern://?format=mjpeg", 640, 480, 15)
	srv := startServer(t, Config{}, Topic{"/front/image_raw", front.latest}, Topic{"/rear/image_raw", rear.latest})
	img, shot := screenshot(t, srv.url+"/", 1200, 660)
	checkPattern(t, img, 0.01, shot)
	if *updateDocs {
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "httpview.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
