// Package node is the camera node: it declares the camera's parameters (each
// named once, in ParamSpecs, with the group that applies a change live),
// publishes image_raw, image_raw/compressed and camera_info from the newest
// captured frame (each topic on its own, only while it has subscribers),
// applies parameter changes (reopening the source and rolling back when it
// refuses), sets camera controls, serves calibration, publishes
// /diagnostics, and runs the web viewer with the ROS graph's other image
// topics. Its ROS plumbing is rclx and paramserver; its source is any
// Source (stream.Runner).
package node
