package capture

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// mjpegServer serves the given JPEGs as an MJPEG-over-HTTP stream, as IP
// cameras and mjpg-streamer do, n frames at a time per client.
func mjpegServer(t testing.TB, frames [][]byte, n int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/stream" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "multipart/x-mixed-replace;boundary=frameboundary")
		flusher, _ := w.(http.Flusher)
		for i := 0; i < n; i++ {
			jpg := frames[i%len(frames)]
			fmt.Fprintf(w, "--frameboundary\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(jpg))
			w.Write(jpg)
			w.Write([]byte("\r\n"))
			if flusher != nil {
				flusher.Flush()
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPMJPEGPassthrough(t *testing.T) {
	frames := [][]byte{encodeJPEG(t, 320, 240), encodeJPEGSeed(t, 320, 240, 5)}
	srv := mjpegServer(t, frames, 1000)
	src := mustOpen(t, srv.URL+"/stream?user=a", Request{})
	if info := src.Info(); info.Format != JPEG || info.Backend != "network" {
		t.Fatalf("info = %+v", info)
	}
	got := readFrames(t, src, 6)
	for i, f := range got {
		if f.Width != 320 || f.Height != 240 {
			t.Fatalf("frame %d is %dx%d", i, f.Width, f.Height)
		}
		if !bytes.Equal(f.Data, frames[0]) && !bytes.Equal(f.Data, frames[1]) {
			t.Fatalf("frame %d (%d bytes) is not one of the JPEGs served", i, len(f.Data))
		}
		if i > 0 && bytes.Equal(f.Data, got[i-1].Data) {
			t.Fatalf("frame %d repeats frame %d", i, i-1)
		}
	}
}

func TestHTTPServerGone(t *testing.T) {
	srv := mjpegServer(t, [][]byte{encodeJPEG(t, 64, 48)}, 1000)
	src := mustOpen(t, srv.URL+"/stream", Request{})
	readFrames(t, src, 2)
	srv.CloseClientConnections()
	srv.Close()
	var err error
	for i := 0; i < 200 && err == nil; i++ { // frames already buffered may still come
		_, err = src.Read()
	}
	if err == nil || IsConfigError(err) {
		t.Fatalf("after the server went away: %v, want a plain error", err)
	}
	_, err = Open(srv.URL+"/stream", Request{})
	wantErrKind(t, err, false, strings.TrimPrefix(srv.URL, "http://"))
}

func TestNetworkErrors(t *testing.T) {
	tests := []struct {
		name     string
		uri      string
		config   bool
		mentions string
	}{
		{"no host", "http:///stream", true, "no host"},
		{"refused", "http://127.0.0.1:1/stream", false, "127.0.0.1:1"},
		{"password hidden", "rtsp://admin:secret@127.0.0.1:1/live", false, "admin:xxxxx@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(tt.uri, Request{})
			if err == nil {
				src.Close()
			}
			wantErrKind(t, err, tt.config, tt.mentions)
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}
