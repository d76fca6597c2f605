package stream

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"webcam/capture"
)

// The hub and its readers each hold their own reference: a pooled buffer
// goes back only once neither has it.
func TestLatestReferences(t *testing.T) {
	cases := []struct {
		name     string
		read     func(l *Latest) *capture.Frame // takes a reader's reference, or nil
		wantMade uint64                         // buffers for three frames
	}{
		{"no reader: the replaced frame goes back", func(*Latest) *capture.Frame { return nil }, 2},
		{"Next holds the replaced frame", func(l *Latest) *capture.Frame { f, _ := l.Next(context.Background(), 0); return f }, 3},
		{"Acquire holds the replaced frame", func(l *Latest) *capture.Frame { return l.Acquire() }, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pool := capture.NewBufferPool(64, 0)
			var l Latest
			publish := func(seq uint64) {
				f := pool.NewFrame()
				f.Seq = seq
				for i := range f.Data {
					f.Data[i] = byte(seq)
				}
				l.Publish(f)
				f.Release() // the producer's
			}
			publish(1)
			held := c.read(&l)
			publish(2)
			publish(3) // takes frame 1's buffer unless a reader holds it
			if held != nil {
				if held.Seq != 1 || held.Data[0] != 1 || held.Data[63] != 1 {
					t.Fatalf("reader holds frame %d with data %#x, want frame 1 intact", held.Seq, held.Data[0])
				}
				held.Release()
			}
			if made := pool.Counts().Made; made != c.wantMade {
				t.Errorf("made %d buffers, want %d", made, c.wantMade)
			}
		})
	}
}

// filledSource hands out pooled frames whose bytes all equal their number,
// so a reader can tell a torn or recycled frame.
type filledSource struct {
	pool *capture.BufferPool
	n    uint64
}

func (s *filledSource) Info() capture.Info { return capture.Info{Backend: "filled"} }
func (s *filledSource) Close() error       { return nil }
func (s *filledSource) Read() (*capture.Frame, error) {
	time.Sleep(200 * time.Microsecond)
	s.n++
	f := s.pool.NewFrame()
	f.Width, f.Height, f.Format, f.Step = 32, 32, capture.Mono8, 32
	for i := range f.Data {
		f.Data[i] = byte(s.n)
	}
	return f, nil
}

// Readers of a running Runner hold frames for random times (run with
// -race): every byte stays the frame's own while held, and the pool makes
// no more buffers than can be held at once.
func TestRunnerPooledFramesStayIntactWhileHeld(t *testing.T) {
	const readers = 4
	src := &filledSource{pool: capture.NewBufferPool(32*32, 0)}
	var l Latest
	r := NewRunner(Config{URI: "filled://", Open: func(string, capture.Request) (capture.Source, error) { return src, nil }}, &l)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	go r.Run(ctx)
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last uint64
			for {
				f, err := l.Next(ctx, last)
				if err != nil {
					return
				}
				last = f.Seq
				want := f.Data[0]
				time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
				for i, b := range f.Data {
					if b != want {
						t.Errorf("frame %d: byte %d changed from %#x to %#x while held", f.Seq, i, want, b)
						break
					}
				}
				f.Release()
			}
		}()
	}
	wg.Wait()
	c := src.pool.Counts()
	if c.Reused == 0 || c.Made > readers+3 {
		t.Errorf("pool %+v: want reuse, and at most %d buffers (readers, hub, source, one spare)", c, readers+3)
	}
}
