package httpview

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"webcam/stream"
)

func TestNewRejectsBadConfig(t *testing.T) {
	l := &stream.Latest{}
	ok := []Topic{{"/cam/image_raw", l}}
	cases := []struct {
		name    string
		cfg     Config
		topics  []Topic
		mention string
	}{
		{"negative port", Config{Port: -1}, ok, "http_port -1 is outside 0..65535"},
		{"port too big", Config{Port: 70000}, ok, "http_port 70000"},
		{"password alone", Config{Password: "x"}, ok, "http_user is empty"},
		{"user alone", Config{User: "robot"}, ok, `http_user "robot" is set but the password is empty`},
		{"colon in user", Config{User: "a:b", Password: "x"}, ok, "must not contain ':'"},
		{"origin with path", Config{CORSOrigin: "http://a/b"}, ok, `CORS origin "http://a/b"`},
		{"origin not a URL", Config{CORSOrigin: "dashboard"}, ok, `CORS origin "dashboard"`},
		{"no frames", Config{}, []Topic{{"/cam/image_raw", nil}}, "no frame source"},
		{"twice", Config{}, []Topic{{"/a", l}, {"/a", l}}, "listed twice"},
		{"compressed clash", Config{}, []Topic{{"/a", l}, {"/a/compressed", l}}, "listed twice"},
		{"relative name", Config{}, []Topic{{"cam/image_raw", l}}, "must start with /"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.topics)
			if err == nil || !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.mention)
			}
		})
	}
	for _, origin := range []string{"", "*", "http://dash.local:8000", "https://example.org"} {
		if _, err := New(Config{CORSOrigin: origin}, ok); err != nil {
			t.Errorf("origin %q: %v", origin, err)
		}
	}
}

func TestStart(t *testing.T) {
	cam := startCamera(t, "testpattern://", 320, 240, 30)
	topics := []Topic{{"/cam/image_raw", cam.latest}}

	off, _ := New(Config{Port: 0}, topics)
	if err := off.Start(context.Background()); err != nil || off.Addr() != nil {
		t.Fatalf("port 0 must leave the server off: %v %v", err, off.Addr())
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := busy.Addr().(*net.TCPAddr).Port
	s, _ := New(Config{Address: "127.0.0.1", Port: port}, topics)
	if err := s.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("Start on a busy port: %v", err)
	}
	busy.Close() // now free: Start takes it (the OS gave it to us a moment ago)

	ctx, cancel := context.WithCancel(context.Background())
	s, _ = New(Config{Address: "127.0.0.1", Port: port}, topics)
	if err := s.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	url := "http://" + s.Addr().String()
	if resp, _ := get(t, client(), url+"/snapshot?topic=/cam/image_raw"); resp.StatusCode != 200 {
		t.Fatalf("snapshot: %s", resp.Status)
	}
	cancel() // the context ends the server
	if !waitFor(3*time.Second, func() bool { _, err := client().Get(url + "/"); return err != nil }) {
		t.Fatal("server still answers after its context ended")
	}
}

// TestCloseEndsStreams: Close ends every stream at once and frees them all.
func TestCloseEndsStreams(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	const n = 5
	var ended sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range n {
		m := mustOpen(t, ctx, srv.url+"/stream?topic=/cam/image_raw")
		ended.Add(1)
		go func() {
			defer ended.Done()
			for {
				if _, err := m.next(); err != nil {
					return
				}
			}
		}()
	}
	if !waitFor(5*time.Second, func() bool { return srv.Viewers() == n }) {
		t.Fatalf("%d viewers, want %d", srv.Viewers(), n)
	}
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	ended.Wait()
	if d := time.Since(start); d > time.Second {
		t.Errorf("closing %d streams took %s", n, d)
	}
	if v := srv.Viewers(); v != 0 {
		t.Errorf("%d viewers after Close", v)
	}
	if err := srv.Serve(context.Background(), nil); err == nil {
		t.Error("Serve after Close must fail")
	}
}
