// Package node is the ROS 2 side of webcam: it declares the parameters, reads
// them from --ros-args, opens the capture source through stream.Runner, and
// publishes image_raw, image_raw/compressed and camera_info with rclgo, doing
// per-topic work only while the topic has subscribers.
package node
