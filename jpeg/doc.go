// Package jpeg encodes and decodes camera frames with libjpeg-turbo's
// TurboJPEG API through a thin cgo wrapper.
//
// Why TurboJPEG directly rather than gocv (OpenCV's imdecode/imencode): on
// this project's machines OpenCV's decode costs 4–5× what libjpeg-turbo's own
// decompressor does for the same frame, and it decodes into a Mat that must be
// converted and copied again. A Decoder writes the pixels straight into the
// caller's buffer — the outgoing message's data — in rgb8, bgr8 or mono8. An
// Encoder compresses rgb8, bgr8 and mono8 as they are, and YUYV/UYVY as planar
// 4:2:2, so a YUYV camera's frames never go through RGB.
//
// Why not an existing Go binding: the ones found (pixiv/go-libjpeg,
// bmharper/turbo) return freshly allocated images and byte slices per call;
// a camera node needs decode into a given buffer and encode into a kept one,
// with no allocation and no new pages per frame. Neither is served by the
// Go module proxy this project builds from (proxy.golang.org: 403).
//
// Every Decoder and Encoder holds one TurboJPEG handle and its buffers, reused
// call after call; neither is safe for concurrent use. Damaged input (a
// truncated frame from a camera, garbage from the network) returns an error
// the caller can count; it never crashes the process.
package jpeg
