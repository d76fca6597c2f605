// Package paramserver is a ROS 2 parameter server for any Go node on rclgo,
// compatible with rclcpp's: the six parameter services (list, get, set,
// set atomically, describe, get types) under the node's name,
// /parameter_events with new_parameters at start and changed_parameters per
// accepted batch, descriptors with ranges and read-only flags, the
// standard use_sim_time, and rclcpp's qos_overrides parameters. Values,
// validation and live-apply hooks live in a rosparam.Table; this package
// only puts it on the ROS graph.
package paramserver
