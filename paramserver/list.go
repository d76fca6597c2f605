package paramserver

import (
	"slices"
	"strings"
)

// paramSeparator separates the levels of a parameter name ("qos_overrides.
// /cam/image_raw.publisher.depth" has four), as in rclcpp.
const paramSeparator = "."

// listParameters answers rcl_interfaces/ListParameters the way rclcpp's
// NodeParameters::list_parameters does, for names sorted as rclcpp's
// std::map keeps them:
//
//   - no prefixes and depth 0 (DEPTH_RECURSIVE): every name;
//   - no prefixes and depth d: names with fewer than d separators;
//   - prefixes: a name equal to a prefix, or under "prefix." with fewer
//     than depth separators after it (any number when depth is 0).
//
// prefixes lists, in order of first appearance, the part of each returned
// name before its last separator.
func listParameters(sorted, prefixes []string, depth uint64) (names, outPrefixes []string) {
	names, outPrefixes = []string{}, []string{}
	recursive := len(prefixes) == 0 && depth == 0
	fewerSeparators := func(s string) bool {
		return uint64(strings.Count(s, paramSeparator)) < depth
	}
	for _, name := range sorted {
		if !recursive && !(len(prefixes) == 0 && fewerSeparators(name)) {
			if !slices.ContainsFunc(prefixes, func(p string) bool {
				switch {
				case name == p:
					return true
				case strings.HasPrefix(name, p+paramSeparator):
					return depth == 0 || fewerSeparators(name[len(p)+1:])
				}
				return false
			}) {
				continue
			}
		}
		names = append(names, name)
		if i := strings.LastIndex(name, paramSeparator); i >= 0 && !slices.Contains(outPrefixes, name[:i]) {
			outPrefixes = append(outPrefixes, name[:i])
		}
	}
	return names, outPrefixes
}
