package httpview

import (
	"net/url"
	"strings"
	"testing"
)

// hostile values a page must never reflect as markup.
var hostile = []string{
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)>`,
	`/cam/image_raw"><script>alert(1)</script>`,
	`/cam/image_raw' onload='alert(1)`,
	`javascript:alert(1)`,
	"</title><svg/onload=alert(1)>",
}

// In plain-text errors no angle bracket may appear at all; in pages, none of
// the injected kinds of markup.
var (
	textMarkers = []string{"<", ">"}
	pageMarkers = []string{"<script>alert", "<svg", "<img src=x", "onerror=", "onload=", "javascript:"}
)

func TestHostileInputIsNeverMarkup(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	c := client()
	for _, h := range hostile {
		e := url.QueryEscape(h)
		for _, path := range []string{
			"/?topic=" + e,
			"/stream_viewer?topic=" + e,
			"/stream_viewer?topic=/cam/image_raw&quality=" + e,
			"/stream_viewer?topic=/cam/image_raw&type=" + e,
			"/stream_viewer?topic=/cam/image_raw&width=" + e,
			"/stream_viewer?topic=/cam/image_raw&extra=" + e, // unknown parameters are dropped
			"/stream_viewer?topic=/cam/image_raw&" + e + "=1",
			"/snapshot?topic=" + e,
			"/stream?topic=" + e,
			"/" + url.PathEscape(h),
		} {
			resp, body := get(t, c, srv.url+path)
			markers := textMarkers
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				markers = pageMarkers
			}
			for _, m := range markers {
				if strings.Contains(string(body), m) {
					t.Errorf("GET %s (%d) reflects %q:\n%s", path, resp.StatusCode, m, body)
				}
			}
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 && !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("GET %s: error as %q, want text/plain", path, ct)
			}
		}
	}
}

func TestTopicNamesAreChecked(t *testing.T) {
	for _, name := range append(hostile, "", "cam/image_raw", "/cam//image_raw", "/cam/image_raw/", "/9cam/x", "/cam-1/x") {
		if err := checkTopicName(name); err == nil {
			t.Errorf("topic name %q accepted", name)
		}
	}
	for _, name := range []string{"/image_raw", "/cam1/image_raw", "/robot_2/front/Image_raw"} {
		if err := checkTopicName(name); err != nil {
			t.Errorf("topic name %q: %v", name, err)
		}
	}
}

func TestIndexListsCameras(t *testing.T) {
	a := startCamera(t, "testpattern://", 320, 240, 30)
	b := startCamera(t, "testpattern://?format=mjpeg", 320, 240, 30)
	srv := startServer(t, Config{}, Topic{"/front/image_raw", a.latest}, Topic{"/rear/image_raw", b.latest})
	resp, body := get(t, client(), srv.url+"/")
	page := string(body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	for _, want := range []string{
		`<h2>/front/image_raw</h2>`, `<h2>/rear/image_raw</h2>`,
		`href="/stream_viewer?topic=%2Ffront%2Fimage_raw"`,
		`href="/stream?topic=%2Frear%2Fimage_raw"`,
		`href="/snapshot?topic=%2Frear%2Fimage_raw"`,
		`src="/stream?topic=%2Ffront%2Fimage_raw&amp;type=ros_compressed"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index lacks %s", want)
		}
	}
	for _, asset := range []string{"/static/style.css", "/static/index.js", "/static/icon.svg"} {
		if resp, body := get(t, client(), srv.url+asset); resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("GET %s: %s, %d bytes", asset, resp.Status, len(body))
		}
	}
}

func TestViewerPage(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	cases := []struct{ query, img string }{
		{"topic=/cam/image_raw", `src="/stream?topic=%2Fcam%2Fimage_raw"`},
		{"topic=cam/image_raw&quality=50&width=160", `src="/stream?quality=50&amp;topic=%2Fcam%2Fimage_raw&amp;width=160"`},
		{"topic=/cam/image_raw/compressed", `src="/stream?topic=%2Fcam%2Fimage_raw&amp;type=ros_compressed"`},
		{"topic=/cam/image_raw&type=ros_compressed&qos_profile=sensor_data", `src="/stream?topic=%2Fcam%2Fimage_raw&amp;type=ros_compressed"`},
	}
	for _, tc := range cases {
		resp, body := get(t, client(), srv.url+"/stream_viewer?"+tc.query)
		if resp.StatusCode != 200 || !strings.Contains(string(body), tc.img) || !strings.Contains(string(body), "<h1>/cam/image_raw</h1>") {
			t.Errorf("stream_viewer?%s: %s, want %s in\n%s", tc.query, resp.Status, tc.img, body)
		}
	}
}
