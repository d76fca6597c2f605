package capture

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"gocv.io/x/gocv"
)

// cvHandle owns one OpenCV VideoCapture for a source. OpenCV's reads can block
// in C for seconds (a V4L2 select, a stalled network stream, an appsink with
// nothing to give), and a VideoCapture must not be released while a read is
// running. So each read runs on its own goroutine: Close and a stall return at
// once, and the capture is released by whichever of Close and the read
// finishes last.
type cvHandle struct {
	mu       sync.Mutex
	vc       *gocv.VideoCapture
	mat      gocv.Mat
	pool     *BufferPool   // packed frames' buffers; used by the read goroutine only
	busy     bool          // a read is running on vc
	closed   bool          // no more use; release when not busy
	done     chan struct{} // closed by close
	released chan struct{} // closed once the capture is released
}

func newCVHandle(vc *gocv.VideoCapture) *cvHandle {
	return &cvHandle{vc: vc, mat: gocv.NewMat(), done: make(chan struct{}), released: make(chan struct{})}
}

// releaseWait bounds how long close waits for a read still running in C to
// return, so that the device is free for the next open. A V4L2 read returns
// within a frame period; a hung one is left to finish on its own.
const releaseWait = 2 * time.Second

// cvRead is one frame as OpenCV returned it, copied out of the Mat.
type cvRead struct {
	data       []byte
	pooled     *Frame // holds data when it is a pooled buffer (matFrame fills it in)
	rows, cols int
	typ        gocv.MatType
	posMsec    float64   // CAP_PROP_POS_MSEC right after the read
	begin, end time.Time // around the C call
}

// errStalled is wrapped by read when no frame came within the stall limit.
var errStalled = errors.New("no frame")

// read grabs the next frame. ok is false when OpenCV returned no frame (end of
// stream, device gone). After a stall the handle is closed: the abandoned C
// call releases the capture when it returns.
func (h *cvHandle) read(stall time.Duration) (r cvRead, ok bool, err error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return r, false, ErrClosed
	}
	h.busy = true
	h.mu.Unlock()

	type result struct {
		r  cvRead
		ok bool
	}
	out := make(chan result, 1)
	go func() {
		var res result
		res.r.begin = time.Now()
		res.ok = h.vc.Read(&h.mat)
		res.r.end = time.Now()
		if res.ok && !h.mat.Empty() {
			res.r.rows, res.r.cols, res.r.typ = h.mat.Rows(), h.mat.Cols(), h.mat.Type()
			res.r.data, res.r.pooled = h.copyOut()
			res.r.posMsec = h.vc.Get(gocv.VideoCapturePosMsec)
		} else {
			res.ok = false
		}
		h.mu.Lock()
		h.busy = false
		release := h.closed
		h.mu.Unlock()
		if release {
			h.release()
		}
		out <- res
	}()

	var timeout <-chan time.Time
	if stall > 0 {
		t := time.NewTimer(stall)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case res := <-out:
		return res.r, res.ok, nil
	case <-h.done:
		return r, false, ErrClosed
	case <-timeout:
		h.abandon()
		return r, false, fmt.Errorf("%w for %s", errStalled, stall)
	}
}

// copyOut copies the Mat's bytes out of OpenCV's memory: packed pixels,
// whose size is fixed for a source, into a pooled buffer; compressed
// packets (one row, a different length each) into a fresh one.
func (h *cvHandle) copyOut() ([]byte, *Frame) {
	if h.mat.Rows() <= 1 {
		return h.mat.ToBytes(), nil
	}
	src, err := h.mat.DataPtrUint8()
	if err != nil { // not continuous: ToBytes knows how
		return h.mat.ToBytes(), nil
	}
	if h.pool == nil || h.pool.Size() != len(src) {
		h.pool = NewBufferPool(len(src), 0)
	}
	f := h.pool.NewFrame()
	copy(f.Data, src)
	return f.Data, f
}

// with runs fn on the capture between reads (properties, controls).
func (h *cvHandle) with(fn func(vc *gocv.VideoCapture) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return ErrClosed
	case h.busy:
		return errors.New("capture is busy reading a frame")
	}
	return fn(h.vc)
}

// close marks the handle closed, unblocks read, and releases the capture;
// if a read is still running in C, that read releases it when it returns and
// close waits up to releaseWait for that.
func (h *cvHandle) close() {
	h.abandon()
	t := time.NewTimer(releaseWait)
	defer t.Stop()
	select {
	case <-h.released:
	case <-t.C:
	}
}

// abandon marks the handle closed and releases the capture now if no read is
// running, without waiting for one that is.
func (h *cvHandle) abandon() {
	h.mu.Lock()
	first := !h.closed
	if first {
		h.closed = true
		close(h.done)
	}
	busy := h.busy
	h.mu.Unlock()
	if first && !busy {
		h.release()
	}
}

func (h *cvHandle) release() {
	h.vc.Close()
	h.mat.Close()
	close(h.released)
}

// stallLimit is how long a live source may go without a frame before Read
// gives up and the runner reopens it: generous, and never under five frame
// periods for slow sources.
func stallLimit(fps float64) time.Duration {
	d := 10 * time.Second
	if fps > 0 {
		d = max(d, time.Duration(5*float64(time.Second)/fps))
	}
	return d
}
