package httpview

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
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
		{"topic=/cam/image_raw&default_transport=theora&qos_profile=sensor_data&bitrate=9", "/cam/image_raw as mjpeg, quality 95, source size",
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

// listedGraph is a Graph that only lists topics: parsing never subscribes.
type listedGraph []GraphTopic

func (g listedGraph) Topics() []GraphTopic { return g }
func (g listedGraph) Subscribe(string, QoSProfile) (GraphFeed, error) {
	return nil, errors.New("parsing must not subscribe")
}

// TestQoSProfileParsing: qos_profile takes web_video_server's three names and
// applies to graph topics; the server's own cameras accept and drop it; any
// other name is a 400 naming the value and the allowed ones.
func TestQoSProfileParsing(t *testing.T) {
	g := listedGraph{{Name: "/arm/image_raw", Type: "sensor_msgs/msg/Image", Publishers: 1}}
	s, err := New(Config{Graph: g}, []Topic{{"/cam/image_raw", &stream.Latest{}}})
	if err != nil {
		t.Fatal(err)
	}
	const allowed = "allowed: default, system_default, sensor_data"
	cases := []struct {
		query     string
		want      QoSProfile
		canonical string // "" when refused
		refusal   string // what the 400 names, besides the allowed list
	}{
		{"topic=/arm/image_raw", QoSAuto, "topic=%2Farm%2Fimage_raw", ""},
		{"topic=/arm/image_raw&qos_profile=", QoSAuto, "topic=%2Farm%2Fimage_raw", ""},
		{"topic=/arm/image_raw&qos_profile=default", QoSDefault, "qos_profile=default&topic=%2Farm%2Fimage_raw", ""},
		{"topic=/arm/image_raw&qos_profile=system_default", QoSSystemDefault, "qos_profile=system_default&topic=%2Farm%2Fimage_raw", ""},
		{"topic=/arm/image_raw&qos_profile=sensor_data&type=ros_compressed", QoSSensorData,
			"qos_profile=sensor_data&topic=%2Farm%2Fimage_raw&type=ros_compressed", ""},
		{"topic=/cam/image_raw&qos_profile=sensor_data", QoSAuto, "topic=%2Fcam%2Fimage_raw", ""}, // own camera: nothing is subscribed
		{"topic=/arm/image_raw&qos_profile=services_default", "", "", `qos_profile "services_default"`},
		{"topic=/arm/image_raw&qos_profile=SENSOR_DATA", "", "", `qos_profile "SENSOR_DATA"`},
		{"topic=/cam/image_raw&qos_profile=bogus", "", "", `qos_profile "bogus"`},
		{"topic=/arm/image_raw&qos_profile=%3Cb%3E", "", "", `qos_profile "\u003cb\u003e"`},
	}
	for _, tc := range cases {
		q, _ := url.ParseQuery(tc.query)
		v, rerr := s.parseView(q)
		if tc.refusal != "" {
			if rerr == nil || rerr.status != http.StatusBadRequest || !strings.Contains(rerr.msg, tc.refusal) || !strings.Contains(rerr.msg, allowed) {
				t.Errorf("%s: %+v, want a 400 naming %s and %q", tc.query, rerr, tc.refusal, allowed)
			}
			continue
		}
		if rerr != nil {
			t.Errorf("%s: %d %s", tc.query, rerr.status, rerr.msg)
			continue
		}
		if v.qos != tc.want || v.query() != tc.canonical {
			t.Errorf("%s: qos %q, canonical %q; want %q, %q", tc.query, v.qos, v.query(), tc.want, tc.canonical)
		}
		if tc.want != QoSAuto && !strings.HasSuffix(v.String(), ", qos_profile "+string(tc.want)) {
			t.Errorf("%s: described as %q, without its qos_profile", tc.query, v)
		}
	}
}
