package httpview

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBadRequests(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	cases := []struct {
		method, path string
		status       int
		mention      string // the body must name this
	}{
		{"GET", "/stream?topic=/nope", 404, "/cam/image_raw, /cam/image_raw/compressed"},
		{"GET", "/snapshot?topic=/nope/image_raw", 404, `"/nope/image_raw"`},
		{"GET", "/stream_viewer?topic=/cam", 404, "/cam/image_raw"},
		{"GET", "/stream", 400, "missing topic"},
		{"GET", "/stream?topic=/cam/image_raw&type=theora", 400, "allowed: mjpeg, png, ros_compressed, h264"},
		{"GET", "/stream?topic=/cam/image_raw&type=h264&bitrate=10", 400, "bits per second in 32000..100000000"},
		{"GET", "/stream?topic=/cam/image_raw&type=h264&preset=warp", 400, "not one of x264's"},
		{"GET", "/stream?topic=/cam/image_raw&type=h264&qmin=40&qmax=20", 400, "qmin 40 is above qmax 20"},
		{"GET", "/stream?topic=/cam/image_raw&type=h264&gop=0", 400, "keyframe interval in 1..3000"},
		{"GET", "/snapshot?topic=/cam/image_raw&quality=%zz", 400, "cannot be decoded"},
		{"GET", "/stream?topic=/cam/image_raw&width=%zz", 400, "cannot be decoded"},
		{"GET", "/stream_viewer?topic=%zz", 400, "cannot be decoded"},
		{"GET", "/stream?topic=/cam/image_raw&type=png&quality=10", 400, "0..9"},
		{"GET", "/stream_viewer?topic=/cam/image_raw&type=vp8", 400, `"vp8"`},
		{"GET", "/stream?topic=/cam/image_raw&quality=0", 400, "1..100"},
		{"GET", "/stream?topic=/cam/image_raw&quality=101", 400, "1..100"},
		{"GET", "/snapshot?topic=/cam/image_raw&quality=high", 400, `quality "high"`},
		{"GET", "/stream?topic=/cam/image_raw&width=-2", 400, "1..8192, or 0 or -1"},
		{"GET", "/stream?topic=/cam/image_raw&width=9000", 400, "width"},
		{"GET", "/snapshot?topic=/cam/image_raw&height=1.5", 400, `height "1.5"`},
		{"GET", "/nothing/here", 404, "not found"},
		{"GET", "/static/server.go", 404, "no such file"},
		{"GET", "/static/..%2fserver.go", 404, ""},
		{"POST", "/stream?topic=/cam/image_raw", 405, ""},
		{"DELETE", "/", 405, ""},
		{"GET", "/shutdown", 404, ""},
	}
	c := client()
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.url+tc.path, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tc.status, body)
			}
			if !strings.Contains(body, tc.mention) {
				t.Errorf("body %q does not mention %q", body, tc.mention)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("error Content-Type %q, want text/plain", ct)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("error without X-Content-Type-Options: nosniff")
			}
		})
	}
	if n := srv.Viewers(); n != 0 {
		t.Errorf("refused requests left %d viewer(s)", n)
	}
}

func TestBasicAuth(t *testing.T) {
	const password = "s3cret-Pa55"
	srv, _ := oneCamera(t, Config{User: "robot", Password: password, CORSOrigin: "http://dash.local:8000"}, "testpattern://")
	paths := []string{"/", "/state", "/snapshot?topic=/cam/image_raw", "/stream_viewer?topic=/cam/image_raw", "/static/style.css"}
	creds := []struct {
		name       string
		user, pass string
		set        bool
		status     int
	}{
		{"none", "", "", false, 401},
		{"wrong password", "robot", "guess", true, 401},
		{"wrong user", "admin", password, true, 401},
		{"password as user", password, "", true, 401},
		{"right", "robot", password, true, 200},
	}
	c := client()
	for _, p := range paths {
		for _, cr := range creds {
			t.Run(cr.name+" "+p, func(t *testing.T) {
				req, _ := http.NewRequest("GET", srv.url+p, nil)
				if cr.set {
					req.SetBasicAuth(cr.user, cr.pass)
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body := readAll(t, resp)
				if resp.StatusCode != cr.status {
					t.Fatalf("status %d, want %d: %q", resp.StatusCode, cr.status, body)
				}
				if cr.status == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Basic realm="webcam"`) {
					t.Errorf("401 without WWW-Authenticate: %v", resp.Header)
				}
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://dash.local:8000" {
					t.Errorf("Access-Control-Allow-Origin %q", got)
				}
			})
		}
	}
	// A stream with credentials works; a preflight needs none.
	req, _ := http.NewRequest("GET", srv.url+"/stream?topic=/cam/image_raw", nil)
	req.SetBasicAuth("robot", password)
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("authorized stream: %v %v", resp, err)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("OPTIONS", srv.url+"/stream?topic=/cam/image_raw", nil)
	req.Header.Set("Origin", "http://dash.local:8000")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, err = c.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type" {
		t.Fatalf("preflight: %v %v", resp, err)
	}
	resp.Body.Close()
	waitFor(2*time.Second, func() bool { return srv.Viewers() == 0 })
	if log := srv.logs.String(); strings.Contains(log, password) || !strings.Contains(log, "refused") {
		t.Errorf("the log must note refusals and never hold the password:\n%s", log)
	}
}

// TestNoCORSByDefault: unlike web_video_server, no Access-Control header
// unless an origin is configured.
func TestNoCORSByDefault(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	resp, _ := get(t, client(), srv.url+"/snapshot?topic=/cam/image_raw")
	if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("Access-Control-Allow-Origin %q without a configured origin", v)
	}
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
