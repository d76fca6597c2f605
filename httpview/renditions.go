package httpview

import (
	"cmp"
	"fmt"
	"math"
	"webcam/capture"
)

// defaultMaxRenditions is Config.MaxRenditions when it is 0: enough for a
// full view, a thumbnail and a low-bandwidth view of each camera at once.
const defaultMaxRenditions = 4

// fitSize is the size a viewer of a srcW×srcH frame gets when it asks for
// w×h (0 for a side: the source's, or from the other side by the aspect
// ratio). It is never larger than the source: a larger request is scaled
// down, keeping the aspect ratio it asked for, until it fits (8192x8192 of a
// 640x480 camera gives 480x480). Scaling up would only cost memory and CPU
// for no detail. The source's own size is returned as 0, 0, so every way of
// asking for it is one rendition. With no source size known yet (srcW or
// srcH 0) the request is returned as it is.
func fitSize(srcW, srcH, w, h int) (int, int) {
	if srcW <= 0 || srcH <= 0 {
		return w, h
	}
	switch {
	case w <= 0 && h <= 0:
		return 0, 0
	case w <= 0: // as capture.Frame.JPEG derives the missing side
		w = max(1, srcW*h/srcH)
	case h <= 0:
		h = max(1, srcH*w/srcW)
	}
	if w > srcW || h > srcH {
		if srcW*h <= srcH*w { // width is the tighter bound
			w, h = srcW, max(1, h*srcW/w)
		} else {
			w, h = max(1, w*srcH/h), srcH
		}
	}
	if w == srcW && h == srcH {
		return 0, 0
	}
	return w, h
}

// renditionKey is one JPEG rendition of a camera: each costs an encode per
// frame while someone watches it.
type renditionKey struct {
	topic                  string
	quality, width, height int // width, height as fitSize gives them
	png, invert            bool
}

// takeRendition counts a viewer (or a snapshot) of req against its camera's
// budget of Config.MaxRenditions distinct renditions and returns the request
// to serve, with the function that gives the place back. A rendition already
// in use is shared; a new one within the budget is granted; beyond it the
// viewer gets the nearest rendition in use (by size, then quality) and note
// says so, for the log. ros_compressed needs no budget: it is the compressed
// publisher's encode, or none.
func (s *Server) takeRendition(req viewRequest) (served viewRequest, done func(), note string) {
	if !req.encoded() {
		return req, func() {}, ""
	}
	var srcW, srcH int
	if f := req.topic.frames.Load(); f != nil {
		srcW, srcH = f.Width, f.Height
	}
	req.width, req.height = fitSize(srcW, srcH, req.width, req.height)
	key := renditionKey{req.topic.name, req.quality, req.width, req.height, req.typ == typePNG, req.invert}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.renditions[key] == 0 && s.renditionsOf(key.topic) >= s.cfg.MaxRenditions {
		// Over the budget: the nearest rendition of the same kind (JPEG or
		// PNG, inverted or not). The first of a kind is let through, so a
		// camera has at most MaxRenditions+3 encodes per frame.
		if near, ok := s.nearestRendition(key, srcW, srcH); ok {
			asked := req
			key = near
			req.quality, req.width, req.height = key.quality, key.width, key.height
			note = fmt.Sprintf("given %s instead of %s: %d renditions per camera are encoded at most", renditionName(req), renditionName(asked), s.cfg.MaxRenditions)
		}
	}
	s.renditions[key]++
	return req, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.renditions[key]--; s.renditions[key] <= 0 {
			delete(s.renditions, key)
		}
	}, note
}

func renditionName(v viewRequest) string {
	if v.width == 0 && v.height == 0 {
		return fmt.Sprintf("quality %d at source size", v.quality)
	}
	return fmt.Sprintf("quality %d at %dx%d", v.quality, v.width, v.height)
}

// renditionsOf counts the renditions of one camera in use. The caller holds s.mu.
func (s *Server) renditionsOf(topic string) int {
	n := 0
	for k := range s.renditions {
		if k.topic == topic {
			n++
		}
	}
	return n
}

// nearestRendition is the rendition of want's camera in use that is closest
// to want and of its kind: by the ratio of their areas, then by quality;
// false when none of its kind is in use. The caller holds s.mu.
func (s *Server) nearestRendition(want renditionKey, srcW, srcH int) (renditionKey, bool) {
	area := func(k renditionKey) float64 {
		w, h := k.width, k.height
		if srcW > 0 && srcH > 0 {
			w, h = capture.ScaledSize(srcW, srcH, w, h)
		}
		return math.Max(float64(w)*float64(h), 1)
	}
	distance := func(k renditionKey) float64 {
		return math.Abs(math.Log(area(k)/area(want))) + math.Abs(float64(k.quality-want.quality))/50
	}
	var best renditionKey
	found := false
	for k := range s.renditions {
		if k.topic != want.topic || k.png != want.png || k.invert != want.invert {
			continue // a PNG or inverted viewer is never handed a plain JPEG
		}
		if !found || cmp.Or(cmp.Compare(distance(k), distance(best)), cmp.Compare(k.quality, best.quality),
			cmp.Compare(k.width, best.width), cmp.Compare(k.height, best.height)) < 0 {
			best, found = k, true
		}
	}
	return best, found
}
