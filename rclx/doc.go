// Package rclx holds every cgo call of webcam_node and every reach into rcl
// below rclgo: the command line parsed once by rcl, the node's rcl handle
// (the one place rclgo is reached into, guarded by TestNodeHandle), name
// resolution by rcl_node_resolve_name, parameter overrides read from the
// context's global arguments, publishers that send CDR written in place,
// on-demand subscriptions on wait sets of their own, the slog bridge to rcl
// logging, and Fast DDS's default profile.
//
// rcl keeps its error state per thread: each rcl call whose error text is
// read runs with its read on one locked OS thread (call) or inside one C
// function (the per-frame calls), so a message is never lost to a thread
// switch.
package rclx
