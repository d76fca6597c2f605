package gstsample

// All cgo lives in this file: GStreamer's macros and variadic calls behind
// small C helpers; the rest of the package sees Go types only.

/*
#cgo pkg-config: gstreamer-1.0 gstreamer-app-1.0 gstreamer-video-1.0
#include <stdlib.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

static void gs_init(void) { gst_init(NULL, NULL); }

// gs_parse builds a pipeline from a description; NULL and GStreamer's reason
// in *why (g_free it) on failure. A lone element is put into a pipeline, so
// that it has a bus and a clock.
static GstElement *gs_parse(const char *desc, char **why) {
	GError *e = NULL;
	GstElement *el = gst_parse_launch_full(desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &e);
	if (el == NULL) {
		*why = g_strdup(e != NULL ? e->message : "unknown error");
		g_clear_error(&e);
		return NULL;
	}
	g_clear_error(&e);
	if (!GST_IS_PIPELINE(el)) {
		GstElement *p = gst_pipeline_new(NULL);
		gst_bin_add(GST_BIN(p), el);
		el = p;
	}
	return gst_object_ref_sink(el);
}

// gs_find_appsink returns the pipeline's only appsink (a new reference), or
// NULL; *count says how many there are.
static GstElement *gs_find_appsink(GstElement *pipe, int *count) {
	GstIterator *it = gst_bin_iterate_all_by_element_factory_name(GST_BIN(pipe), "appsink");
	GValue v = G_VALUE_INIT;
	GstElement *found = NULL;
	*count = 0;
	while (gst_iterator_next(it, &v) == GST_ITERATOR_OK) {
		(*count)++;
		if (found == NULL)
			found = gst_object_ref(g_value_get_object(&v));
		g_value_reset(&v);
	}
	g_value_unset(&v);
	gst_iterator_free(it);
	return found;
}

static void gs_configure_sink(GstElement *sink) {
	g_object_set(sink, "sync", FALSE, "max-buffers", (guint)2, "drop", FALSE, NULL);
}

static GstStateChangeReturn gs_current_state(GstElement *pipe, GstState *cur) {
	return gst_element_get_state(pipe, cur, NULL, 0);
}

// An error message from the bus, its strings to be g_freed.
typedef struct {
	char *element, *message, *debug;
} gs_error;

// gs_pop_error waits up to timeout for an error on the bus; other messages
// before it are discarded, which keeps the bus from growing. 1: *out is set.
static int gs_pop_error(GstBus *bus, GstClockTime timeout, gs_error *out) {
	GstMessage *m = gst_bus_timed_pop_filtered(bus, timeout, GST_MESSAGE_ERROR);
	if (m == NULL)
		return 0;
	GError *e = NULL;
	gchar *debug = NULL;
	gst_message_parse_error(m, &e, &debug);
	out->element = g_strdup(GST_MESSAGE_SRC_NAME(m) != NULL ? GST_MESSAGE_SRC_NAME(m) : "pipeline");
	out->message = g_strdup(e != NULL ? e->message : "unknown error");
	out->debug = debug;
	g_clear_error(&e);
	gst_message_unref(m);
	return 1;
}

// One pulled sample, its buffer mapped for reading until gs_sample_done.
typedef struct {
	GstSample *sample;
	GstBuffer *buffer;
	GstMapInfo map;
	GstClockTime pts;
	int delta;
	GstCaps *caps;
} gs_sample;

enum { GS_NONE, GS_SAMPLE, GS_EOS, GS_UNMAPPABLE };

static int gs_pull(GstElement *sink, GstClockTime timeout, gs_sample *s) {
	s->sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), timeout);
	if (s->sample == NULL)
		return gst_app_sink_is_eos(GST_APP_SINK(sink)) ? GS_EOS : GS_NONE;
	s->buffer = gst_sample_get_buffer(s->sample);
	if (s->buffer == NULL || !gst_buffer_map(s->buffer, &s->map, GST_MAP_READ)) {
		gst_sample_unref(s->sample);
		return GS_UNMAPPABLE;
	}
	s->pts = GST_BUFFER_PTS(s->buffer);
	s->delta = GST_BUFFER_FLAG_IS_SET(s->buffer, GST_BUFFER_FLAG_DELTA_UNIT);
	s->caps = gst_sample_get_caps(s->sample);
	return GS_SAMPLE;
}

static void gs_sample_done(gs_sample *s) {
	gst_buffer_unmap(s->buffer, &s->map);
	gst_sample_unref(s->sample);
}

// gs_force_key_unit sends an upstream force-key-unit event (all headers
// too) from the appsink's sink pad; 1 when an element upstream took it.
static int gs_force_key_unit(GstElement *sink) {
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	if (pad == NULL)
		return 0;
	GstEvent *ev = gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0);
	int ok = gst_pad_push_event(pad, ev);
	gst_object_unref(pad);
	return ok;
}

static void gs_unref(void *obj) { gst_object_unref(obj); }
*/
import "C"

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// StartLimit bounds how long Open waits for a pipeline to start playing (a
// network source connecting, a camera opening).
const StartLimit = 10 * time.Second

// pullSlice is the longest one wait in C lasts, so that Pull notices a bus
// error (which does not wake the appsink) within it.
const pullSlice = 50 * time.Millisecond

var initOnce sync.Once

// Pipeline is a playing pipeline and its appsink. One goroutine pulls;
// ForceKeyUnit and Close may be called from any goroutine.
type Pipeline struct {
	// mu guards the C objects' lifetime: pulls and events hold it shared,
	// Close's unref exclusively.
	mu      sync.RWMutex
	closing atomic.Bool
	once    sync.Once

	pipe *C.GstElement
	sink *C.GstElement
	bus  *C.GstBus

	caps    *C.GstCaps // the last sample's caps (a reference), and as text
	capsStr string
}

// Open parses a pipeline description (gst-launch syntax) with exactly one
// appsink, sets the appsink up (see the package comment) and starts the
// pipeline, waiting up to StartLimit for it to play. A description GStreamer
// refuses gives an error wrapping ErrParse; an element failing to start, the
// *Error it posted.
func Open(pipeline string) (*Pipeline, error) {
	initOnce.Do(func() { C.gs_init() })
	desc := C.CString(pipeline)
	defer C.free(unsafe.Pointer(desc))
	var why *C.char
	pipe := C.gs_parse(desc, &why)
	if pipe == nil {
		defer C.g_free(C.gpointer(unsafe.Pointer(why)))
		return nil, fmt.Errorf("%w: %s", ErrParse, C.GoString(why))
	}
	p := &Pipeline{pipe: pipe, bus: C.gst_element_get_bus(pipe)}
	var n C.int
	p.sink = C.gs_find_appsink(pipe, &n)
	if n != 1 {
		p.Close()
		return nil, fmt.Errorf("%w: it has %d appsinks, want 1", ErrParse, int(n))
	}
	C.gs_configure_sink(p.sink)
	if err := p.start(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// start sets the pipeline playing and waits until it is, or an error.
func (p *Pipeline) start() error {
	failed := C.gst_element_set_state(p.pipe, C.GST_STATE_PLAYING) == C.GST_STATE_CHANGE_FAILURE
	deadline := time.Now().Add(StartLimit)
	for {
		if err := p.busError(pullSlice); err != nil {
			return err
		}
		var cur C.GstState
		ret := C.gs_current_state(p.pipe, &cur)
		switch {
		case failed || ret == C.GST_STATE_CHANGE_FAILURE:
			// The element posts its reason just before or after failing.
			if err := p.busError(time.Second); err != nil {
				return err
			}
			return fmt.Errorf("gstsample: the pipeline failed to start, with no error message")
		case cur == C.GST_STATE_PLAYING:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("gstsample: the pipeline did not start playing within %s", StartLimit)
		}
	}
}

// busError returns the next error on the bus as an *Error, waiting up to
// timeout; nil if none came.
func (p *Pipeline) busError(timeout time.Duration) error {
	var e C.gs_error
	if C.gs_pop_error(p.bus, clockTime(timeout), &e) == 0 {
		return nil
	}
	defer C.g_free(C.gpointer(unsafe.Pointer(e.element)))
	defer C.g_free(C.gpointer(unsafe.Pointer(e.message)))
	defer C.g_free(C.gpointer(unsafe.Pointer(e.debug)))
	return &Error{Element: C.GoString(e.element), Message: C.GoString(e.message), Debug: C.GoString(e.debug)}
}

// Pull returns the next sample, waiting up to timeout (no limit if
// timeout <= 0). It returns io.EOF at the end of the stream, an *Error when
// the pipeline posted one, ErrTimeout when the wait ran out and ErrClosed
// after (or during) Close.
func (p *Pipeline) Pull(timeout time.Duration) (Sample, error) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		wait := pullSlice
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return Sample{}, ErrTimeout
			}
			wait = min(wait, left)
		}
		s, got, err := p.pullOnce(wait)
		if got || err != nil {
			return s, err
		}
	}
}

// pullOnce waits up to wait for a sample; got is false if none came and
// nothing else happened.
func (p *Pipeline) pullOnce(wait time.Duration) (s Sample, got bool, err error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closing.Load() {
		return s, false, ErrClosed
	}
	if err := p.busError(0); err != nil {
		return s, false, err
	}
	var cs C.gs_sample
	switch C.gs_pull(p.sink, clockTime(wait), &cs) {
	case C.GS_NONE:
		return s, false, p.closedErr(nil)
	case C.GS_EOS:
		return s, false, p.closedErr(io.EOF)
	case C.GS_UNMAPPABLE:
		return s, false, fmt.Errorf("gstsample: a buffer could not be mapped for reading")
	}
	defer C.gs_sample_done(&cs)
	s.Data = C.GoBytes(unsafe.Pointer(cs._map.data), C.int(cs._map.size))
	s.PTS = -1
	if cs.pts != C.GST_CLOCK_TIME_NONE {
		s.PTS = time.Duration(cs.pts)
	}
	s.Keyframe = cs.delta == 0
	s.Caps = p.capsText(cs.caps)
	return s, true, nil
}

// closedErr is ErrClosed if Close has begun, else err: a stopping appsink
// gives no sample and calls itself EOS.
func (p *Pipeline) closedErr(err error) error {
	if p.closing.Load() {
		return ErrClosed
	}
	return err
}

// capsText renders caps as text, once per distinct caps object (a stream
// keeps one until its format changes).
func (p *Pipeline) capsText(caps *C.GstCaps) string {
	if caps == nil {
		return ""
	}
	if caps != p.caps {
		if p.caps != nil {
			C.gst_mini_object_unref((*C.GstMiniObject)(unsafe.Pointer(p.caps)))
		}
		C.gst_mini_object_ref((*C.GstMiniObject)(unsafe.Pointer(caps)))
		p.caps = caps
		str := C.gst_caps_to_string(caps)
		p.capsStr = C.GoString(str)
		C.g_free(C.gpointer(unsafe.Pointer(str)))
	}
	return p.capsStr
}

// ForceKeyUnit asks the elements upstream of the appsink for a key frame
// with its headers (an H.264 IDR with SPS and PPS), e.g. for a viewer who
// just joined. Encoders (x264enc, v4l2h264enc, …) honour it; a camera's own
// H.264 does not. It reports whether an element took the request.
func (p *Pipeline) ForceKeyUnit() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closing.Load() {
		return false
	}
	return C.gs_force_key_unit(p.sink) != 0
}

// Close stops the pipeline and frees it. It may be called more than once,
// and from another goroutine while Pull waits: that Pull returns ErrClosed
// at once.
func (p *Pipeline) Close() error {
	p.once.Do(func() {
		p.closing.Store(true)
		// Stopping flushes the appsink, which wakes a Pull waiting in it.
		p.mu.RLock()
		C.gst_element_set_state(p.pipe, C.GST_STATE_NULL)
		p.mu.RUnlock()
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.caps != nil {
			C.gst_mini_object_unref((*C.GstMiniObject)(unsafe.Pointer(p.caps)))
		}
		if p.sink != nil {
			C.gs_unref(unsafe.Pointer(p.sink))
		}
		C.gs_unref(unsafe.Pointer(p.bus))
		C.gs_unref(unsafe.Pointer(p.pipe))
		p.pipe, p.sink, p.bus, p.caps = nil, nil, nil, nil
	})
	return nil
}

func clockTime(d time.Duration) C.GstClockTime { return C.GstClockTime(max(d, 0)) }
