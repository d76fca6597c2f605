// Package gstsample reads the buffers of a GStreamer pipeline's appsink, as
// they are: no decoding, no conversion. It exists for compressed streams
// (H.264 from an encoder or a camera) that OpenCV's GStreamer backend cannot
// hand over, and it is deliberately minimal: parse a pipeline, start it, pull
// samples, ask upstream for a key frame, stop it.
//
// The appsink is set to sync=false (deliver as soon as a buffer comes, not on
// the pipeline clock), max-buffers=2 and drop=false: a compressed stream must
// not lose buffers (a dropped H.264 P-frame corrupts the picture until the
// next IDR), so memory is bounded by letting upstream block instead.
package gstsample
