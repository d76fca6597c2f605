package httpview

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"webcam/capture"
)

// rawStream asks for a stream on a connection of its own and returns it with
// the response's status, once the headers are in.
func rawStream(t *testing.T, base, query string) (net.Conn, int) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte("GET /stream?" + query + " HTTP/1.1\r\nHost: robot\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		conn.Close()
		t.Fatalf("reading the response: %v", err)
	}
	return conn, resp.StatusCode
}

// TestDepartedViewerFreesSlotAtOnce: a viewer that hangs up frees its place
// under the viewer cap when the server sees the connection close, not when
// its handler gets round to returning (issue 14, defect 5: 938 false 503s in
// a churn run whose handlers were busy in slow encodes). The encode here
// blocks until the test ends, as one does on a saturated machine.
func TestDepartedViewerFreesSlotAtOnce(t *testing.T) {
	srv, _ := oneCamera(t, Config{}, "testpattern://")
	const limit = 3
	unblock := make(chan struct{})
	srv.mu.Lock()
	srv.maxViewers = limit
	srv.encode = func(f *capture.Frame, o capture.EncodeOptions) ([]byte, error) {
		<-unblock
		return f.JPEG(o)
	}
	srv.mu.Unlock()
	t.Cleanup(func() { close(unblock) }) // before the server's Close

	const query = "topic=/cam/image_raw"
	for round := range 5 {
		conns := make([]net.Conn, limit)
		for i := range conns {
			var status int
			if conns[i], status = rawStream(t, srv.url, query); status != http.StatusOK {
				t.Fatalf("round %d: viewer %d got %d, want 200", round, i, status)
			}
		}
		// The cap is real while they watch.
		extra, status := rawStream(t, srv.url, query)
		extra.Close()
		if status != http.StatusServiceUnavailable {
			t.Fatalf("round %d: viewer %d of %d got %d, want 503", round, limit+1, limit, status)
		}
		for _, c := range conns {
			c.Close()
		}
		start := time.Now()
		if !waitFor(time.Second, func() bool { return srv.Viewers() == 0 }) {
			t.Fatalf("round %d: %d viewers still hold a slot %s after all hung up", round, srv.Viewers(), time.Since(start).Round(time.Millisecond))
		}
		t.Logf("round %d: slots free %s after the hang-ups", round, time.Since(start).Round(time.Millisecond))
	}
	// And a new viewer gets in at once.
	c, status := rawStream(t, srv.url, query)
	c.Close()
	if status != http.StatusOK {
		t.Errorf("a new viewer after the churn got %d, want 200", status)
	}
}
