// Package rosparam holds a node's declared parameters with ROS 2 semantics:
// typed values, descriptors with ranges and read-only flags, validation that
// names the bad value and what is allowed, atomic multi-parameter sets, and
// change callbacks. It knows nothing of rcl; node/ serves it over the standard
// rcl_interfaces services and reads overrides from --ros-args.
package rosparam
