package capture

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Caps in pipeline text ("video/x-h264,stream-format=byte-stream") and as
// GStreamer prints them ("video/x-h264, width=(int)320, framerate=(fraction)30/1").

// appsinkCaps is the caps segment just before a pipeline's final appsink
// ("… ! video/x-h264 ! appsink"), trimmed, or "" when an element comes there.
func appsinkCaps(p string) string {
	segs := strings.Split(p, "!")
	if len(segs) < 2 {
		return ""
	}
	c := strings.TrimSpace(segs[len(segs)-2])
	if first, _, _ := strings.Cut(c, ","); !strings.Contains(first, "/") || strings.ContainsAny(first, "= ") {
		return ""
	}
	return c
}

func isH264Caps(caps string) bool {
	name, _, _ := strings.Cut(caps, ",")
	return strings.TrimSpace(name) == "video/x-h264"
}

// capsField is the value of one field of caps text, without a "(type)"
// prefix or quotes; ok is false when the caps lack it.
func capsField(caps, key string) (v string, ok bool) {
	fields := strings.Split(caps, ",")
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(k) != key {
			continue
		}
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "(") {
			if _, rest, ok := strings.Cut(v, ")"); ok {
				v = rest
			}
		}
		return strings.Trim(v, `"`), true
	}
	return "", false
}

// capsSize is the width and height in caps text; 0 when absent.
func capsSize(caps string) (w, h int) {
	ws, _ := capsField(caps, "width")
	hs, _ := capsField(caps, "height")
	w, _ = strconv.Atoi(ws)
	h, _ = strconv.Atoi(hs)
	return w, h
}

// capsFPS is the framerate in caps text; 0 when absent or variable (0/1).
func capsFPS(caps string) float64 {
	v, _ := capsField(caps, "framerate")
	n, d, ok := strings.Cut(v, "/")
	num, err1 := strconv.Atoi(n)
	den, err2 := strconv.Atoi(d)
	if !ok || err1 != nil || err2 != nil || den <= 0 {
		return 0
	}
	return usableFPS(float64(num) / float64(den))
}

// h264Fields are what the H.264 source needs the appsink's caps to say:
// Annex-B (start codes, so access units can be passed on as they are) and one
// whole access unit per buffer.
var h264Fields = []struct{ key, value string }{
	{"stream-format", "byte-stream"},
	{"alignment", "au"},
}

// h264Pipeline is the pipeline the H.264 source runs for p, whose appsink
// takes video/x-h264: the caps before the appsink get the fields of
// h264Fields they lack, and h264parse is put before them if p has no parser
// (only a parser cuts a stream into access units, and config-interval=-1
// makes it repeat SPS and PPS before every IDR). Caps asking for another
// stream format or alignment are a config error.
func h264Pipeline(p string) (run string, notes []string, err error) {
	segs := strings.Split(p, "!")
	i := len(segs) - 2
	caps := strings.TrimSpace(segs[i])
	var added []string
	for _, f := range h264Fields {
		v, ok := capsField(caps, f.key)
		switch {
		case !ok:
			added = append(added, f.key+"="+f.value)
		case v != f.value:
			return "", nil, Configf("GStreamer pipeline %q: the appsink's caps ask for %s=%s; H.264 is read as %s=%s (e.g. … ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink)", p, f.key, v, f.key, f.value)
		}
	}
	if len(added) > 0 {
		caps += "," + strings.Join(added, ",")
		notes = append(notes, fmt.Sprintf("added %s to the appsink's caps (H.264 is read as Annex-B access units)", strings.Join(added, ",")))
	}
	segs[i] = " " + caps + " "
	if !slices.Contains(pipelineElements(p), "h264parse") {
		segs[i] = " h264parse config-interval=-1 !" + segs[i]
		notes = append(notes, "put h264parse config-interval=-1 before the appsink's caps (H.264 needs a parser to be cut into access units with SPS/PPS before each IDR)")
	}
	return strings.TrimSpace(strings.Join(segs, "!")), notes, nil
}
