package httpview

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

var stampFormat = regexp.MustCompile(`^\d{10}\.\d{6}$`)

// decodeSize decodes a JPEG with OpenCV and returns its size.
func decodeSize(t testing.TB, jpeg []byte) (int, int) {
	t.Helper()
	m, err := gocv.IMDecode(jpeg, gocv.IMReadColor)
	if err != nil || m.Empty() {
		t.Fatalf("JPEG of %d bytes does not decode: %v", len(jpeg), err)
	}
	defer m.Close()
	return m.Cols(), m.Rows()
}

func TestStreamParts(t *testing.T) {
	cases := []struct {
		name, uri, query string
		w, h             int
	}{
		{"png", "testpattern://", "&type=png&quality=1&width=160", 160, 120},
		{"png of an mjpeg camera, inverted", "testpattern://?format=mjpeg", "&type=png&invert", 320, 240},
		{"inverted mjpeg", "testpattern://?format=mjpeg", "&invert=true", 320, 240},
		{"default mjpeg", "testpattern://", "", 320, 240},
		{"width only keeps aspect", "testpattern://", "&width=160", 160, 120},
		{"width and height", "testpattern://", "&width=100&height=50&quality=30", 100, 50},
		{"-1 means source size", "testpattern://", "&width=-1&height=-1", 320, 240},
		{"ros_compressed of raw", "testpattern://", "&type=ros_compressed", 320, 240},
		{"ros_compressed of mjpeg camera", "testpattern://?format=mjpeg", "&type=ros_compressed", 320, 240},
		{"compressed topic name", "testpattern://?format=mjpeg", "/compressed", 320, 240},
		{"web_video_server extras", "testpattern://", "&default_transport=compressed&qos_profile=sensor_data", 320, 240},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := oneCamera(t, Config{}, tc.uri)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			url := srv.url + "/stream?topic=/cam/image_raw" + tc.query // a "/compressed" query names that topic
			m := mustOpen(t, ctx, url)
			h := m.resp.Header
			for name, want := range map[string]string{
				"Content-Type":  "multipart/x-mixed-replace;boundary=boundarydonotcross",
				"Cache-Control": noCache,
				"Pragma":        "no-cache",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if !m.resp.Close {
				t.Error("no Connection: close")
			}
			if len(m.resp.TransferEncoding) != 0 {
				t.Errorf("Transfer-Encoding %v: the body must be raw like web_video_server's", m.resp.TransferEncoding)
			}
			var last float64
			for i := range 8 {
				p, err := m.next()
				if err != nil {
					t.Fatalf("part %d: %v", i, err)
				}
				if want := []string{"Content-type", "X-Timestamp", "Content-Length"}; !slices.Equal(p.names, want) {
					t.Fatalf("part headers %v, want %v", p.names, want)
				}
				wantType := "image/jpeg"
				if strings.Contains(tc.query, "type=png") {
					wantType = "image/png"
				}
				if p.header["Content-type"] != wantType {
					t.Errorf("Content-type %q, want %s", p.header["Content-type"], wantType)
				}
				stamp := p.header["X-Timestamp"]
				if !stampFormat.MatchString(stamp) {
					t.Fatalf("X-Timestamp %q is not seconds with 6 decimals", stamp)
				}
				sec, _ := strconv.ParseFloat(stamp, 64)
				if sec <= last {
					t.Errorf("X-Timestamp %s does not increase (previous %f)", stamp, last)
				}
				if age := time.Since(time.Unix(0, int64(sec*1e9))); age < 0 || age > 5*time.Second {
					t.Errorf("X-Timestamp %s is %s from now", stamp, age)
				}
				last = sec
				if w, h := decodeSize(t, p.jpeg); w != tc.w || h != tc.h {
					t.Errorf("part %d is %dx%d, want %dx%d", i, w, h, tc.w, tc.h)
				}
			}
		})
	}
}

// TestStreamBytes reads the stream off a bare socket: the body must start
// exactly as web_video_server's does, with no chunked framing in between.
func TestStreamBytes(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET /stream?topic=/cam/image_raw HTTP/1.1\r\nHost: robot\r\n\r\n")
	br := bufio.NewReader(conn)
	status, _ := br.ReadString('\n')
	if status != "HTTP/1.1 200 OK\r\n" {
		t.Fatalf("status line %q", status)
	}
	var headers []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
		headers = append(headers, strings.TrimSpace(line))
		if strings.HasPrefix(strings.ToLower(line), "transfer-encoding") {
			t.Errorf("header %q: the stream must not be chunked", line)
		}
	}
	for _, want := range []string{"Connection: close", "Content-Type: " + multipartType, "Pragma: no-cache", "Cache-Control: " + noCache} {
		if !slices.Contains(headers, want) {
			t.Errorf("no header %q in %q", want, headers)
		}
	}
	want := "--boundarydonotcross\r\nContent-type: image/jpeg\r\nX-Timestamp: "
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != want {
		t.Fatalf("body starts %q (%v), want %q", got, err, want)
	}
}

// TestHeadStream: HEAD answers the stream's headers and ends.
func TestHeadStream(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	resp, err := client().Head(srv.url + "/stream?topic=/cam/image_raw")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != multipartType {
		t.Fatalf("HEAD: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	if !waitFor(2*time.Second, func() bool { return srv.Viewers() == 0 }) {
		t.Fatalf("HEAD left %d viewer(s)", srv.Viewers())
	}
}

// default_stream_type: a URL without a type gets the server's default; an
// explicit type=mjpeg still gets JPEG, and the viewer page keeps it.
func TestDefaultStreamType(t *testing.T) {
	srv, _ := oneCamera(t, Config{DefaultType: "png"}, "testpattern://")
	for _, tc := range []struct {
		query string
		want  streamType
	}{{"", typePNG}, {"&type=mjpeg", typeMJPEG}, {"&type=ros_compressed", typeCompressed}} {
		q, _ := url.ParseQuery("topic=/cam/image_raw" + tc.query)
		if v, err := srv.parseView(q); err != nil || v.typ != tc.want {
			t.Errorf("stream%s: type %s (%v), want %s", tc.query, v.typ, err, tc.want)
		}
	}
	// Snapshots follow their own type only: png gives a PNG, anything else a JPEG.
	for _, tc := range []struct{ query, want string }{
		{"", "image/jpeg"},
		{"&type=png", "image/png"},
	} {
		resp, body := get(t, client(), srv.url+"/snapshot?topic=/cam/image_raw"+tc.query)
		if got := resp.Header.Get("Content-Type"); got != tc.want {
			t.Errorf("snapshot%s: %s (%d bytes), want %s", tc.query, got, len(body), tc.want)
		}
	}
	_, page := get(t, client(), srv.url+"/stream_viewer?topic=/cam/image_raw&type=mjpeg")
	if !strings.Contains(string(page), "type=mjpeg") {
		t.Errorf("the viewer page dropped type=mjpeg on a png-default server:\n%s", page)
	}
	if _, err := New(Config{DefaultType: "h264"}, nil); err == nil || !strings.Contains(err.Error(), "h264") {
		t.Errorf("DefaultType h264: %v, want an error naming it", err)
	}
}
