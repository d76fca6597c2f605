package capture

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestReadyProbeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.avi")
	probe := ReadyProbe("file://" + path)
	if probe == nil || probe() {
		t.Fatal("a missing file must not look ready")
	}
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !probe() {
		t.Fatal("the file appeared: the probe should say so")
	}
	if probe() {
		t.Fatal("only the appearance counts, not its continued presence")
	}
}

func TestReadyProbeNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	probe := ReadyProbe("http://" + addr + "/stream")
	if probe() {
		t.Fatal("closed port looks ready")
	}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port %s taken meanwhile: %v", addr, err)
	}
	defer ln.Close()
	if !probe() {
		t.Fatal("server came back: the probe should say so")
	}
}

func TestReadyProbeNone(t *testing.T) {
	for _, uri := range []string{"testpattern://", "gst:videotestsrc ! appsink", "::bad"} {
		if ReadyProbe(uri) != nil {
			t.Errorf("%s: expected no probe", uri)
		}
	}
}
