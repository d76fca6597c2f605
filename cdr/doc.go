// Package cdr serializes the few ROS 2 messages webcam publishes
// (sensor_msgs Image, CompressedImage, CameraInfo and diagnostic_msgs
// DiagnosticArray) to the bytes rmw puts on the wire, so the node can hand
// them to rcl_publish_serialized_message (rclgo's PublishSerialized) instead
// of building rclgo's C message structs, which copy uint8[] one byte at a time.
//
// The format is OMG CDR as ROS 2 uses it (XCDR1, little-endian): a 4-byte
// encapsulation header 00 01 00 00, then the fields in declaration order,
// each primitive aligned to its own size (8 for float64) counted from the end
// of that header; strings are a uint32 length that includes a NUL, the bytes
// and the NUL; sequences a uint32 count and the elements; fixed arrays the
// elements only. Encoders write zero padding.
//
// Encoding appends to a caller's buffer (AppendCDR), sized once with Size,
// so a publisher that reuses its buffer allocates nothing per frame and copies
// the pixels once (or not at all: Image.AppendCDRReserving leaves the pixel
// region for the caller to fill, e.g. straight from a conversion). Decoders check every length against the input, accept any
// padding values (Fast DDS leaves them uninitialized) and return a
// *DecodeError naming the message, field and offset; they never panic.
//
// Strings follow ROS's C type support: encoding stops at the first NUL byte
// (rclpy publishes "a\x00b" as "a"), and decoding does the same.
//
// This package knows nothing of rclgo, cgo or capture.
package cdr
