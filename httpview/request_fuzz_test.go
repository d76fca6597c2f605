package httpview

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"webcam/stream"
)

// FuzzParseView feeds arbitrary query strings to parseView, the one reading
// of a /stream, /stream_viewer or /snapshot query. Nothing may panic; an
// accepted request is within bounds (a known topic and type, quality 1..100
// or a PNG compression level 0..9, a size of 0 (the source's) or
// 1..maxSide) and its canonical query parses back to the same request; a
// refused one is a 400 or 404 whose message names the parameter at fault
// and reflects no markup. Seeds: testdata/fuzz/FuzzParseView (the torture
// run's oversized and garbage queries among them).
func FuzzParseView(f *testing.F) {
	s, err := New(Config{}, []Topic{{"/cam/image_raw", &stream.Latest{}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // as net/http's r.URL.Query(): a bad pair is dropped, not fatal
		v, rerr := s.parseView(q)
		if rerr != nil {
			checkRefusal(t, raw, rerr)
			return
		}
		checkAccepted(t, raw, v)
		// What the viewer page links to must mean the same request.
		canonical := v.query()
		q2, err := url.ParseQuery(canonical)
		if err != nil {
			t.Fatalf("%q: canonical query %q does not parse: %v", raw, canonical, err)
		}
		v2, rerr := s.parseView(q2)
		if rerr != nil {
			t.Fatalf("%q: canonical query %q refused: %d %s", raw, canonical, rerr.status, rerr.msg)
		}
		if v2.String() != v.String() || v2.query() != canonical {
			t.Fatalf("%q: canonical query %q means %q (%q), want %q", raw, canonical, v2, v2.query(), v)
		}
	})
}

func checkAccepted(t *testing.T, raw string, v viewRequest) {
	t.Helper()
	if v.topic == nil {
		t.Fatalf("%q: accepted without a topic", raw)
	}
	lo, hi := 1, 100 // JPEG quality
	switch v.typ {
	case typeMJPEG, typeCompressed:
	case "png": // web_video_server's PNG stream: quality is the compression level
		lo, hi = 0, 9
	default:
		t.Fatalf("%q: accepted with type %q", raw, v.typ)
	}
	if v.quality < lo || v.quality > hi {
		t.Fatalf("%q: accepted %s with quality %d, outside %d..%d", raw, v.typ, v.quality, lo, hi)
	}
	for _, side := range []int{v.width, v.height} {
		if side < 0 || side > maxSide {
			t.Fatalf("%q: accepted with size %dx%d (max %d)", raw, v.width, v.height, maxSide)
		}
	}
	_ = v.String()
}

// refusalNames: what a refusal's message starts with, per parameter.
var refusalNames = []string{"missing topic parameter", "unknown topic ", "type ", "invert ", "quality ", "width ", "height ", "qos_profile "}

func checkRefusal(t *testing.T, raw string, rerr *requestError) {
	t.Helper()
	if rerr.status != http.StatusBadRequest && rerr.status != http.StatusNotFound {
		t.Fatalf("%q: refused with status %d, want 400 or 404: %s", raw, rerr.status, rerr.msg)
	}
	named := false
	for _, p := range refusalNames {
		named = named || strings.HasPrefix(rerr.msg, p)
	}
	if !named {
		t.Fatalf("%q: refusal %q names no parameter", raw, rerr.msg)
	}
	// The one apostrophe of the server's own text is fine; a client's is escaped.
	if strings.ContainsAny(strings.ReplaceAll(rerr.msg, "source's", ""), "<>&'") {
		t.Fatalf("%q: refusal %q reflects markup characters", raw, rerr.msg)
	}
}
