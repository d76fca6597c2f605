package calib

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// installPackage makes prefix look like an ament install prefix holding pkg,
// as colcon lays it out: an index marker and a share directory.
func installPackage(t *testing.T, prefix, pkg string) {
	t.Helper()
	index := filepath.Join(prefix, "share", "ament_index", "resource_index", "packages")
	for _, dir := range []string{index, filepath.Join(prefix, "share", pkg, "calib")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(index, pkg), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolve(t *testing.T) {
	root := t.TempDir()
	overlay, underlay := filepath.Join(root, "overlay"), filepath.Join(root, "underlay")
	installPackage(t, overlay, "my_robot")
	installPackage(t, underlay, "my_robot") // shadowed by the overlay
	installPackage(t, underlay, "base_cams")
	// A share directory without the index marker is not a package to ament.
	if err := os.MkdirAll(filepath.Join(overlay, "share", "stray", "calib"), 0o755); err != nil {
		t.Fatal(err)
	}
	prefixes := strings.Join([]string{"", filepath.Join(root, "missing"), overlay, underlay}, ":")
	env := Env{Home: "/home/ada", AmentPrefixPath: prefixes}
	withROSHome := Env{Home: "/home/ada", ROSHome: "/var/ros"}

	for _, tc := range []struct {
		name    string
		url     string
		env     Env
		want    Location
		wantErr []string
	}{
		{name: "empty uses the default under HOME", url: "", env: env,
			want: Location{URL: "file:///home/ada/.ros/camera_info/front.yaml", Scheme: "file",
				Path: "/home/ada/.ros/camera_info/front.yaml", Format: YAML, Default: true}},
		{name: "empty uses ROS_HOME when set", url: "", env: withROSHome,
			want: Location{URL: "file:///var/ros/camera_info/front.yaml", Scheme: "file",
				Path: "/var/ros/camera_info/front.yaml", Format: YAML, Default: true}},
		{name: "file URL", url: "file:///etc/cams/front.yml", env: env,
			want: Location{URL: "file:///etc/cams/front.yml", Scheme: "file", Path: "/etc/cams/front.yml", Format: YAML}},
		{name: "scheme in any case, ini", url: "FILE:///etc/cams/ost.ini", env: env,
			want: Location{URL: "FILE:///etc/cams/ost.ini", Scheme: "file", Path: "/etc/cams/ost.ini", Format: INI}},
		{name: "NAME and ROS_HOME substituted", url: "file://${ROS_HOME}/cal/${NAME}_${NAME}.yaml", env: withROSHome,
			want: Location{URL: "file:///var/ros/cal/front_front.yaml", Scheme: "file", Path: "/var/ros/cal/front_front.yaml", Format: YAML}},
		{name: "dollar without brace kept", url: "file:///cal/$HOME/a$b.yaml", env: env,
			want: Location{URL: "file:///cal/$HOME/a$b.yaml", Scheme: "file", Path: "/cal/$HOME/a$b.yaml", Format: YAML}},
		{name: "package from the first prefix that has it", url: "package://my_robot/calib/${NAME}.yaml", env: env,
			want: Location{URL: "package://my_robot/calib/front.yaml", Scheme: "package", Package: "my_robot",
				Path: filepath.Join(overlay, "share", "my_robot", "calib", "front.yaml"), Format: YAML}},
		{name: "package from a later prefix", url: "package://base_cams/calib/c.yaml", env: env,
			want: Location{URL: "package://base_cams/calib/c.yaml", Scheme: "package", Package: "base_cams",
				Path: filepath.Join(underlay, "share", "base_cams", "calib", "c.yaml"), Format: YAML}},

		{name: "unknown scheme", url: "http://cams.local/front.yaml", env: env,
			wantErr: []string{`unsupported scheme "http"`, "file:///absolute/path.yaml", "package://<package>/<path>.yaml"}},
		{name: "flash is not supported", url: "flash:///front.yaml", env: env,
			wantErr: []string{`unsupported scheme "flash"`}},
		{name: "bare path", url: "/etc/cams/front.yaml", env: env,
			wantErr: []string{`"/etc/cams/front.yaml" has no scheme`, "supported: file:///"}},
		{name: "relative file URL", url: "file://cams/front.yaml", env: env,
			wantErr: []string{"needs an absolute path", "three slashes"}},
		{name: "unknown variable", url: "file:///cal/${CAMERA}.yaml", env: env,
			wantErr: []string{"unknown variable ${CAMERA}", "${NAME} and ${ROS_HOME}"}},
		{name: "unclosed variable", url: "file:///cal/${NAME.yaml", env: env,
			wantErr: []string{`"${NAME.yaml" is not closed`}},
		{name: "no HOME for ROS_HOME", url: "", env: Env{},
			wantErr: []string{"neither ROS_HOME nor HOME is set"}},
		{name: "wrong extension", url: "file:///etc/cams/front.json", env: env,
			wantErr: []string{`extension ".json"`, "expected .yaml, .yml or .ini"}},
		{name: "package not in the index", url: "package://stray/calib/c.yaml", env: env,
			wantErr: []string{`package "stray" not found`, overlay, underlay}},
		{name: "package without a file", url: "package://my_robot/", env: env,
			wantErr: []string{`names no file inside package "my_robot"`}},
		{name: "package name missing", url: "package:///calib/c.yaml", env: env,
			wantErr: []string{`package name "" is not valid`}},
		{name: "package dot dot", url: "package://../etc/c.yaml", env: env,
			wantErr: []string{`package name ".." is not valid`}},
		{name: "AMENT_PREFIX_PATH unset", url: "package://my_robot/calib/c.yaml", env: Env{Home: "/home/ada"},
			wantErr: []string{"AMENT_PREFIX_PATH is not set"}},
		{name: "no prefix exists", url: "package://my_robot/calib/c.yaml", env: Env{AmentPrefixPath: "/nonexistent/a:/nonexistent/b"},
			wantErr: []string{"no entry of AMENT_PREFIX_PATH", "/nonexistent/a:/nonexistent/b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.url, "front", tc.env)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("accepted: %+v", got)
				}
				for _, want := range tc.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestValidateCameraName(t *testing.T) {
	for name, ok := range map[string]bool{
		"front": true, "Cam_01": true, "08144361026320a0": true,
		"": false, "front camera": false, "left/cam": false, "cam-1": false, "kamera_ü": false, "../x": false,
	} {
		if err := ValidateCameraName(name); (err == nil) != ok {
			t.Errorf("ValidateCameraName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestLocationWritable(t *testing.T) {
	if err := (Location{Scheme: "file"}).Writable(); err != nil {
		t.Errorf("file location not writable: %v", err)
	}
	err := (Location{Scheme: "package", Package: "my_robot", URL: "package://my_robot/c.yaml"}).Writable()
	if err == nil || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "file:// URL") {
		t.Errorf("package location: %v, want a read-only error suggesting file://", err)
	}
}
