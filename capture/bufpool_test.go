package capture

import (
	"sync"
	"testing"
)

func TestBufferPoolReuse(t *testing.T) {
	cases := []struct {
		name       string
		size, keep int
		frames     int // made and released one after another
		held       int // then this many held at once
		wantMade   uint64
		wantReused uint64
	}{
		{"one at a time reuses one buffer", 1024, 0, 10, 0, 1, 9},
		{"held at once need as many buffers", 64, 0, 0, 4, 4, 0},
		{"one at a time then held", 1920 * 1080 * 3, 0, 3, 3, 3, 3},
		{"more held than kept: the surplus is dropped", 16, 2, 0, 5, 5, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := NewBufferPool(c.size, c.keep)
			for range c.frames {
				f := p.NewFrame()
				if len(f.Data) != c.size {
					t.Fatalf("len(Data) = %d, want %d", len(f.Data), c.size)
				}
				f.Release()
			}
			var held []*Frame
			for range c.held {
				held = append(held, p.NewFrame())
			}
			for _, f := range held {
				f.Release()
			}
			got := p.Counts()
			if got.Made != c.wantMade || got.Reused != c.wantReused {
				t.Errorf("counts = %+v, want made %d reused %d", got, c.wantMade, c.wantReused)
			}
			if kept := len(p.free); kept > p.keep {
				t.Errorf("%d free buffers kept, limit %d", kept, p.keep)
			}
		})
	}
}

func TestBufferPoolReturnsOnlyAtZero(t *testing.T) {
	p := NewBufferPool(8, 0)
	f := p.NewFrame()
	copy(f.Data, "abcdefgh")
	f.Retain()
	f.Release()
	if len(p.free) != 0 || string(f.Data) != "abcdefgh" {
		t.Fatalf("a buffer still referenced went back (free %d, data %q)", len(p.free), f.Data)
	}
	f.Release()
	if len(p.free) != 1 {
		t.Fatalf("the last Release did not return the buffer (free %d)", len(p.free))
	}
	for i, b := range f.buf {
		if b != PoisonByte {
			t.Fatalf("released buffer byte %d = %#x, want poison %#x", i, b, PoisonByte)
		}
	}
	g := p.NewFrame()
	if &g.Data[0] != &f.buf[0] {
		t.Error("the next frame did not reuse the released buffer")
	}
}

func TestFrameMisuseIsLoud(t *testing.T) {
	cases := []struct {
		name string
		use  func(f *Frame)
	}{
		{"release twice", func(f *Frame) { f.Release(); f.Release() }},
		{"retain after the last release", func(f *Frame) { f.Release(); f.Retain() }},
		{"read pixels after the last release", func(f *Frame) { f.Release(); f.Pixels(RGB8) }},
		{"copy pixels after the last release", func(f *Frame) {
			f.Release()
			f.PixelsInto(make([]byte, f.PixelsSize(RGB8)), RGB8)
		}},
		{"encode after the last release", func(f *Frame) { f.Release(); f.Encoded(EncodeOptions{}) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := NewBufferPool(16*16*3, 0)
			f := p.NewFrame()
			f.Width, f.Height, f.Format, f.Step = 16, 16, RGB8, 48
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			c.use(f)
		})
	}
}

func TestUnpooledFrameIgnoresReferences(t *testing.T) {
	f := &Frame{Width: 16, Height: 16, Format: RGB8, Step: 48, Data: make([]byte, 16*16*3)}
	f.Retain()
	f.Release()
	f.Release()
	f.Release()
	if _, _, err := f.Pixels(RGB8); err != nil || f.Pooled() {
		t.Fatalf("unpooled frame after extra Releases: pooled %v, Pixels: %v", f.Pooled(), err)
	}
}

// Readers retain and release one frame from many goroutines (run with
// -race): the buffer goes back exactly once, after the last of them, and no
// reader sees it poisoned.
func TestFrameConcurrentReferences(t *testing.T) {
	p := NewBufferPool(4096, 0)
	for round := range 50 {
		f := p.NewFrame()
		for i := range f.Data {
			f.Data[i] = byte(round)
		}
		var wg sync.WaitGroup
		for range 8 {
			f.Retain()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer f.Release()
				for i, b := range f.Data {
					if b != byte(round) {
						t.Errorf("round %d: byte %d = %#x while held", round, i, b)
						return
					}
				}
			}()
		}
		f.Release() // the producer's
		wg.Wait()
		if len(p.free) != 1 {
			t.Fatalf("round %d: %d free buffers after every release, want 1", round, len(p.free))
		}
	}
	if c := p.Counts(); c.Made != 1 {
		t.Errorf("made %d buffers for one frame at a time, want 1", c.Made)
	}
}

// A pooled frame costs its Frame header only: no buffer per frame.
func TestBufferPoolAllocatesNoBufferPerFrame(t *testing.T) {
	p := NewBufferPool(1920*1080*3, 0)
	p.NewFrame().Release()
	if n := testing.AllocsPerRun(20, func() { p.NewFrame().Release() }); n > 1 {
		t.Errorf("%v allocations per frame, want 1 (the Frame)", n)
	}
}
