package capture

import (
	"net/url"
	"testing"
	"time"
)

// What the test pattern costs to draw per frame, unpaced: the source side of
// every test-pattern row in `make bench` (docs/bench.md), which a real camera
// does not pay. Run with: go test -run '^$' -bench TestPatternRender ./capture/
func BenchmarkTestPatternRender(b *testing.B) {
	for _, s := range benchSizes {
		for _, format := range []string{"rgb8", "mjpeg"} {
			b.Run(s.name+"/"+format, func(b *testing.B) {
				u, err := url.Parse("testpattern://?format=" + format)
				if err != nil {
					b.Fatal(err)
				}
				src, err := openTestPattern(u, Request{Width: s.w, Height: s.h, FPS: 30})
				if err != nil {
					b.Fatal(err)
				}
				defer src.Close()
				tp := src.(*testPattern)
				var counter uint64
				measureCPU(b, func() {
					counter++
					if _, err := tp.render(counter, time.Now()); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
}
