package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"webcam/capture"
	"webcam/rosparam"
	"webcam/stream"
)

// A writable parameter without a way to take effect would accept values
// and ignore them; a read-only one in a group would be dead code.
func TestEveryWritableParameterHasAGroup(t *testing.T) {
	for _, s := range ParamSpecs() {
		switch {
		case s.ReadOnly && s.Group != groupNone:
			t.Errorf("%s is read-only but in live group %d", s.Name, s.Group)
		case !s.ReadOnly && s.Group == groupNone:
			t.Errorf("%s can be set at run time but nothing applies it", s.Name)
		}
	}
}

func mustTable() *rosparam.Table {
	t, err := rosparam.NewTable(ParamSpecs())
	if err != nil {
		panic(fmt.Sprintf("parameter table: %v", err))
	}
	return t
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
		if got, apply := controlValue("contrast", c.v); got != c.want || apply != c.apply {
			t.Errorf("controlValue(%s) = %g %v, want %g %v", c.v, got, apply, c.want, c.apply)
		}
	}
	changes := []rosparam.Change{{Name: "focus"}, {Name: "exposure"}, {Name: "autofocus"}, {Name: "autoexposure"}}
	var got []string
	for _, c := range (&Node{}).inControlOrder(changes) {
		got = append(got, c.Name)
	}
	if want := []string{"autoexposure", "exposure", "autofocus", "focus"}; !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q (automatic modes before the values they govern)", got, want)
	}
}

// fakeSource is a capture runner whose opens succeed or fail on demand.
type fakeSource struct {
	mu     sync.Mutex
	status stream.Status
	fail   map[capture.Request]error // Reconfigure's outcome per request
	calls  []capture.Request         // Reconfigure's requests, in order
}

func (f *fakeSource) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (f *fakeSource) Status() stream.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}
func (f *fakeSource) Do(context.Context, func(capture.Source) error) error { return nil }
func (f *fakeSource) SetCapture(bool)                                      {}
func (f *fakeSource) Reconfigure(ctx context.Context, uri string, req capture.Request) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, req)
	f.status.URI, f.status.Request = uri, req
	if ctx.Err() != nil {
		return ctx.Err() // a request that does not wait
	}
	return f.fail[req]
}

// The reopen-and-rollback logic of a source parameter change, without rcl.
func TestReopenSource(t *testing.T) {
	start := capture.Request{Width: 640, Height: 480, FPS: 30}
	big := capture.Request{Width: 1280, Height: 720, FPS: 30}
	tests := []struct {
		name      string
		state     stream.State
		fail      error
		wantErr   string
		wantCalls []capture.Request // Reconfigure requests, the undo included
	}{
		{"opens", stream.StateOK, nil, "", []capture.Request{big}},
		{"refused: rolled back", stream.StateOK, errors.New("device refuses 1280x720"), "device refuses 1280x720", []capture.Request{big, start}},
		{"slow: kept unverified", stream.StateOK, context.DeadlineExceeded, "", []capture.Request{big}},
		{"reconnecting: kept for the next open", stream.StateReconnecting, errors.New("not asked"), "", []capture.Request{big}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab := mustTable()
			if _, err := tab.Load(map[string]rosparam.Value{pSource: rosparam.String("testpattern://")}); err != nil {
				t.Fatal(err)
			}
			src := &fakeSource{status: stream.Status{State: tc.state}, fail: map[capture.Request]error{big: tc.fail}}
			n := &Node{params: tab, source: src, log: slog.New(slog.DiscardHandler)}
			_, err := n.reopenSource([]rosparam.Change{{Name: pWidth, New: rosparam.Int(1280)}, {Name: pHeight, New: rosparam.Int(720)}})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "previous settings stay")):
				t.Fatalf("error %v, want one with %q that says the previous settings stay", err, tc.wantErr)
			}
			if !slices.Equal(src.calls, tc.wantCalls) {
				t.Fatalf("reconfigured with %+v, want %+v", src.calls, tc.wantCalls)
			}
		})
	}
}

// A batch whose later step fails reopens the source with its old settings.
func TestApplyChangesUndoesReopen(t *testing.T) {
	tab := mustTable()
	if _, err := tab.Load(map[string]rosparam.Value{pSource: rosparam.String("testpattern://")}); err != nil {
		t.Fatal(err)
	}
	src := &fakeSource{status: stream.Status{State: stream.StateOK, Info: capture.Info{Format: capture.RGB8}}}
	n := &Node{params: tab, source: src, log: slog.New(slog.DiscardHandler)}
	err := n.applyChanges([]rosparam.Change{
		{Name: pWidth, New: rosparam.Int(320)},
		{Name: pOutputEncoding, New: rosparam.String("yuv422_yuy2")}, // an rgb8 source cannot give it
	})
	if err == nil || !strings.Contains(err.Error(), "yuv422_yuy2") {
		t.Fatalf("error %v, want the output_encoding refusal", err)
	}
	want := []capture.Request{{Width: 320, Height: 480, FPS: 30}, {Width: 640, Height: 480, FPS: 30}}
	if !slices.Equal(src.calls, want) {
		t.Fatalf("reconfigured with %+v, want the change then the undo %+v", src.calls, want)
	}
}
