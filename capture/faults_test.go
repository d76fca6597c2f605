package capture

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestWithFaults(t *testing.T) {
	open := WithFaults(Open, FaultPlan{FailAfter: 3, Down: 300 * time.Millisecond, Times: 2})
	req := Request{Width: 64, Height: 48, FPS: 200}
	for round := 0; round < 2; round++ {
		src, err := open("testpattern://", req)
		if err != nil {
			t.Fatalf("round %d: open: %v", round, err)
		}
		readFrames(t, src, 3)
		_, err = src.Read()
		if !errors.Is(err, ErrInjected) || IsConfigError(err) {
			t.Fatalf("round %d: 4th read: %v, want an injected plain error", round, err)
		}
		src.Close()
		failedAt := time.Now()
		if _, err := open("testpattern://", req); !errors.Is(err, ErrInjected) {
			t.Fatalf("round %d: open while down: %v, want refused", round, err)
		}
		time.Sleep(time.Until(failedAt.Add(300 * time.Millisecond)))
	}
	// Times: 2 is used up: the source now runs clean.
	src, err := open("testpattern://", req)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	readFrames(t, src, 6)
}

func TestFaultyScheme(t *testing.T) {
	uri := "faulty://?inner=" + url.QueryEscape("testpattern://") + "&fail_after=2&down=200ms&start_down=200ms&id=" + t.Name()
	req := Request{Width: 64, Height: 48, FPS: 200}
	if _, err := Open(uri, req); !errors.Is(err, ErrInjected) || IsConfigError(err) {
		t.Fatalf("open during start_down: %v, want refused (retryable)", err)
	}
	time.Sleep(220 * time.Millisecond)
	src := mustOpen(t, uri, req)
	if got := src.Info().Backend; got != "testpattern" {
		t.Errorf("Info().Backend = %q, want the inner source's", got)
	}
	readFrames(t, src, 2)
	if _, err := src.Read(); !errors.Is(err, ErrInjected) {
		t.Fatalf("3rd read: %v, want an injected error", err)
	}
	if _, err := Open(uri, req); !errors.Is(err, ErrInjected) {
		t.Fatalf("reopen while down: %v, want refused: the state is kept per URI", err)
	}
	if _, ok := src.(Controller); !ok {
		t.Error("the faulty source hides the Controller interface")
	}
}

func TestFaultyOptions(t *testing.T) {
	inner := "inner=" + url.QueryEscape("testpattern://")
	tests := []struct {
		name, query, mentions string
	}{
		{"no inner", "fail_after=2", "inner="},
		{"bad count", inner + "&fail_after=many", "many"},
		{"negative count", inner + "&times=-1", "-1"},
		{"bad duration", inner + "&down=soon", "soon"},
		{"unknown option", inner + "&explode=1", "explode"},
		{"bad inner", "inner=" + url.QueryEscape("nosuch://x"), "nosuch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open("faulty://?"+tt.query, Request{})
			if err == nil {
				src.Close()
			}
			wantErrKind(t, err, true, tt.mentions)
		})
	}
}
