package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNodeNameMatches(t *testing.T) {
	cases := []struct {
		pattern, fqn string
		want         bool
	}{
		{"/**", "/webcam", true},
		{"/**", "/a/b/webcam", true},
		{"webcam", "/webcam", true},
		{"/webcam", "/cam1/webcam", false},
		{"/cam1/webcam", "/cam1/webcam", true},
		{"/*/webcam", "/cam1/webcam", true},
		{"/*/webcam", "/webcam", false},
		{"/**/webcam", "/a/b/webcam", true},
		{"/**/webcam", "/webcam", true},
		{"/cam1/*", "/cam1/front", true},
		{"/cam.1/webcam", "/camX1/webcam", false},
	}
	for _, c := range cases {
		if got := nodeNameMatches(c.pattern, c.fqn); got != c.want {
			t.Errorf("nodeNameMatches(%q, %q) = %v, want %v", c.pattern, c.fqn, got, c.want)
		}
	}
}

func TestOverridesPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	yaml := `/**:
  ros__parameters:
    image_width: 100
    frame_id: "wild"
/cam1/webcam:
  ros__parameters:
    image_width: 200
    jpeg_quality: 50
/other/webcam:
  ros__parameters:
    image_width: 300
`
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	args, err := ParseRosArgs([]string{"-p", "jpeg_quality:=70", "--params-file", file, "-p", "framerate:=15.5"})
	if err != nil {
		t.Fatal(err)
	}
	got := args.Overrides("/cam1/webcam")
	if got["image_width"].Int != 200 {
		t.Errorf("image_width = %v, want the node's own section (200)", got["image_width"])
	}
	if got["frame_id"].Str != "wild" {
		t.Errorf("frame_id = %v, want the /** value", got["frame_id"])
	}
	if got["jpeg_quality"].Int != 70 {
		t.Errorf("jpeg_quality = %v, want -p (70) over the file's 50", got["jpeg_quality"])
	}
	if got["framerate"].Double != 15.5 {
		t.Errorf("framerate = %v", got["framerate"])
	}
	if other := args.Overrides("/other/webcam"); other["image_width"].Int != 300 {
		t.Errorf("other node: image_width = %v", other["image_width"])
	}
}

func TestParseRosArgsErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "--bogus"},
		{[]string{"-p"}, "-p"},
		{[]string{"--params-file", "/no/such/file.yaml"}, "/no/such/file.yaml"},
	}
	for _, c := range cases {
		_, err := ParseRosArgs(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseRosArgs(%q) error %v, want one naming %q", c.args, err, c.want)
		}
	}
}

func TestParamSpecsAreValid(t *testing.T) {
	tab := mustTable()
	for _, name := range []string{pSource, pVideoDevice, pWidth, pHeight, pFramerate, pPixelFormat, pOutputEncoding,
		pCameraName, pCameraInfoURL, pFrameID, pJPEGQuality, pHTTPPort, pHTTPAddress} {
		if _, ok := tab.Get(name); !ok {
			t.Errorf("parameter %q is not declared", name)
		}
	}
	for _, s := range ParamSpecs() {
		if s.Description == "" {
			t.Errorf("parameter %q has no description", s.Name)
		}
	}
}
