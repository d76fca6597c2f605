package calib

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"webcam/atomicfile"
)

// Format is a calibration file format.
type Format int

// The formats camera_calibration_parsers reads and writes.
const (
	YAML Format = iota + 1 // .yaml, .yml
	INI                    // .ini (Videre)
)

func (f Format) String() string {
	switch f {
	case YAML:
		return "YAML"
	case INI:
		return "INI"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatOf picks the format by file extension, as camera_calibration_parsers
// does (here without regard to case).
func FormatOf(path string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".yaml", ".yml":
		return YAML, nil
	case ".ini":
		return INI, nil
	default:
		return 0, fmt.Errorf("calibration file %q has extension %q; expected .yaml, .yml or .ini", path, ext)
	}
}

// Decode parses data in format f. notes are as for Parse.
func Decode(data []byte, f Format) (info CameraInfo, notes []string, err error) {
	switch f {
	case YAML:
		return Parse(data)
	case INI:
		info, err = ParseINI(data)
		return info, nil, err
	}
	return CameraInfo{}, nil, fmt.Errorf("unknown calibration format %v", f)
}

// Encode renders info in format f.
func Encode(info CameraInfo, f Format) ([]byte, error) {
	switch f {
	case YAML:
		return Marshal(info)
	case INI:
		return MarshalINI(info)
	}
	return nil, fmt.Errorf("unknown calibration format %v", f)
}

// maxFileSize bounds what ReadFile reads: a calibration is under 2 KiB, so
// anything near this is the wrong file.
const maxFileSize = 1 << 20

// ReadFile reads a calibration file in the format its extension names.
// A missing file gives an error that matches fs.ErrNotExist; a malformed one
// an error naming the file, line, field and what was expected.
func ReadFile(path string) (info CameraInfo, notes []string, err error) {
	f, err := FormatOf(path)
	if err != nil {
		return CameraInfo{}, nil, err
	}
	file, err := os.Open(path)
	if err != nil {
		return CameraInfo{}, nil, err // *fs.PathError already names the file
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxFileSize+1))
	if err != nil {
		return CameraInfo{}, nil, fmt.Errorf("reading calibration file %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return CameraInfo{}, nil, fmt.Errorf("calibration file %s is larger than %d bytes; a calibration is a few hundred bytes", path, maxFileSize)
	}
	info, notes, err = Decode(data, f)
	if err != nil {
		return CameraInfo{}, nil, fmt.Errorf("calibration file %s: %w", path, err)
	}
	return info, notes, nil
}

// WriteFile stores info at path in the format its extension names,
// atomically: readers see the old file or the new one, never a part of
// one, and a failed write leaves the old file as it was. Missing
// directories are created.
func WriteFile(path string, info CameraInfo) error {
	f, err := FormatOf(path)
	if err != nil {
		return err
	}
	data, err := Encode(info, f)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data)
}

// keepBackup copies the calibration file at path, if there is one, to
// path+".bak" (atomically, replacing an older backup) before it is
// overwritten.
func keepBackup(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		// Nothing to keep: the first calibration, or a path the write will
		// fail on anyway, with the better message.
		return nil
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s exists and is not a regular file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the previous calibration to keep it: %w", err)
	}
	if err := atomicfile.Write(path+".bak", data); err != nil {
		return fmt.Errorf("keeping the previous calibration as %s.bak: %w", path, err)
	}
	return nil
}
