package node

import (
	"strings"
	"testing"
)

// The names rcl_node_resolve_name gives (expand, then remap), which the
// qos_overrides parameters are named after.
func TestResolveTopicNames(t *testing.T) {
	cases := []struct {
		name     string
		rosArgs  []string
		node, ns string
		want     map[string]string
	}{
		{"root namespace", nil, "webcam", "/",
			map[string]string{TopicImage: "/image_raw", TopicCompressed: "/image_raw/compressed", TopicInfo: "/camera_info"}},
		{"namespace", []string{"-r", "__ns:=/front"}, "webcam", "/front",
			map[string]string{TopicImage: "/front/image_raw", TopicCompressed: "/front/image_raw/compressed", TopicInfo: "/front/camera_info"}},
		{"relative remap", []string{"-r", "image_raw:=img"}, "webcam", "/cam",
			map[string]string{TopicImage: "/cam/img", TopicCompressed: "/cam/image_raw/compressed", TopicInfo: "/cam/camera_info"}},
		{"absolute remap", []string{"-r", "camera_info:=/calib/info"}, "webcam", "/cam",
			map[string]string{TopicImage: "/cam/image_raw", TopicCompressed: "/cam/image_raw/compressed", TopicInfo: "/calib/info"}},
		{"node-specific remap for another node", []string{"-r", "other:image_raw:=/x"}, "webcam", "/",
			map[string]string{TopicImage: "/image_raw", TopicCompressed: "/image_raw/compressed", TopicInfo: "/camera_info"}},
		{"node-specific remap for this node", []string{"-r", "webcam:image_raw:=/x"}, "webcam", "/",
			map[string]string{TopicImage: "/x", TopicCompressed: "/image_raw/compressed", TopicInfo: "/camera_info"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := resolveTopicNames(c.rosArgs, c.node, c.ns, publishedTopics)
			if err != nil {
				t.Fatal(err)
			}
			for topic, want := range c.want {
				if got[topic] != want {
					t.Errorf("%s resolved to %q, want %q", topic, got[topic], want)
				}
			}
		})
	}
}

func TestResolveTopicNamesBadName(t *testing.T) {
	_, err := resolveTopicNames(nil, "webcam", "/", []string{"bad name"})
	if err == nil || !strings.Contains(err.Error(), "bad name") {
		t.Fatalf("error %v, want one naming the topic", err)
	}
}
