package jpeg

// All cgo lives in this file: the rest of the package sees TurboJPEG through
// the small Go functions below, which take and return Go types only.

/*
#cgo pkg-config: libturbojpeg
// -O3: gcc vectorizes the 4:2:2 deinterleave loop only from -O3 (-O2 leaves it scalar).
#cgo CFLAGS: -O3
#cgo noescape wc_header
#cgo nocallback wc_header
#cgo noescape wc_decompress
#cgo nocallback wc_decompress
#cgo noescape wc_compress
#cgo nocallback wc_compress
#cgo noescape wc_split_packed422
#cgo nocallback wc_split_packed422
#cgo noescape wc_split_packed420
#cgo nocallback wc_split_packed420
#cgo noescape wc_decompress_yuv
#cgo nocallback wc_decompress_yuv
#cgo noescape wc_encode_yuv
#cgo nocallback wc_encode_yuv
#cgo noescape wc_compress_yuv
#cgo nocallback wc_compress_yuv
#cgo noescape wc_decode_yuv
#cgo nocallback wc_decode_yuv
#cgo noescape wc_remap
#cgo nocallback wc_remap
#include <string.h>
#include <turbojpeg.h>

// Out-parameters are returned in a struct by value: taking the address of a
// Go local for C would move it to the heap, one allocation per call.
typedef struct { int rc, width, height, subsamp, colorspace; } wc_hdr;

static wc_hdr wc_header(tjhandle h, const unsigned char *buf, unsigned long n) {
	wc_hdr r = {0};
	r.rc = tjDecompressHeader3(h, buf, n, &r.width, &r.height, &r.subsamp, &r.colorspace);
	return r;
}

static int wc_decompress(tjhandle h, const unsigned char *buf, unsigned long n,
		unsigned char *dst, int width, int pitch, int height, int pf, int flags) {
	return tjDecompress2(h, buf, n, dst, width, pitch, height, pf, flags);
}

// The caller guarantees out holds tjBufSize(width, height, subsamp) bytes:
// with TJFLAG_NOREALLOC the library writes there and never allocates.
// The pointer to the buffer is a C local, so no Go memory holds a Go pointer.
static long wc_compress(tjhandle h, const unsigned char *src, int width, int pitch,
		int height, int pf, unsigned char *out, unsigned long outCap,
		int subsamp, int quality, int flags) {
	unsigned char *buf = out;
	unsigned long size = outCap;
	if (tjCompress2(h, src, width, pitch, height, pf, &buf, &size, subsamp, quality,
			flags | TJFLAG_NOREALLOC) != 0)
		return -1;
	return (long)size;
}

// Splits one packed 4:2:2 row (two pixels per four bytes) into planes. Inlined
// with constant offsets, so each layout gets its own loop gcc can vectorize.
static inline __attribute__((always_inline)) void wc_split422(
		const unsigned char *restrict p, int pairs, unsigned char *restrict y,
		unsigned char *restrict u, unsigned char *restrict v,
		const int y0, const int uo, const int y1, const int vo) {
	for (int i = 0; i < pairs; i++) {
		y[2*i] = p[4*i + y0];
		u[i] = p[4*i + uo];
		y[2*i + 1] = p[4*i + y1];
		v[i] = p[4*i + vo];
	}
}

// Deinterleaves YUYV (uyvy == 0) or UYVY into planar 4:2:2: y of width×height,
// u and v of width/2×height. width is even.
static void wc_split_packed422(const unsigned char *src, int width, int pitch,
		int height, int uyvy, unsigned char *y, unsigned char *u, unsigned char *v) {
	int pairs = width / 2;
	for (int r = 0; r < height; r++) {
		const unsigned char *p = src + (long)r * pitch;
		unsigned char *yr = y + (long)r * width;
		unsigned char *ur = u + (long)r * pairs, *vr = v + (long)r * pairs;
		if (uyvy)
			wc_split422(p, pairs, yr, ur, vr, 1, 0, 3, 2);
		else
			wc_split422(p, pairs, yr, ur, vr, 0, 1, 2, 3);
	}
}

// Averages the chroma of two split rows into one (rounding up, as libjpeg's
// own downsampler does on average), a loop gcc vectorizes.
static void wc_average_rows(unsigned char *restrict dst, const unsigned char *restrict a,
		const unsigned char *restrict b, int n) {
	for (int i = 0; i < n; i++)
		dst[i] = (unsigned char)((a[i] + b[i] + 1) >> 1);
}

// Deinterleaves YUYV or UYVY into planar 4:2:0: y of width×height, u and v of
// width/2×ceil(height/2), each chroma row the average of two camera rows (an
// odd last row stands alone). The 4:2:2 split runs two rows at a time, its
// chroma going to tmp (2×width bytes: two u rows, then two v rows).
static void wc_split_packed420(const unsigned char *src, int width, int pitch,
		int height, int uyvy, unsigned char *y, unsigned char *u, unsigned char *v,
		unsigned char *tmp) {
	int pairs = width / 2;
	unsigned char *us = tmp, *vs = tmp + 2 * pairs;
	for (int r = 0; r < height; r += 2) {
		int rows = r + 1 < height ? 2 : 1;
		wc_split_packed422(src + (long)r * pitch, width, pitch, rows, uyvy, y + (long)r * width, us, vs);
		unsigned char *ur = u + (long)(r / 2) * pairs, *vr = v + (long)(r / 2) * pairs;
		if (rows == 1) {
			memcpy(ur, us, pairs);
			memcpy(vr, vs, pairs);
			continue;
		}
		wc_average_rows(ur, us, us + pairs, pairs);
		wc_average_rows(vr, vs, vs + pairs, pairs);
	}
}

// Decompresses into three planes (one for grayscale: u and v unused) at the
// given, possibly scaled, size; each plane's stride is its own width.
static int wc_decompress_yuv(tjhandle h, const unsigned char *buf, unsigned long n,
		unsigned char *y, unsigned char *u, unsigned char *v, int width, int height,
		int ys, int cs, int flags) {
	unsigned char *planes[3] = {y, u, v};
	int strides[3] = {ys, cs, cs};
	return tjDecompressToYUVPlanes(h, buf, n, planes, width, strides, height, flags);
}

// Converts packed RGB/BGR/gray pixels into YCbCr planes at subsamp (SIMD).
static int wc_encode_yuv(tjhandle h, const unsigned char *src, int width, int pitch,
		int height, int pf, unsigned char *y, unsigned char *u, unsigned char *v,
		int ys, int cs, int subsamp, int flags) {
	unsigned char *planes[3] = {y, u, v};
	int strides[3] = {ys, cs, cs};
	return tjEncodeYUVPlanes(h, src, width, pitch, height, pf, planes, strides, subsamp, flags);
}

// Compresses planar YCbCr with the given plane strides: a split camera
// frame's planes (the camera's own chroma, no RGB round trip) or a video
// decoder's I420 (chroma rows of an odd-width picture are (width+1)/2 wide).
static long wc_compress_yuv(tjhandle h, const unsigned char *y,
		const unsigned char *u, const unsigned char *v, int width, int height,
		int ys, int cs, int subsamp, unsigned char *out, unsigned long outCap,
		int quality, int flags) {
	const unsigned char *planes[3] = {y, u, v};
	int strides[3] = {ys, cs, cs};
	unsigned char *buf = out;
	unsigned long size = outCap;
	if (tjCompressFromYUVPlanes(h, planes, width, strides, height, subsamp, &buf,
			&size, quality, flags | TJFLAG_NOREALLOC) != 0)
		return -1;
	return (long)size;
}

// Converts YCbCr planes (JFIF: full range, BT.601) into packed pixels (SIMD).
static int wc_decode_yuv(tjhandle h, const unsigned char *y, const unsigned char *u,
		const unsigned char *v, int ys, int cs, int subsamp, unsigned char *dst,
		int width, int pitch, int height, int pf, int flags) {
	const unsigned char *planes[3] = {y, u, v};
	int strides[3] = {ys, cs, cs};
	return tjDecodeYUVPlanes(h, planes, strides, subsamp, dst, width, pitch, height, pf, flags);
}

// dst[i] = lut[src[i]]: a video-range plane stretched to full range.
static void wc_remap(const unsigned char *restrict src, unsigned char *restrict dst,
		long n, const unsigned char *restrict lut) {
	for (long i = 0; i < n; i++)
		dst[i] = lut[src[i]];
}
*/
import "C"

import "unsafe"

// handle is a tjhandle; kept as unsafe.Pointer so that only this file names C types.
type handle = unsafe.Pointer

func initDecompress() handle { return handle(C.tjInitDecompress()) }
func initCompress() handle   { return handle(C.tjInitCompress()) }
func destroy(h handle)       { C.tjDestroy(C.tjhandle(h)) }

// lastError reads the handle's own error message and whether it was only a
// warning (TJERR_WARNING: damaged data the library could step over).
func lastError(h handle) (msg string, warning bool) {
	return C.GoString(C.tjGetErrorStr2(C.tjhandle(h))),
		C.tjGetErrorCode(C.tjhandle(h)) == C.TJERR_WARNING
}

func ptr(b []byte) *C.uchar { return (*C.uchar)(unsafe.Pointer(unsafe.SliceData(b))) }

type header struct{ width, height, subsamp int }

func decompressHeader(h handle, jpeg []byte) (header, bool) {
	r := C.wc_header(C.tjhandle(h), ptr(jpeg), C.ulong(len(jpeg)))
	return header{int(r.width), int(r.height), int(r.subsamp)}, r.rc == 0
}

func decompress(h handle, jpeg, dst []byte, width, pitch, height int, pf pixelFormat, flags int) bool {
	return C.wc_decompress(C.tjhandle(h), ptr(jpeg), C.ulong(len(jpeg)), ptr(dst),
		C.int(width), C.int(pitch), C.int(height), C.int(pf), C.int(flags)) == 0
}

// compress writes into out, which must hold bufSize(width, height, subsamp) bytes.
func compress(h handle, src []byte, width, pitch, height int, pf pixelFormat, out []byte, subsamp, quality, flags int) (int, bool) {
	n := C.wc_compress(C.tjhandle(h), ptr(src), C.int(width), C.int(pitch), C.int(height),
		C.int(pf), ptr(out), C.ulong(len(out)), C.int(subsamp), C.int(quality), C.int(flags))
	return int(n), n >= 0
}

// splitPacked422 deinterleaves YUYV or UYVY: width even, src checked by the
// caller, y of width*height bytes, u and v of width/2*height.
func splitPacked422(src []byte, width, pitch, height int, uyvy bool, y, u, v []byte) {
	var isUYVY C.int
	if uyvy {
		isUYVY = 1
	}
	C.wc_split_packed422(ptr(src), C.int(width), C.int(pitch), C.int(height), isUYVY,
		ptr(y), ptr(u), ptr(v))
}

// splitPacked420 deinterleaves YUYV or UYVY into planar 4:2:0: y of
// width*height bytes, u and v of width/2*ceil(height/2), tmp of 2*width.
func splitPacked420(src []byte, width, pitch, height int, uyvy bool, y, u, v, tmp []byte) {
	var isUYVY C.int
	if uyvy {
		isUYVY = 1
	}
	C.wc_split_packed420(ptr(src), C.int(width), C.int(pitch), C.int(height), isUYVY,
		ptr(y), ptr(u), ptr(v), ptr(tmp))
}

// compressPlanes compresses the planes a split leaves, at subsamp (tjSamp422
// or tjSamp420): tight rows, chroma width/2 wide; out as for compress.
func compressPlanes(h handle, y, u, v []byte, width, height, subsamp int, out []byte, quality, flags int) (int, bool) {
	return compressYUV(h, y, u, v, width, height, width, width/2, subsamp, out, quality, flags)
}

// decompressYUV decodes into planes already sized by the caller (planeWidth,
// planeHeight); width and height 0 mean the JPEG's own size.
func decompressYUV(h handle, jpeg, y, u, v []byte, width, height, ys, cs, flags int) bool {
	return C.wc_decompress_yuv(C.tjhandle(h), ptr(jpeg), C.ulong(len(jpeg)), ptr(y), ptr(u), ptr(v),
		C.int(width), C.int(height), C.int(ys), C.int(cs), C.int(flags)) == 0
}

// encodeYUV converts src into planes already sized by the caller.
func encodeYUV(h handle, src []byte, width, pitch, height int, pf pixelFormat, y, u, v []byte, ys, cs, subsamp, flags int) bool {
	return C.wc_encode_yuv(C.tjhandle(h), ptr(src), C.int(width), C.int(pitch), C.int(height), C.int(pf),
		ptr(y), ptr(u), ptr(v), C.int(ys), C.int(cs), C.int(subsamp), C.int(flags)) == 0
}

// compressYUV compresses planes with explicit strides; out as for compress.
func compressYUV(h handle, y, u, v []byte, width, height, ys, cs, subsamp int, out []byte, quality, flags int) (int, bool) {
	n := C.wc_compress_yuv(C.tjhandle(h), ptr(y), ptr(u), ptr(v), C.int(width), C.int(height),
		C.int(ys), C.int(cs), C.int(subsamp), ptr(out), C.ulong(len(out)), C.int(quality), C.int(flags))
	return int(n), n >= 0
}

// decodeYUV converts planes into packed pixels.
func decodeYUV(h handle, y, u, v []byte, ys, cs, subsamp int, dst []byte, width, pitch, height int, pf pixelFormat, flags int) bool {
	return C.wc_decode_yuv(C.tjhandle(h), ptr(y), ptr(u), ptr(v), C.int(ys), C.int(cs), C.int(subsamp),
		ptr(dst), C.int(width), C.int(pitch), C.int(height), C.int(pf), C.int(flags)) == 0
}

// remap writes lut[src[i]] to dst[i]; dst is at least as long as src.
func remap(src, dst []byte, lut *[256]byte) {
	if len(src) == 0 {
		return
	}
	C.wc_remap(ptr(src), ptr(dst), C.long(len(src)), (*C.uchar)(unsafe.Pointer(&lut[0])))
}

// planeWidth and planeHeight are TurboJPEG's plane sizes: component 0 is Y,
// 1 and 2 are chroma (rounded up for odd sizes).
func planeWidth(component, width, subsamp int) int {
	return int(C.tjPlaneWidth(C.int(component), C.int(width), C.int(subsamp)))
}

func planeHeight(component, height, subsamp int) int {
	return int(C.tjPlaneHeight(C.int(component), C.int(height), C.int(subsamp)))
}

// scalingFactors lists the num/denom pairs TurboJPEG can decode at.
func scalingFactors() [][2]int {
	var n C.int
	sf := C.tjGetScalingFactors(&n)
	out := make([][2]int, int(n))
	for i, f := range unsafe.Slice(sf, int(n)) {
		out[i] = [2]int{int(f.num), int(f.denom)}
	}
	return out
}

// bufSize is TurboJPEG's worst-case JPEG size for an image, what
// TJFLAG_NOREALLOC requires the output buffer to hold.
func bufSize(width, height, subsamp int) int {
	return int(C.tjBufSize(C.int(width), C.int(height), C.int(subsamp)))
}

// TurboJPEG's constants, named once for the Go side.
type pixelFormat int

const (
	pfRGB  pixelFormat = C.TJPF_RGB
	pfBGR  pixelFormat = C.TJPF_BGR
	pfGray pixelFormat = C.TJPF_GRAY
)

const (
	tjSamp444  = C.TJSAMP_444
	tjSamp422  = C.TJSAMP_422
	tjSamp420  = C.TJSAMP_420
	tjSampGray = C.TJSAMP_GRAY
	tjSamp440  = C.TJSAMP_440
	tjSamp411  = C.TJSAMP_411

	flagFastUpsample  = C.TJFLAG_FASTUPSAMPLE
	flagFastDCT       = C.TJFLAG_FASTDCT
	flagAccurateDCT   = C.TJFLAG_ACCURATEDCT
	flagStopOnWarning = C.TJFLAG_STOPONWARNING
	flagLimitScans    = C.TJFLAG_LIMITSCANS
)
