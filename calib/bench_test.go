package calib

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkInfoFor is the per-frame cost of getting the CameraInfo to publish.
func BenchmarkInfoFor(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "front.yaml")
	if err := WriteFile(path, fixtures[0].want); err != nil {
		b.Fatal(err)
	}
	m, err := NewManager("front", Env{}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Load("file://" + path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = m.InfoFor(640, 480)
		}
	})
}

// BenchmarkParse is the cost of reading a calibration ROS's camera_calibration wrote.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "ost.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
