package h264dec

// All cgo lives in this file: libavcodec and libswscale behind a few small C
// helpers that take and return plain values. The rest of the package sees Go
// types only, and no C pointer is kept in Go memory except the opaque handle.

/*
#cgo pkg-config: libavcodec libavutil libswscale
#cgo noescape wc_decode
#cgo nocallback wc_decode
#cgo noescape wc_take_picture
#cgo nocallback wc_take_picture
#include <errno.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

// One decoder: the codec context, a packet and a frame reused for every
// access unit, the padded input buffer and the cached converter.
typedef struct {
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVFrame *frame;
	// libavcodec may read up to AV_INPUT_BUFFER_PADDING_SIZE bytes past a
	// packet's end, so the access unit is copied here, zero padding after it.
	uint8_t *in;
	unsigned int in_size;
	struct SwsContext *sws;
	int sws_w, sws_h, sws_fmt, sws_full;
} wc_dec;

enum { WC_ENOCODEC = 1, WC_ENOMEM = 2 };

static void wc_close(wc_dec *d) {
	sws_freeContext(d->sws);
	av_frame_free(&d->frame);
	av_packet_free(&d->pkt);
	avcodec_free_context(&d->ctx);
	av_freep(&d->in);
	av_free(d);
}

// Returns 0, WC_ENOCODEC, WC_ENOMEM or avcodec_open2's AVERROR.
static int wc_open(wc_dec **pd) {
	const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
	if (!codec)
		return WC_ENOCODEC;
	wc_dec *d = av_mallocz(sizeof *d);
	if (!d)
		return WC_ENOMEM;
	d->ctx = avcodec_alloc_context3(codec);
	d->pkt = av_packet_alloc();
	d->frame = av_frame_alloc();
	if (!d->ctx || !d->pkt || !d->frame) {
		wc_close(d);
		return WC_ENOMEM;
	}
	// Low delay: a picture out as soon as its access unit is in, unless the
	// SPS declares reordering. One thread and no frame threading: frame
	// threads would hold pictures back, and CPU per frame is what counts.
	d->ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
	// No pictures decoded from missing references (after a join or Reset):
	// output resumes at an IDR or a recovery point. This is the default;
	// spelled out because Reset relies on it.
	d->ctx->flags &= ~AV_CODEC_FLAG_OUTPUT_CORRUPT;
	d->ctx->flags2 &= ~AV_CODEC_FLAG2_SHOW_ALL;
	d->ctx->thread_count = 1;
	d->ctx->thread_type = 0;
	int rc = avcodec_open2(d->ctx, codec, NULL);
	if (rc < 0) {
		wc_close(d);
		return rc;
	}
	*pd = d;
	return 0;
}

// What one call left: rc < 0 is libavcodec's AVERROR; got says d->frame
// holds a picture (width × height, an AVPixelFormat), which the caller must
// take with wc_take_picture before the next call.
typedef struct { int rc, got, width, height, format, full; } wc_result;

static int wc_full_range(const AVFrame *f) {
	return f->color_range == AVCOL_RANGE_JPEG || f->format == AV_PIX_FMT_YUVJ420P ||
		f->format == AV_PIX_FMT_YUVJ422P || f->format == AV_PIX_FMT_YUVJ444P;
}

static wc_result wc_received(wc_dec *d, int rc) {
	wc_result r = {0};
	if (rc == 0) {
		r.got = 1;
		r.width = d->frame->width;
		r.height = d->frame->height;
		r.format = d->frame->format;
		r.full = wc_full_range(d->frame);
	} else if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) {
		r.rc = rc;
	}
	return r;
}

// Feeds one access unit (n > 0) and receives the picture it completes, if
// any. H.264 gives at most one picture per packet, so a picture is never
// left waiting; should send still say EAGAIN (output pending), the pending
// picture is dropped so the access unit is not.
static wc_result wc_decode(wc_dec *d, const uint8_t *au, int n) {
	wc_result r = {0};
	av_fast_padded_malloc(&d->in, &d->in_size, (size_t)n);
	if (!d->in) {
		r.rc = AVERROR(ENOMEM);
		return r;
	}
	memcpy(d->in, au, (size_t)n);
	d->pkt->data = d->in;
	d->pkt->size = n;
	int rc = avcodec_send_packet(d->ctx, d->pkt);
	if (rc == AVERROR(EAGAIN)) {
		while (avcodec_receive_frame(d->ctx, d->frame) == 0)
			av_frame_unref(d->frame);
		rc = avcodec_send_packet(d->ctx, d->pkt);
	}
	d->pkt->data = NULL;
	d->pkt->size = 0;
	if (rc < 0) {
		r.rc = rc;
		return r;
	}
	return wc_received(d, avcodec_receive_frame(d->ctx, d->frame));
}

// Starts draining (end of stream): wc_next_drained then gives the held
// pictures one by one until got is 0.
static int wc_drain(wc_dec *d) { return avcodec_send_packet(d->ctx, NULL); }

static wc_result wc_next_drained(wc_dec *d) {
	return wc_received(d, avcodec_receive_frame(d->ctx, d->frame));
}

// Pictures with more pixels are refused (ff_get_buffer checks each one).
static void wc_set_max_pixels(wc_dec *d, int64_t n) { d->ctx->max_pixels = n; }

// Drops every reference and held picture; parameter sets are kept.
static void wc_flush(wc_dec *d) {
	av_frame_unref(d->frame);
	avcodec_flush_buffers(d->ctx);
}

static void wc_copy_plane(uint8_t *dst, int w, int h, const uint8_t *src, int stride) {
	for (int y = 0; y < h; y++)
		memcpy(dst + (long)y * w, src + (long)y * stride, (size_t)w);
}

// Converts d->frame to 8-bit I420 in dst with the range kept as it is. The
// converter is cached while size, format and range stay the same.
static int wc_convert(wc_dec *d, uint8_t *planes[3], int strides[3]) {
	AVFrame *f = d->frame;
	int full = wc_full_range(f);
	if (!d->sws || d->sws_w != f->width || d->sws_h != f->height || d->sws_fmt != f->format || d->sws_full != full) {
		sws_freeContext(d->sws);
		d->sws = sws_getContext(f->width, f->height, f->format, f->width, f->height,
			AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL, NULL, NULL);
		if (!d->sws)
			return AVERROR(EINVAL);
		const int *coefs = sws_getCoefficients(SWS_CS_DEFAULT);
		sws_setColorspaceDetails(d->sws, coefs, full, coefs, full, 0, 1 << 16, 1 << 16);
		d->sws_w = f->width;
		d->sws_h = f->height;
		d->sws_fmt = f->format;
		d->sws_full = full;
	}
	int rows = sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
	return rows == f->height ? 0 : AVERROR(EINVAL);
}

// Copies d->frame into dst as packed I420 (dst holds its I420 size) and
// releases the frame, so nothing handed to Go aliases libavcodec's buffers.
static int wc_take_picture(wc_dec *d, uint8_t *dst) {
	AVFrame *f = d->frame;
	int w = f->width, h = f->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
	uint8_t *planes[3] = {dst, dst + (long)w * h, dst + (long)w * h + (long)cw * ch};
	int strides[3] = {w, cw, cw};
	int rc = 0;
	if (f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_YUVJ420P) {
		wc_copy_plane(planes[0], w, h, f->data[0], f->linesize[0]);
		wc_copy_plane(planes[1], cw, ch, f->data[1], f->linesize[1]);
		wc_copy_plane(planes[2], cw, ch, f->data[2], f->linesize[2]);
	} else {
		rc = wc_convert(d, planes, strides);
	}
	av_frame_unref(f);
	return rc;
}

*/
import "C"

import (
	"errors"
	"unsafe"
)

// handle is a wc_dec; kept opaque so that only this file names C types.
type handle = unsafe.Pointer

func openDecoder() (handle, error) {
	var d *C.wc_dec
	switch rc := C.wc_open(&d); {
	case rc == 0:
		return handle(d), nil
	case rc == C.WC_ENOCODEC:
		return nil, errors.New("h264dec: libavcodec has no H.264 decoder")
	case rc == C.WC_ENOMEM:
		return nil, errors.New("h264dec: out of memory")
	default:
		return nil, errors.New("h264dec: opening the decoder: " + avError(int(rc)))
	}
}

// maxAccessUnit keeps the size and its padding within a C int.
const maxAccessUnit = 1<<31 - 1 - C.AV_INPUT_BUFFER_PADDING_SIZE

func closeDecoder(h handle) { C.wc_close((*C.wc_dec)(h)) }

// result is a wc_result: what libavcodec did with one access unit.
type result struct {
	err           int // an AVERROR, 0 if none
	got           bool
	width, height int
	format        int // an AVPixelFormat
	fullRange     bool
}

func toResult(r C.wc_result) result {
	return result{err: int(r.rc), got: r.got != 0, width: int(r.width), height: int(r.height), format: int(r.format), fullRange: r.full != 0}
}

// decode feeds one access unit (not empty, at most maxAccessUnit bytes); if
// got, takePicture copies the picture out (the next call releases it anyway).
func decode(h handle, au []byte) result {
	return toResult(C.wc_decode((*C.wc_dec)(h), (*C.uint8_t)(unsafe.SliceData(au)), C.int(len(au))))
}

// drain starts end of stream; nextDrained then gives the held pictures.
func drain(h handle) int          { return int(C.wc_drain((*C.wc_dec)(h))) }
func nextDrained(h handle) result { return toResult(C.wc_next_drained((*C.wc_dec)(h))) }
func flush(h handle)              { C.wc_flush((*C.wc_dec)(h)) }

func setMaxPixels(h handle, n int) { C.wc_set_max_pixels((*C.wc_dec)(h), C.int64_t(n)) }

// pixelFormatName is libavutil's name for an AVPixelFormat.
func pixelFormatName(format int) string {
	return C.GoString(C.av_get_pix_fmt_name(C.enum_AVPixelFormat(format)))
}

// takePicture copies the received picture into dst, which holds exactly its
// I420 size, and releases it. The error is an AVERROR from the converter.
func takePicture(h handle, dst []byte) int {
	return int(C.wc_take_picture((*C.wc_dec)(h), (*C.uint8_t)(unsafe.SliceData(dst))))
}

// avError is libavcodec's text for an AVERROR code.
func avError(code int) string {
	var buf [C.AV_ERROR_MAX_STRING_SIZE]C.char
	C.av_strerror(C.int(code), &buf[0], C.size_t(len(buf)))
	return C.GoString(&buf[0])
}
