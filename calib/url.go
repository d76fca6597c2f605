package calib

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultURL is camera_info_manager's URL for an empty camera_info_url.
const DefaultURL = "file://${ROS_HOME}/camera_info/${NAME}.yaml"

// supportedURLs is the list every URL error ends with.
const supportedURLs = `supported: file:///absolute/path.yaml, package://<package>/<path>.yaml, ` +
	`or "" for ` + DefaultURL + ` (.yaml, .yml or .ini; ${NAME} and ${ROS_HOME} are substituted)`

// Env is the part of the process environment that URL resolution reads.
// Tests build one by hand; a node uses OSEnv.
type Env struct {
	Home            string // HOME
	ROSHome         string // ROS_HOME; empty means $HOME/.ros
	AmentPrefixPath string // AMENT_PREFIX_PATH, colon-separated install prefixes
}

// OSEnv reads Env from the process environment.
func OSEnv() Env {
	return Env{
		Home:            os.Getenv("HOME"),
		ROSHome:         os.Getenv("ROS_HOME"),
		AmentPrefixPath: os.Getenv("AMENT_PREFIX_PATH"),
	}
}

// Location is a camera_info_url resolved to a local file.
type Location struct {
	URL     string // the URL after ${...} substitution (DefaultURL's expansion when none was given)
	Scheme  string // "file" or "package"
	Package string // the ROS package of a package:// URL
	Path    string // the file the URL names
	Format  Format // by the file's extension
	Default bool   // no URL was configured, so this is camera_info_manager's default
}

// Writable returns nil when Save may write to l, or the reason it may not.
func (l Location) Writable() error {
	if l.Scheme == "package" {
		return fmt.Errorf("%s is read-only: package:// URLs name files installed with package %q, "+
			"which a rebuild or reinstall replaces; set camera_info_url to a file:// URL to store calibrations", l.URL, l.Package)
	}
	return nil
}

// ValidateCameraName applies camera_info_manager's rule for camera names,
// which become file names through ${NAME}: letters, digits and '_' only.
func ValidateCameraName(name string) error {
	if name == "" {
		return errors.New("camera name is empty; it must be letters, digits and '_' (it names the calibration file)")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return fmt.Errorf("camera name %q contains %q; it may hold only letters, digits and '_' (it names the calibration file)", name, r)
		}
	}
	return nil
}

// Resolve turns a camera_info_url into the file it names, following
// camera_info_manager: an empty URL means DefaultURL; ${NAME} becomes
// cameraName and ${ROS_HOME} becomes env.ROSHome, else env.Home + "/.ros";
// schemes are matched without regard to case; package://<pkg>/<path> is
// <prefix>/share/<pkg>/<path> for the first prefix in AMENT_PREFIX_PATH
// whose ament index lists <pkg>. It does not check that the file exists.
func Resolve(url, cameraName string, env Env) (Location, error) {
	loc := Location{Default: url == ""}
	if loc.Default {
		url = DefaultURL
	}
	expanded, err := expand(url, cameraName, env)
	if err != nil {
		return Location{}, fmt.Errorf("camera_info_url %q: %w", url, err)
	}
	loc.URL = expanded
	switch lower := strings.ToLower(expanded); {
	case strings.HasPrefix(lower, "file://"):
		loc.Scheme = "file"
		loc.Path = expanded[len("file://"):]
		if !strings.HasPrefix(loc.Path, "/") {
			return Location{}, fmt.Errorf("camera_info_url %q: a file URL needs an absolute path, file:///dir/cam.yaml (three slashes); %s", expanded, supportedURLs)
		}
		loc.Path = filepath.Clean(loc.Path)
	case strings.HasPrefix(lower, "package://"):
		loc.Scheme = "package"
		if loc.Package, loc.Path, err = packageFile(expanded[len("package://"):], env); err != nil {
			return Location{}, fmt.Errorf("camera_info_url %q: %w", expanded, err)
		}
	default:
		scheme, _, found := strings.Cut(expanded, "://")
		if !found {
			return Location{}, fmt.Errorf("camera_info_url %q has no scheme; %s", expanded, supportedURLs)
		}
		return Location{}, fmt.Errorf("camera_info_url %q: unsupported scheme %q; %s", expanded, scheme, supportedURLs)
	}
	if loc.Format, err = FormatOf(loc.Path); err != nil {
		return Location{}, fmt.Errorf("camera_info_url %q: %w", expanded, err)
	}
	return loc, nil
}

// expand substitutes ${NAME} and ${ROS_HOME}. A '$' not followed by '{' is
// kept, as camera_info_manager keeps it; an unknown ${...} is an error here,
// where camera_info_manager would log it and carry on with a path that
// cannot exist.
func expand(url, cameraName string, env Env) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(url, "${")
		if i < 0 {
			b.WriteString(url)
			return b.String(), nil
		}
		b.WriteString(url[:i])
		end := strings.IndexByte(url[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("%q is not closed with '}'; variables are ${NAME} and ${ROS_HOME}", url[i:])
		}
		switch name := url[i+2 : i+end]; name {
		case "NAME":
			b.WriteString(cameraName)
		case "ROS_HOME":
			home, err := rosHome(env)
			if err != nil {
				return "", err
			}
			b.WriteString(home)
		default:
			return "", fmt.Errorf("unknown variable ${%s}; variables are ${NAME} and ${ROS_HOME}", name)
		}
		url = url[i+end+1:]
	}
}

// rosHome is ROS_HOME, else $HOME/.ros, as in camera_info_manager.
func rosHome(env Env) (string, error) {
	switch {
	case env.ROSHome != "":
		return env.ROSHome, nil
	case env.Home != "":
		return strings.TrimSuffix(env.Home, "/") + "/.ros", nil
	}
	return "", errors.New("cannot substitute ${ROS_HOME}: neither ROS_HOME nor HOME is set")
}

// packageFile finds <pkg>/<path> the way ament_index_cpp's
// get_package_share_directory does: the first existing prefix of
// AMENT_PREFIX_PATH holding share/ament_index/resource_index/packages/<pkg>.
func packageFile(rest string, env Env) (pkg, path string, err error) {
	pkg, rel, _ := strings.Cut(rest, "/")
	switch {
	case pkg == "" || pkg == "." || pkg == "..":
		return "", "", fmt.Errorf("package name %q is not valid; expected package://<package>/<path>", pkg)
	case rel == "":
		return "", "", fmt.Errorf("names no file inside package %q; expected package://%s/<path>", pkg, pkg)
	case env.AmentPrefixPath == "":
		return "", "", fmt.Errorf("cannot find package %q: AMENT_PREFIX_PATH is not set (source the ROS 2 workspace that installs it)", pkg)
	}
	var searched []string
	for _, prefix := range strings.Split(env.AmentPrefixPath, ":") {
		if prefix == "" {
			continue
		}
		if fi, err := os.Stat(prefix); err != nil || !fi.IsDir() {
			continue // ament skips prefixes that are not directories
		}
		searched = append(searched, prefix)
		marker := filepath.Join(prefix, "share", "ament_index", "resource_index", "packages", pkg)
		if fi, err := os.Stat(marker); err == nil && !fi.IsDir() {
			return pkg, filepath.Join(prefix, "share", pkg, rel), nil
		}
	}
	if len(searched) == 0 {
		return "", "", fmt.Errorf("cannot find package %q: no entry of AMENT_PREFIX_PATH %q is an existing directory", pkg, env.AmentPrefixPath)
	}
	return "", "", fmt.Errorf("package %q not found in the ament index of AMENT_PREFIX_PATH (searched %s)",
		pkg, strings.Join(searched, ", "))
}
