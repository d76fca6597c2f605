package h264

// All cgo lives in this file: libx264 behind a few small C helpers that take
// and return plain values, and the plane scaler. The rest of the package sees
// Go types only.

/*
#cgo pkg-config: x264
// -O3: gcc vectorizes the scaler's copy and box loops only from -O3.
#cgo CFLAGS: -O3
#cgo noescape wc_encode
#cgo nocallback wc_encode
#cgo noescape wc_scale_plane
#cgo nocallback wc_scale_plane
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <x264.h>

// One encoder and its input picture (I420 planes in C memory, which Go fills).
typedef struct {
	x264_t *enc;
	x264_picture_t in, out;
} wc_enc;

typedef struct {
	int width, height, fps, bitrate_kbps, vbv_kbit, gop, qmin, qmax, level, threads, sliced, fullrange;
} wc_settings;

enum { WC_OK, WC_EPRESET, WC_EPROFILE, WC_EOPEN, WC_EPICTURE, WC_ENOMEM };

static int wc_open(wc_enc **pe, const char *preset, wc_settings s) {
	x264_param_t p;
	// zerolatency: no B-frames, no lookahead, no frame-threading delay, so
	// every picture in gives its access unit out at once.
	if (x264_param_default_preset(&p, preset, "zerolatency") < 0)
		return WC_EPRESET;
	p.i_log_level = X264_LOG_ERROR;
	p.i_threads = s.threads;
	p.b_sliced_threads = s.sliced;
	p.i_width = s.width;
	p.i_height = s.height;
	p.i_csp = X264_CSP_I420;
	p.i_level_idc = s.level;
	p.b_vfr_input = 0;
	p.i_fps_num = s.fps;
	p.i_fps_den = 1;
	p.i_timebase_num = 1;
	p.i_timebase_den = s.fps;
	p.i_keyint_max = s.gop;
	p.i_scenecut_threshold = 0; // IDRs only every gop frames or when asked: predictable sizes
	p.b_repeat_headers = 1;     // SPS/PPS before every IDR: a viewer can join at any keyframe
	p.b_annexb = 1;
	p.rc.i_rc_method = X264_RC_ABR;
	p.rc.i_bitrate = s.bitrate_kbps;
	p.rc.i_vbv_max_bitrate = s.bitrate_kbps;
	p.rc.i_vbv_buffer_size = s.vbv_kbit;
	p.rc.i_qp_min = s.qmin;
	p.rc.i_qp_max = s.qmax;
	// BT.601; full range (JFIF, what TurboJPEG gives) unless the planes are
	// a YUYV camera's own video-range values (Settings.VideoRange).
	p.vui.b_fullrange = s.fullrange;
	p.vui.i_colorprim = 6; // SMPTE 170M
	p.vui.i_transfer = 6;
	p.vui.i_colmatrix = 6;
	if (x264_param_apply_profile(&p, "baseline") < 0)
		return WC_EPROFILE;
	wc_enc *e = calloc(1, sizeof *e);
	if (!e)
		return WC_ENOMEM;
	e->enc = x264_encoder_open(&p);
	if (!e->enc) {
		free(e);
		return WC_EOPEN;
	}
	if (x264_picture_alloc(&e->in, X264_CSP_I420, s.width, s.height) < 0) {
		x264_encoder_close(e->enc);
		free(e);
		return WC_EPICTURE;
	}
	x264_picture_init(&e->out);
	*pe = e;
	return WC_OK;
}

static void wc_close(wc_enc *e) {
	x264_picture_clean(&e->in);
	x264_encoder_close(e->enc);
	free(e);
}

typedef struct { uint8_t *data; int stride; } wc_plane;

static wc_plane wc_input_plane(wc_enc *e, int i) {
	wc_plane r = {e->in.img.plane[i], e->in.img.i_stride[i]};
	return r;
}

// The SPS and PPS as x264 writes them (with start codes); x264 keeps them
// until the next call on the encoder.
typedef struct { const uint8_t *sps, *pps; int sps_len, pps_len; } wc_headers;

static wc_headers wc_get_headers(wc_enc *e) {
	wc_headers r = {0};
	x264_nal_t *nals;
	int n;
	if (x264_encoder_headers(e->enc, &nals, &n) < 0)
		return r;
	for (int i = 0; i < n; i++) {
		if (nals[i].i_type == NAL_SPS) {
			r.sps = nals[i].p_payload;
			r.sps_len = nals[i].i_payload;
		} else if (nals[i].i_type == NAL_PPS) {
			r.pps = nals[i].p_payload;
			r.pps_len = nals[i].i_payload;
		}
	}
	return r;
}

// One access unit: x264 writes its NAL units back to back in its own buffer,
// valid until the next call on the encoder.
typedef struct { const uint8_t *data; int size, keyframe; } wc_au;

static wc_au wc_encode(wc_enc *e, int idr, int64_t pts) {
	x264_nal_t *nals;
	int n;
	e->in.i_type = idr ? X264_TYPE_IDR : X264_TYPE_AUTO;
	e->in.i_pts = pts;
	wc_au r = {0};
	r.size = x264_encoder_encode(e->enc, &nals, &n, &e->in, &e->out);
	if (r.size > 0) {
		r.data = nals[0].p_payload;
		r.keyframe = e->out.b_keyframe;
	}
	return r;
}

// x264's preset names end with a null; the array is static in x264.h, so
// cgo can reach it only through a function.
static const char *wc_preset_name(int i) { return x264_preset_names[i]; }

// Box (area-average) scaling of one 8-bit plane: each output pixel averages
// the source pixels under it, so downscaling does not alias; upscaling
// repeats pixels. Equal sizes are a row copy (a crop when sw, sh are less
// than the source's own size).
static void wc_scale_plane(const uint8_t *src, int sstride, int sw, int sh,
		uint8_t *dst, int dstride, int dw, int dh) {
	if (sw == dw && sh == dh) {
		for (int y = 0; y < dh; y++)
			memcpy(dst + (long)y * dstride, src + (long)y * sstride, dw);
		return;
	}
	// Halving a side (a 4:2:2, 4:4:0 or 4:4:4 JPEG's chroma to 4:2:0, or a
	// 2:1 downscale): the same averages as the general loop below, without
	// its divisions, in loops gcc vectorizes.
	if (sw == dw && sh == 2 * dh) {
		for (int y = 0; y < dh; y++) {
			const uint8_t *a = src + (long)(2 * y) * sstride, *b = a + sstride;
			uint8_t *d = dst + (long)y * dstride;
			for (int x = 0; x < dw; x++)
				d[x] = (uint8_t)((a[x] + b[x] + 1) >> 1);
		}
		return;
	}
	if (sw == 2 * dw && (sh == dh || sh == 2 * dh)) {
		int tall = sh == 2 * dh;
		for (int y = 0; y < dh; y++) {
			const uint8_t *a = src + (long)(tall ? 2 * y : y) * sstride;
			uint8_t *d = dst + (long)y * dstride;
			if (tall) {
				const uint8_t *b = a + sstride;
				for (int x = 0; x < dw; x++)
					d[x] = (uint8_t)((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) >> 2);
			} else {
				for (int x = 0; x < dw; x++)
					d[x] = (uint8_t)((a[2 * x] + a[2 * x + 1] + 1) >> 1);
			}
		}
		return;
	}
	for (int y = 0; y < dh; y++) {
		int y0 = (int)((long)y * sh / dh), y1 = (int)((long)(y + 1) * sh / dh);
		if (y1 <= y0)
			y1 = y0 + 1;
		uint8_t *d = dst + (long)y * dstride;
		for (int x = 0; x < dw; x++) {
			int x0 = (int)((long)x * sw / dw), x1 = (int)((long)(x + 1) * sw / dw);
			if (x1 <= x0)
				x1 = x0 + 1;
			uint32_t sum = 0;
			for (int yy = y0; yy < y1; yy++) {
				const uint8_t *s = src + (long)yy * sstride;
				for (int xx = x0; xx < x1; xx++)
					sum += s[xx];
			}
			uint32_t n = (uint32_t)((y1 - y0) * (x1 - x0));
			d[x] = (uint8_t)((sum + n / 2) / n);
		}
	}
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// x264Handle is a wc_enc; kept opaque so that only this file names C types.
type x264Handle = unsafe.Pointer

// x264Params are the values x264 is opened with, derived from Settings.
type x264Params struct {
	width, height, fps, bitrateKbps, vbvKbit, gop, qmin, qmax, level int
	threads                                                          int
	sliced, videoRange                                               bool
}

func openX264(preset string, p x264Params) (x264Handle, error) {
	cs := C.CString(preset)
	defer C.free(unsafe.Pointer(cs))
	sliced := 0
	if p.sliced {
		sliced = 1
	}
	fullrange := 1
	if p.videoRange {
		fullrange = 0
	}
	var e *C.wc_enc
	rc := C.wc_open(&e, cs, C.wc_settings{
		width: C.int(p.width), height: C.int(p.height), fps: C.int(p.fps),
		bitrate_kbps: C.int(p.bitrateKbps), vbv_kbit: C.int(p.vbvKbit), gop: C.int(p.gop),
		qmin: C.int(p.qmin), qmax: C.int(p.qmax), level: C.int(p.level),
		threads: C.int(p.threads), sliced: C.int(sliced), fullrange: C.int(fullrange),
	})
	switch rc {
	case C.WC_OK:
		return x264Handle(e), nil
	case C.WC_EPRESET:
		return nil, fmt.Errorf("h264: x264 refused preset %q", preset)
	case C.WC_EPROFILE:
		return nil, errors.New("h264: x264 refused profile baseline")
	case C.WC_EPICTURE:
		return nil, errors.New("h264: x264_picture_alloc failed")
	case C.WC_ENOMEM:
		return nil, errors.New("h264: out of memory")
	}
	return nil, fmt.Errorf("h264: x264_encoder_open refused %dx%d at %d fps, %d kbit/s, level %d",
		p.width, p.height, p.fps, p.bitrateKbps, p.level)
}

func closeX264(h x264Handle) { C.wc_close((*C.wc_enc)(h)) }

// inputPlane is a Go view of plane i (0 Y, 1 U, 2 V) of the encoder's input
// picture, rows rows high. It stays valid until closeX264.
func inputPlane(h x264Handle, i, rows int) (plane []byte, stride int) {
	p := C.wc_input_plane((*C.wc_enc)(h), C.int(i))
	return unsafe.Slice((*byte)(p.data), int(p.stride)*rows), int(p.stride)
}

// headers copies the SPS and PPS NAL units, start codes included.
func headers(h x264Handle) (sps, pps []byte, ok bool) {
	r := C.wc_get_headers((*C.wc_enc)(h))
	if r.sps == nil || r.pps == nil {
		return nil, nil, false
	}
	return C.GoBytes(unsafe.Pointer(r.sps), r.sps_len), C.GoBytes(unsafe.Pointer(r.pps), r.pps_len), true
}

// encodePicture encodes the input picture. data is x264's own buffer, valid
// until the next call; size < 0 is x264's failure, 0 no output.
func encodePicture(h x264Handle, idr bool, pts int64) (data []byte, keyframe bool, size int) {
	i := 0
	if idr {
		i = 1
	}
	r := C.wc_encode((*C.wc_enc)(h), C.int(i), C.int64_t(pts))
	if r.size <= 0 {
		return nil, false, int(r.size)
	}
	return unsafe.Slice((*byte)(r.data), int(r.size)), r.keyframe != 0, int(r.size)
}

// scalePlane box-scales an sw×sh region of src (rows sstride apart) into a
// dw×dh region of dst. The caller checks that both regions lie inside.
func scalePlane(src []byte, sstride, sw, sh int, dst []byte, dstride, dw, dh int) {
	C.wc_scale_plane((*C.uint8_t)(unsafe.SliceData(src)), C.int(sstride), C.int(sw), C.int(sh),
		(*C.uint8_t)(unsafe.SliceData(dst)), C.int(dstride), C.int(dw), C.int(dh))
}

// presetNames is x264's own list, in its order (fastest first).
func presetNames() []string {
	var out []string
	for i := 0; ; i++ {
		p := C.wc_preset_name(C.int(i))
		if p == nil {
			return out
		}
		out = append(out, C.GoString(p))
	}
}
