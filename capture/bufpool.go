package capture

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// BufferPool recycles the Data buffers of one size of frame. A fresh buffer
// per frame costs a page fault per 4 KiB page the source writes (1519 at
// 1080p RGB) and lets RSS grow with the GC's pace; a few buffers reused keep
// the pages resident. Frames from NewFrame share a buffer until their last
// Release, which gives it back.
//
// The pool keeps at most its keep count of free buffers: a burst of holders
// (many slow viewers) makes more, and the surplus is left to the GC.
type BufferPool struct {
	size int
	keep int

	mu   sync.Mutex
	free [][]byte

	made, reused atomic.Uint64
}

// defaultKeep covers the usual holders of a frame at once: the newest-frame
// hub, the two publish loops, an HTTP viewer and the one being filled.
const defaultKeep = 6

// NewBufferPool returns a pool of buffers of size bytes that keeps up to
// keep free ones (0: defaultKeep).
func NewBufferPool(size, keep int) *BufferPool {
	if keep <= 0 {
		keep = defaultKeep
	}
	return &BufferPool{size: size, keep: keep}
}

// Size is the length of every buffer of the pool.
func (p *BufferPool) Size() int { return p.size }

// PoolCounts says how many buffers a pool made and how many times it handed
// one out again.
type PoolCounts struct{ Made, Reused uint64 }

// Counts returns the pool's counters.
func (p *BufferPool) Counts() PoolCounts {
	return PoolCounts{Made: p.made.Load(), Reused: p.reused.Load()}
}

// NewFrame returns a frame whose Data is a buffer of the pool, with one
// reference: the caller's (the producer's). The buffer's contents are
// whatever the last frame left: the producer overwrites all of it.
func (p *BufferPool) NewFrame() *Frame {
	f := &Frame{pool: p}
	f.buf = p.get()
	f.Data = f.buf
	f.refs.Store(1)
	return f
}

func (p *BufferPool) get() []byte {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		p.mu.Unlock()
		p.reused.Add(1)
		return b
	}
	p.mu.Unlock()
	p.made.Add(1)
	return make([]byte, p.size)
}

func (p *BufferPool) put(b []byte) {
	if poisonReleased {
		poison(b)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < p.keep {
		p.free = append(p.free, b)
	}
}

// poisonReleased fills released buffers with PoisonByte, so that a reader
// still looking at one after its frame's last Release sees garbage, not a
// plausible later frame, and Frame's accessors panic on a released frame.
// On in test binaries and with WEBCAM_POOL_DEBUG=1.
var poisonReleased = testing.Testing() || os.Getenv("WEBCAM_POOL_DEBUG") == "1"

// PoisonByte is what a released buffer holds while poisonReleased is on.
const PoisonByte = 0xDB

// poison fills b by doubling copies: a handful of memmoves, where a byte
// loop would be instrumented per byte under -race.
func poison(b []byte) {
	if len(b) == 0 {
		return
	}
	b[0] = PoisonByte
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// Retain adds a reference to the frame's Data: the caller may read it until
// its matching Release. A frame not from a BufferPool (built by a test, a
// graph feed, an unpooled source) is GC-managed and Retain does nothing.
// Retain on a pooled frame whose references all went panics: its buffer
// may already hold another frame.
func (f *Frame) Retain() {
	if f.pool == nil {
		return
	}
	if f.refs.Add(1) <= 1 {
		panic(fmt.Sprintf("capture: Retain of frame %d after its last Release", f.Seq))
	}
}

// Release drops a reference taken by Retain (or the producer's, from
// NewFrame). The last one gives the buffer back to its pool; the frame's
// Data must not be read after the caller's Release. Releasing more often
// than retaining panics, as it would hand a buffer out twice.
func (f *Frame) Release() {
	if f.pool == nil {
		return
	}
	switch n := f.refs.Add(-1); {
	case n == 0:
		f.pool.put(f.buf)
	case n < 0:
		panic(fmt.Sprintf("capture: frame %d released more often than retained (%d)", f.Seq, n))
	}
}

// Pooled reports whether the frame's Data comes from a BufferPool.
func (f *Frame) Pooled() bool { return f.pool != nil }

// checkLive panics, while poisonReleased is on, when a pooled frame is read
// after its last Release: a holder that forgot to Retain.
func (f *Frame) checkLive() {
	if poisonReleased && f.pool != nil && f.refs.Load() <= 0 {
		panic(fmt.Sprintf("capture: frame %d read after its last Release", f.Seq))
	}
}
