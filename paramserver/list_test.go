package paramserver

import (
	"slices"
	"testing"
)

// The expectations follow rclcpp's NodeParameters::list_parameters, worked
// by hand for this sorted set of names.
var listNames = []string{
	"a",
	"a.b",
	"a.b.c",
	"a.b.c.d",
	"ab",
	"b.x",
	"qos_overrides./cam/image_raw.publisher.depth",
	"qos_overrides./cam/image_raw.publisher.reliability",
}

func TestListParametersLikeRclcpp(t *testing.T) {
	cases := []struct {
		name         string
		prefixes     []string
		depth        uint64
		wantNames    []string
		wantPrefixes []string
	}{
		{"everything: no prefixes, DEPTH_RECURSIVE", nil, 0, listNames,
			[]string{"a", "a.b", "a.b.c", "b", "qos_overrides./cam/image_raw.publisher"}},
		{"depth 1: top-level names only", nil, 1, []string{"a", "ab"}, []string{}},
		{"depth 2: one separator at most", nil, 2, []string{"a", "a.b", "ab", "b.x"}, []string{"a", "b"}},
		{"prefix a, recursive: a itself and all under a. (not ab)", []string{"a"}, 0,
			[]string{"a", "a.b", "a.b.c", "a.b.c.d"}, []string{"a", "a.b", "a.b.c"}},
		{"prefix a, depth 1: direct children", []string{"a"}, 1, []string{"a", "a.b"}, []string{"a"}},
		{"prefix a, depth 2", []string{"a"}, 2, []string{"a", "a.b", "a.b.c"}, []string{"a", "a.b"}},
		{"prefix a.b, depth 1", []string{"a.b"}, 1, []string{"a.b", "a.b.c"}, []string{"a", "a.b"}},
		{"two prefixes", []string{"b", "ab"}, 0, []string{"ab", "b.x"}, []string{"b"}},
		{"qos prefix with slashes and dots", []string{"qos_overrides./cam/image_raw.publisher"}, 1,
			[]string{"qos_overrides./cam/image_raw.publisher.depth", "qos_overrides./cam/image_raw.publisher.reliability"},
			[]string{"qos_overrides./cam/image_raw.publisher"}},
		{"prefix matching nothing", []string{"zzz"}, 0, []string{}, []string{}},
		{"prefix that is a partial token", []string{"qos"}, 0, []string{}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			names, prefixes := listParameters(listNames, c.prefixes, c.depth)
			if !slices.Equal(names, c.wantNames) {
				t.Errorf("names = %q, want %q", names, c.wantNames)
			}
			if !slices.Equal(prefixes, c.wantPrefixes) {
				t.Errorf("prefixes = %q, want %q", prefixes, c.wantPrefixes)
			}
		})
	}
}

func TestListParametersNeverNil(t *testing.T) {
	names, prefixes := listParameters(nil, nil, 0)
	if names == nil || prefixes == nil {
		t.Fatal("empty results must be empty lists, not nil")
	}
}
