package httpview

import (
	"net/url"
	"testing"

	"webcam/stream"
)

// TestParseView: what each query means, as the log and the viewer page show it.
func TestParseView(t *testing.T) {
	s, err := New(Config{}, []Topic{{"/cam/image_raw", &stream.Latest{}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ query, described, canonical string }{
		{"topic=/cam/image_raw", "/cam/image_raw as mjpeg, quality 95, source size", "topic=%2Fcam%2Fimage_raw"},
		{"topic=cam/image_raw&quality=40&width=100", "/cam/image_raw as mjpeg, quality 40, 100xauto",
			"quality=40&topic=%2Fcam%2Fimage_raw&width=100"},
		{"topic=/cam/image_raw&width=-1&height=120", "/cam/image_raw as mjpeg, quality 95, autox120",
			"height=120&topic=%2Fcam%2Fimage_raw"},
		{"topic=/cam/image_raw/compressed", "/cam/image_raw as ros_compressed", "topic=%2Fcam%2Fimage_raw&type=ros_compressed"},
		{"topic=/cam/image_raw/compressed&type=mjpeg", "/cam/image_raw as mjpeg, quality 95, source size", "topic=%2Fcam%2Fimage_raw"},
		{"topic=/cam/image_raw&type=ros_compressed&quality=10&width=5", "/cam/image_raw as ros_compressed",
			"topic=%2Fcam%2Fimage_raw&type=ros_compressed"},
		{"topic=/cam/image_raw&default_transport=theora&qos_profile=bogus&bitrate=9", "/cam/image_raw as mjpeg, quality 95, source size",
			"topic=%2Fcam%2Fimage_raw"},
	}
	for _, tc := range cases {
		q, _ := url.ParseQuery(tc.query)
		v, rerr := s.parseView(q)
		if rerr != nil {
			t.Errorf("%s: %d %s", tc.query, rerr.status, rerr.msg)
			continue
		}
		if got := v.String(); got != tc.described {
			t.Errorf("%s: described as %q, want %q", tc.query, got, tc.described)
		}
		if got := v.query(); got != tc.canonical {
			t.Errorf("%s: canonical query %q, want %q", tc.query, got, tc.canonical)
		}
	}
}
