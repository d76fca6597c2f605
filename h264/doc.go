// Package h264 encodes camera frames to H.264 with libx264, for WebRTC and
// web_video_server's type=h264 stream: constrained baseline (every browser
// decodes it), Annex-B access units, SPS and PPS before every IDR.
//
// Why x264 through a thin cgo layer: it is the reference H.264 encoder,
// maintained and packaged by Debian (libx264-dev); its zerolatency tuning
// gives one access unit out per picture in, with no B-frames and no
// lookahead; and only cgo lets the frame's planes be written straight into
// x264's input picture, with no copy and no allocation per frame beyond the
// access unit handed to the caller.
//
// Input is every capture.Frame format the node produces. JPEG is decoded to
// YCbCr planes with TurboJPEG (package jpeg), never through RGB, and at a
// TurboJPEG scaling factor when that gives the encoder's size exactly;
// rgb8 and bgr8 go through TurboJPEG's SIMD colour conversion; mono8 and the
// packed 4:2:2 formats are converted by small loops here. A frame larger or
// smaller than the encoder is box-scaled.
//
// Rate control is x264's ABR with a VBV of VBVFrames frame intervals, so a
// live stream keeps to its bitrate frame by frame. An Encoder is not safe for
// concurrent use; its Stats are.
package h264
