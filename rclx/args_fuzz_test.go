package rclx

import "testing"

// FuzzParamArg gives rcl's command-line parser and its YAML value parser any
// -p value, as `webcam_node --ros-args -p name:=<value>` would: ParseArgs
// and then ParamOverrides for the node. Nothing may panic or crash in C;
// either may refuse (with an error), and what is accepted gives at most the
// one parameter named. Seeds: testdata/fuzz/FuzzParamArg (small: each
// input is two trips through rcl).
func FuzzParamArg(f *testing.F) {
	f.Fuzz(func(t *testing.T, value string) {
		args, err := ParseArgs([]string{"--ros-args", "-p", "name:=" + value})
		if err != nil {
			return
		}
		overrides, err := args.ParamOverrides("/webcam")
		if err != nil {
			return
		}
		for n := range overrides {
			if n != "name" {
				t.Fatalf("-p name:=%q gave parameter %q (all: %v)", value, n, overrides)
			}
		}
	})
}
