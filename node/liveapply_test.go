package node

import (
	"slices"
	"testing"

	"webcam/capture"
	"webcam/rosparam"
)

// A writable parameter without a way to take effect would accept values
// and ignore them; a read-only one in a group would be dead code.
func TestEveryWritableParameterHasAGroup(t *testing.T) {
	for _, s := range ParamSpecs() {
		g, ok := paramGroups[s.Name]
		switch {
		case s.ReadOnly && ok:
			t.Errorf("%s is read-only but in live group %d", s.Name, g)
		case !s.ReadOnly && !ok:
			t.Errorf("%s can be set at run time but nothing applies it", s.Name)
		}
	}
	for name := range paramGroups {
		if _, ok := mustTable().Spec(name); !ok {
			t.Errorf("group member %s is not declared", name)
		}
	}
}

func TestSourceWith(t *testing.T) {
	cases := []struct {
		name    string
		start   map[string]rosparam.Value
		changes []rosparam.Change
		wantURI string
		wantReq capture.Request
		wantErr bool
	}{
		{"size", map[string]rosparam.Value{pSource: rosparam.String("testpattern://")},
			[]rosparam.Change{{Name: pWidth, New: rosparam.Int(320)}, {Name: pHeight, New: rosparam.Int(240)}},
			"testpattern://", capture.Request{Width: 320, Height: 240, FPS: 30}, false},
		{"framerate", map[string]rosparam.Value{pSource: rosparam.String("testpattern://")},
			[]rosparam.Change{{Name: pFramerate, New: rosparam.Double(10)}},
			"testpattern://", capture.Request{Width: 640, Height: 480, FPS: 10}, false},
		{"video_device while source is empty", nil,
			[]rosparam.Change{{Name: pVideoDevice, New: rosparam.String("/dev/video2")}},
			"v4l2:///dev/video2", capture.Request{Width: 640, Height: 480, FPS: 30}, false},
		{"video_device while source is set changes nothing", map[string]rosparam.Value{pSource: rosparam.String("testpattern://")},
			[]rosparam.Change{{Name: pVideoDevice, New: rosparam.String("/dev/video2")}},
			"testpattern://", capture.Request{Width: 640, Height: 480, FPS: 30}, false},
		{"pixel format", nil, []rosparam.Change{{Name: pPixelFormat, New: rosparam.String("yuyv")}},
			"v4l2:///dev/video0", capture.Request{Width: 640, Height: 480, FPS: 30, PixelFormat: "yuyv"}, false},
		{"invalid value", nil, []rosparam.Change{{Name: pWidth, New: rosparam.Int(1)}}, "", capture.Request{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab := mustTable()
			if _, err := tab.Load(c.start); err != nil {
				t.Fatal(err)
			}
			uri, req, err := sourceWith(tab, c.changes)
			if c.wantErr {
				if err == nil {
					t.Fatal("expected an error")
				}
				return
			}
			if err != nil || uri != c.wantURI || req != c.wantReq {
				t.Fatalf("got %q %+v %v, want %q %+v", uri, req, err, c.wantURI, c.wantReq)
			}
			if v, _ := tab.Get(pWidth); v.Int != 640 {
				t.Fatal("sourceWith changed the node's table")
			}
		})
	}
}

func TestControlValueAndOrder(t *testing.T) {
	for _, c := range []struct {
		v     rosparam.Value
		want  float64
		apply bool
	}{
		{rosparam.Int(-1), -1, false},
		{rosparam.Int(0), 0, true},
		{rosparam.Int(128), 128, true},
		{rosparam.Bool(true), 1, true},
		{rosparam.Bool(false), 0, true},
	} {
		if got, apply := controlValue(c.v); got != c.want || apply != c.apply {
			t.Errorf("controlValue(%s) = %g %v, want %g %v", c.v, got, apply, c.want, c.apply)
		}
	}
	changes := []rosparam.Change{{Name: "focus"}, {Name: "exposure"}, {Name: "autofocus"}, {Name: "autoexposure"}}
	var got []string
	for _, c := range inControlOrder(changes) {
		got = append(got, c.Name)
	}
	if want := []string{"autoexposure", "exposure", "autofocus", "focus"}; !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q (automatic modes before the values they govern)", got, want)
	}
}
