package capture

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Fault injection, for proving recovery end to end. As a source:
//
//	faulty://?inner=<URI-escaped source>&fail_after=N&down=2s&start_down=0s&times=0&corrupt_every=0
//
// Each opened session fails its Read after fail_after frames (0: never);
// after a failure every open is refused for down; opens are also refused for
// start_down after the first attempt (a device missing at start); times
// bounds how many read failures are injected in all (0: no bound);
// corrupt_every=N cuts every Nth JPEG frame in half, as a camera or a
// network may deliver it (0: never); controls=fake gives the source an
// in-memory set of camera controls (FakeControls) in place of the wrapped
// source's. Read failures are
// plain errors, so a runner retries them. The state lives per distinct URI
// string for the life of the process, so a runner reopening the same URI sees
// one continuing plan; tests wanting a fresh plan add e.g. &id=<test name>.

// FaultPlan says which faults WithFaults injects.
type FaultPlan struct {
	FailAfter int           // frames per session before Read fails; 0 = never
	Down      time.Duration // opens refused for this long after each failure
	StartDown time.Duration // opens refused for this long after the first attempt
	Times     int           // read failures to inject in all; 0 = unlimited
	// CorruptEvery truncates every Nth JPEG frame to half its bytes; 0 = never.
	CorruptEvery int
	// FakeControls gives the source FakeControls instead of the wrapped
	// source's (tests of control handling without a camera).
	FakeControls bool
}

// ErrInjected is wrapped by every injected failure.
var ErrInjected = errors.New("injected fault")

// WithFaults wraps an open function (such as Open, or a stream.Runner's
// Config.Open) so that its sources fail as plan says. The returned function
// keeps the plan's state; use one per test.
func WithFaults(open func(uri string, req Request) (Source, error), plan FaultPlan) func(uri string, req Request) (Source, error) {
	st := &faultState{plan: plan}
	return func(uri string, req Request) (Source, error) {
		return st.open(func() (Source, error) { return open(uri, req) })
	}
}

type faultState struct {
	fake      FakeControls
	mu        sync.Mutex
	plan      FaultPlan
	firstOpen time.Time
	downUntil time.Time
	injected  int
}

func (st *faultState) open(open func() (Source, error)) (Source, error) {
	st.mu.Lock()
	now := time.Now()
	if st.firstOpen.IsZero() {
		st.firstOpen = now
	}
	until := st.downUntil
	if start := st.firstOpen.Add(st.plan.StartDown); start.After(until) {
		until = start
	}
	st.mu.Unlock()
	if now.Before(until) {
		return nil, fmt.Errorf("%w: source refuses to open for another %s", ErrInjected, until.Sub(now).Round(time.Millisecond))
	}
	src, err := open()
	if err != nil {
		return nil, err
	}
	return &faultySource{Source: src, st: st}, nil
}

// fail records one injected read failure; false when the plan has none left.
func (st *faultState) fail() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.plan.Times > 0 && st.injected >= st.plan.Times {
		return false
	}
	st.injected++
	st.downUntil = time.Now().Add(st.plan.Down)
	return true
}

type faultySource struct {
	Source
	st   *faultState
	read int
}

func (s *faultySource) Read() (*Frame, error) {
	if n := s.st.plan.FailAfter; n > 0 && s.read >= n && s.st.fail() {
		return nil, fmt.Errorf("%w: read failed after %d frames", ErrInjected, s.read)
	}
	f, err := s.Source.Read()
	if err == nil {
		s.read++
		if n := s.st.plan.CorruptEvery; n > 0 && s.read%n == 0 && f.Format == JPEG {
			f.Data = f.Data[:len(f.Data)/2]
		}
	}
	return f, err
}

var (
	_ Controller       = (*faultySource)(nil)
	_ ControlDescriber = (*faultySource)(nil)
)

// SetControl passes controls through to the wrapped source.
func (s *faultySource) SetControl(name string, value float64) (float64, error) {
	if s.st.plan.FakeControls {
		return s.st.fake.SetControl(name, value)
	}
	if c, ok := s.Source.(Controller); ok {
		return c.SetControl(name, value)
	}
	return 0, fmt.Errorf("%s: %w (the wrapped source has no controls)", name, ErrNoControl)
}

// Controls lists the wrapped source's controls.
func (s *faultySource) Controls() []string {
	if s.st.plan.FakeControls {
		return s.st.fake.Controls()
	}
	if c, ok := s.Source.(Controller); ok {
		return c.Controls()
	}
	return nil
}

// DescribeControls describes the fake camera's controls, or the wrapped
// source's when it can.
func (s *faultySource) DescribeControls() []ControlInfo {
	if s.st.plan.FakeControls {
		return s.st.fake.DescribeControls()
	}
	if d, ok := s.Source.(ControlDescriber); ok {
		return d.DescribeControls()
	}
	return nil
}

func init() { Register("faulty", openFaulty) }

var (
	faultStatesMu sync.Mutex
	faultStates   = map[string]*faultState{}
)

// faultyProbe is ReadyProbe for a faulty:// source: it turns true once the
// injected outage is over, as a device node reappearing would.
func faultyProbe(u *url.URL) func() bool {
	faultStatesMu.Lock()
	st := faultStates[u.String()]
	faultStatesMu.Unlock()
	if st == nil {
		return nil
	}
	wasDown := false
	return func() bool {
		st.mu.Lock()
		down := time.Now().Before(st.downUntil)
		st.mu.Unlock()
		back := wasDown && !down
		wasDown = down
		return back
	}
}

func openFaulty(u *url.URL, req Request) (Source, error) {
	inner, plan, err := faultOptions(u)
	if err != nil {
		return nil, err
	}
	key := u.String()
	faultStatesMu.Lock()
	st := faultStates[key]
	if st == nil {
		st = &faultState{plan: plan}
		faultStates[key] = st
	}
	faultStatesMu.Unlock()
	return st.open(func() (Source, error) { return Open(inner, req) })
}

func faultOptions(u *url.URL) (inner string, plan FaultPlan, err error) {
	q := u.Query()
	bad := func(k, want string) error {
		return Configf("source %q: %s=%q is not %s", u, k, q.Get(k), want)
	}
	for k := range q {
		switch k {
		case "inner", "fail_after", "down", "start_down", "times", "corrupt_every", "controls", "id":
		default:
			return "", plan, Configf("source %q: unknown option %q (faulty options: inner, fail_after, down, start_down, times, corrupt_every, controls, id)", u, k)
		}
	}
	if inner = q.Get("inner"); inner == "" {
		return "", plan, Configf("source %q: faulty needs inner=<URI-escaped source>, e.g. faulty://?inner=testpattern%%3A%%2F%%2F&fail_after=30", u)
	}
	ints := map[string]*int{"fail_after": &plan.FailAfter, "times": &plan.Times, "corrupt_every": &plan.CorruptEvery}
	for k, dst := range ints {
		if v := q.Get(k); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil || *dst < 0 {
				return "", plan, bad(k, "a count ≥ 0")
			}
		}
	}
	switch c := q.Get("controls"); c {
	case "", "inner":
	case "fake":
		plan.FakeControls = true
	default:
		return "", plan, bad("controls", "fake or inner")
	}
	durs := map[string]*time.Duration{"down": &plan.Down, "start_down": &plan.StartDown}
	for k, dst := range durs {
		if v := q.Get(k); v != "" {
			if *dst, err = time.ParseDuration(v); err != nil || *dst < 0 {
				return "", plan, bad(k, "a duration such as 2s")
			}
		}
	}
	return inner, plan, nil
}
