package node

import (
	"bytes"
	"context"
	"testing"
	"time"

	"webcam/capture"
	"webcam/stream"
)

// The publish loops hold each frame while its messages are made and give it
// back after: a publish slower than the frame rate sees its frame's bytes
// unchanged, and the pool keeps reusing a handful of buffers (a loop that
// kept its frames would make the pool make one per frame).
func TestPublishLoopHoldsAndReleasesPooledFrames(t *testing.T) {
	pool := capture.NewBufferPool(64*48*3, 0)
	var frames stream.Latest
	n := &Node{frames: &frames}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	go func() { // the capture side: a pooled frame every millisecond
		for seq := uint64(1); ctx.Err() == nil; seq++ {
			f := pool.NewFrame()
			f.Seq, f.Width, f.Height, f.Format, f.Step = seq, 64, 48, capture.RGB8, 64*3
			for i := range f.Data {
				f.Data[i] = byte(seq)
			}
			frames.Publish(f)
			f.Release()
			time.Sleep(time.Millisecond)
		}
	}()
	var published int
	n.runLoop(ctx, &n.stats.main, func(f *capture.Frame) int {
		before := bytes.Clone(f.Data)
		time.Sleep(5 * time.Millisecond) // five frames come meanwhile
		if !bytes.Equal(before, f.Data) || f.Data[0] != byte(f.Seq) {
			t.Errorf("frame %d changed while it was being published", f.Seq)
		}
		published++
		return 1
	})
	c := pool.Counts()
	if published < 10 || c.Made > 4 {
		t.Errorf("%d frames published, pool %+v: want ≥ 10, and ≤ 4 buffers made (hub, loop, capture, spare)", published, c)
	}
}
