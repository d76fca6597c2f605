// Package h264dec decodes H.264 access units to 8-bit I420 pictures with
// libavcodec, for the node's H.264 sources (RTSP cameras, GStreamer
// pipelines ending in video/x-h264, .h264 files): their access units go to
// WebRTC viewers as they are, and are decoded only when someone needs
// pixels (image_raw, JPEG for image_raw/compressed and MJPEG viewers).
//
// Why libavcodec through a thin cgo layer: its H.264 decoder is maintained,
// packaged by Debian (libavcodec-dev), and the one Chromium's FFmpeg uses,
// so it meets the streams cameras and encoders really send. It runs with one
// thread and low delay: on small ARM boards the CPU per frame is what
// counts, and frame threading would hold pictures back.
//
// 4:2:0 8-bit pictures are copied plane by plane out of libavcodec's
// buffers; other layouts (4:2:2, 4:4:4, gray, 10-bit) are converted with
// libswscale. A Picture never aliases libavcodec's memory. libavcodec
// reports damaged data through av_log, whose level the program sets.
package h264dec
