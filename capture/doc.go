// Package capture turns cameras, files, GStreamer pipelines, network streams
// and a built-in test pattern into Frames, behind one small Source interface.
//
// A Frame is the one value that flows from capture to every consumer (ROS
// topics, HTTP viewers). It is immutable once handed on; conversions of it
// (decoded pixels, JPEG at a given quality and size) are computed at most once
// per frame and shared, however many consumers ask.
//
// This package knows nothing of ROS or HTTP.
package capture
