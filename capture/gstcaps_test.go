package capture

import "testing"

func TestH264Pipeline(t *testing.T) {
	tests := []struct {
		name, in, run string
		notes         int
		bad           bool
	}{
		{"complete", "a ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink",
			"a ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink", 0, false},
		{"fields added", "a ! h264parse ! video/x-h264 ! appsink name=s",
			"a ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=s", 1, false},
		{"typed field kept", "a ! h264parse ! video/x-h264, alignment=(string)au ! appsink",
			"a ! h264parse ! video/x-h264, alignment=(string)au,stream-format=byte-stream ! appsink", 1, false},
		{"parser inserted", "a ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink",
			"a ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink", 1, false},
		{"avc refused", "a ! h264parse ! video/x-h264,stream-format=avc ! appsink", "", 0, true},
	}
	for _, tt := range tests {
		run, notes, err := h264Pipeline(tt.in)
		if (err != nil) != tt.bad || run != tt.run || len(notes) != tt.notes {
			t.Errorf("%s: %q, %q, %v", tt.name, run, notes, err)
		}
		if tt.bad && !IsConfigError(err) {
			t.Errorf("%s: %v is no config error", tt.name, err)
		}
	}
}

func TestCapsFields(t *testing.T) {
	caps := `video/x-h264, stream-format=(string)byte-stream, width=(int)320, height=(int)240, framerate=(fraction)30000/1001, profile=(string)"high"`
	if w, h := capsSize(caps); w != 320 || h != 240 {
		t.Errorf("capsSize = %dx%d", w, h)
	}
	if fps := capsFPS(caps); fps < 29.96 || fps > 29.98 {
		t.Errorf("capsFPS = %v", fps)
	}
	if v, _ := capsField(caps, "profile"); v != "high" {
		t.Errorf("profile %q", v)
	}
	if fps := capsFPS("video/x-h264, framerate=(fraction)0/1"); fps != 0 {
		t.Errorf("variable frame rate gave %v", fps)
	}
	for caps, want := range map[string]string{
		"a ! video/x-h264 ! appsink":          "video/x-h264",
		"a ! h264parse ! appsink":             "",
		"a ! video/x-h264,width=2 ! appsink ": "video/x-h264,width=2",
		"appsink":                             "",
	} {
		if got := appsinkCaps(caps); got != want {
			t.Errorf("appsinkCaps(%q) = %q, want %q", caps, got, want)
		}
	}
}
