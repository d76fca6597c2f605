package capture

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// Which sources take their buffers from a pool, and that a released
// frame's buffer is what the next frame is read into, with that frame's
// own bytes: the source writes all of it.
func TestSourcesPoolTheirBuffers(t *testing.T) {
	dir := t.TempDir()
	mp4 := filepath.Join(dir, "clip.mp4")
	writeVideo(t, mp4, "mp4v", 3, 320, 240, 25)
	cases := []struct {
		name   string
		uri    string
		pooled bool
	}{
		{"test pattern", "testpattern://", true},
		{"test pattern as MJPEG: a GC copy of the encode", "testpattern://?format=mjpeg", false},
		{"raw file", fmt.Sprintf("rawfile://%s?width=64&height=48&fps=500", writeRawFile(t, 3, 64, 48, 0)), true},
		{"decoded video file (OpenCV)", "file://" + mp4, true},
		{"MJPEG file: its packets as they are", "file://" + writeMJPEG(t, dir, 3, 64, 48, 30), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := mustOpen(t, c.uri, Request{Width: 64, Height: 48, FPS: 500})
			first, err := src.Read()
			if err != nil {
				t.Fatal(err)
			}
			if first.Pooled() != c.pooled {
				t.Fatalf("pooled = %v, want %v", first.Pooled(), c.pooled)
			}
			if !c.pooled {
				return
			}
			buf := &first.Data[0]
			first.Release()
			for i := range 4 { // a decoded file's first frame may be held back by the source
				next, err := src.Read()
				if err != nil {
					t.Fatal(err)
				}
				reused := &next.Data[0] == buf
				if bytes.Count(next.Data, []byte{PoisonByte}) == len(next.Data) {
					t.Fatalf("frame %d is the poisoned buffer, not written", i)
				}
				next.Release()
				if reused {
					return
				}
			}
			t.Error("no frame reused the released buffer")
		})
	}
}
