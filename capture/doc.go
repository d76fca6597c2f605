// Package capture turns cameras (v4l2://), video files (file://), raw YUYV
// files (rawfile://), GStreamer pipelines (gst:), network streams and a
// built-in test pattern into Frames, behind one small Source interface;
// faulty:// wraps any of them to inject failures, corrupt frames or fake
// camera controls for tests.
//
// A Frame is the one value that flows from capture to every consumer (ROS
// topics, HTTP viewers). It is immutable once handed on; conversions of it
// (decoded pixels, JPEG at a given quality and size) are computed at most once
// per frame and shared, however many consumers ask.
//
// Sources that opt in (the test pattern, raw files) take Data from a
// BufferPool instead of allocating a buffer per frame: such a frame counts its
// holders (Retain, Release) and its buffer is recycled after the last
// Release. Other frames are GC-managed and Retain/Release do nothing, so
// every consumer holds a reference while it reads a frame's Data.
//
// JPEG work goes through libjpeg-turbo (package jpeg): a decode writes the
// pixels once, into the caller's buffer (Frame.PixelsInto), and YUYV is
// encoded with no RGB round trip. This package knows nothing of ROS or HTTP.
package capture
