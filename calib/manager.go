package calib

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Manager keeps one camera's calibration, as camera_info_manager does for a
// ROS camera driver: Load reads the camera_info_url, InfoFor hands each
// frame the CameraInfo to publish, Save serves set_camera_info.
//
// InfoFor may be called from any number of goroutines while Load or Save
// runs in another; it never blocks and never sees a half-updated value.
type Manager struct {
	name string
	env  Env
	log  *slog.Logger

	mu  sync.Mutex            // serializes Load and Save
	cur atomic.Pointer[state] // replaced whole, never modified in place
}

// state is one snapshot: where calibrations are stored and which is in use.
type state struct {
	url    string      // camera_info_url as configured
	loc    Location    // its resolution, when urlErr is nil
	urlErr error       // why url cannot be used
	info   *CameraInfo // the calibration in use; nil means uncalibrated

	warnedSize atomic.Uint64                // frame size (w<<32|h) last warned about for info; 0x0 frames never occur
	message    atomic.Pointer[sizedMessage] // MessageFor's cache for this snapshot
}

var errNotLoaded = errors.New("no camera_info_url has been loaded yet")

// NewManager returns a Manager for the camera called cameraName (letters,
// digits and '_', since it names the default calibration file). Until Load
// runs, InfoFor gives uncalibrated CameraInfos and Save fails. log nil means
// slog.Default().
func NewManager(cameraName string, env Env, log *slog.Logger) (*Manager, error) {
	if err := ValidateCameraName(cameraName); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	m := &Manager{name: cameraName, env: env, log: log}
	m.cur.Store(&state{urlErr: errNotLoaded})
	return m, nil
}

// CameraName is the name calibrations are stored under.
func (m *Manager) CameraName() string { return m.name }

// Resolve resolves url for this camera without loading it, to validate a
// camera_info_url before accepting it.
func (m *Manager) Resolve(url string) (Location, error) { return Resolve(url, m.name, m.env) }

// Load makes url the camera_info_url and its calibration the one in use.
// Whatever happens, afterwards InfoFor has something to publish: the file's
// calibration, or an uncalibrated CameraInfo when there is none or it is
// unusable. Load logs each outcome at camera_info_manager's level (no
// default file: info; explicit file missing: warning; bad URL or malformed
// file: error). The error it returns is for the caller's decisions (a
// parameter callback, a status report) and need not be logged again; it is
// nil when a calibration was loaded or the default file does not exist yet.
//
// The URL stays in force even when it has no file yet, so that Save can
// create the file: that is how a camera is calibrated for the first time.
func (m *Manager) Load(url string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	loc, err := Resolve(url, m.name, m.env)
	if err != nil {
		m.log.Error("camera_info_url cannot be used; publishing uncalibrated camera_info", "error", err)
		m.cur.Store(&state{url: url, urlErr: err})
		return err
	}
	next := &state{url: url, loc: loc}
	defer func() { m.cur.Store(next) }()
	if loc.Default {
		m.log.Info("camera_info_url not set, using the default", "url", loc.URL)
	} else {
		m.log.Info("camera calibration URL", "url", loc.URL, "file", loc.Path)
	}

	info, notes, err := ReadFile(loc.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && loc.Default:
		m.log.Info("no camera calibration yet, publishing uncalibrated camera_info; "+
			"calibrating with ROS's camera_calibration (set_camera_info) creates the file", "file", loc.Path)
		return nil
	case errors.Is(err, fs.ErrNotExist):
		m.log.Warn("camera calibration file not found, publishing uncalibrated camera_info", "file", loc.Path)
		return fmt.Errorf("camera calibration file %s not found: %w", loc.Path, err)
	case err != nil:
		m.log.Error("camera calibration file cannot be used, publishing uncalibrated camera_info", "error", err)
		return err
	}
	for _, note := range notes {
		m.log.Warn("camera calibration: "+note, "file", loc.Path)
	}
	if info.CameraName != m.name {
		m.log.Warn(fmt.Sprintf("camera name %q does not match %q in the calibration file", m.name, info.CameraName), "file", loc.Path)
	}
	if !info.IsCalibrated() {
		m.log.Warn("calibration file has a zero camera_matrix; the image pipeline will treat the camera as uncalibrated", "file", loc.Path)
	}
	m.log.Info("loaded camera calibration", "file", loc.Path,
		"size", fmt.Sprintf("%dx%d", info.Width, info.Height), "distortion_model", info.DistortionModel)
	next.info = &info
	return nil
}

// InfoFor returns the CameraInfo to publish with a frame of width×height:
// the calibration in use, or Uncalibrated(width, height). A calibration
// made at another size is returned unchanged, as camera_info_manager does,
// with one warning per size (the image pipeline would misplace every pixel
// with it, but the user may be about to fix that). The result is a copy the
// caller may keep.
func (m *Manager) InfoFor(width, height uint32) CameraInfo {
	st := m.cur.Load()
	if st.info == nil {
		return Uncalibrated(width, height)
	}
	if st.info.Width != width || st.info.Height != height {
		key := uint64(width)<<32 | uint64(height)
		if st.warnedSize.Swap(key) != key {
			m.log.Warn(fmt.Sprintf("camera calibration is for %dx%d but frames are %dx%d; publishing it anyway. "+
				"Calibrate at %dx%d or point camera_info_url at a calibration for that size",
				st.info.Width, st.info.Height, width, height, width, height))
		}
	}
	return st.info.Clone()
}

// Current returns the calibration in use (loaded from the file or set
// through Save) and true, or false when there is none and InfoFor gives
// uncalibrated CameraInfos.
func (m *Manager) Current() (CameraInfo, bool) {
	st := m.cur.Load()
	if st.info == nil {
		return CameraInfo{}, false
	}
	return st.info.Clone(), true
}

// Location is where the current camera_info_url points, or why it cannot
// be used.
func (m *Manager) Location() (Location, error) {
	st := m.cur.Load()
	return st.loc, st.urlErr
}

// Save serves set_camera_info: info becomes the calibration in use from the
// next InfoFor, and is stored at the camera_info_url under this camera's
// name, atomically (see WriteFile). As in camera_info_manager, info stays in
// use even when it cannot be stored; the error then says why (a package://
// URL, which is read-only; an unusable URL; a write that failed), for the
// service's status_message. A calibration the image pipeline could not use
// (see CheckUsable: a zero size, a K that is no camera matrix, a D that does
// not fit its model, non-finite numbers) is refused outright, with the reason,
// and leaves the previous one in use and its file untouched.
//
// A file that is overwritten is kept first as <file>.bak (one generation), so
// a mistaken calibration can be undone by hand; if the backup cannot be
// written, the file is not overwritten either.
func (m *Manager) Save(info CameraInfo) error {
	if err := info.CheckUsable(); err != nil {
		return fmt.Errorf("calibration refused: %w", err)
	}
	info = info.Clone()
	info.CameraName = m.name
	if _, known := usualCoefficients[info.DistortionModel]; !known {
		m.log.Warn(fmt.Sprintf("new camera calibration: distortion_model %q is not one image_geometry can rectify with (%s, %s, %s)",
			info.DistortionModel, PlumbBob, RationalPolynomial, Equidistant))
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.cur.Load()
	m.cur.Store(&state{url: st.url, loc: st.loc, urlErr: st.urlErr, info: &info})
	m.log.Info("new camera calibration in use", "size", fmt.Sprintf("%dx%d", info.Width, info.Height),
		"distortion_model", info.DistortionModel)

	err := st.urlErr
	if err == nil {
		err = st.loc.Writable()
	}
	if err == nil {
		err = keepBackup(st.loc.Path)
	}
	if err == nil {
		err = WriteFile(st.loc.Path, info)
	}
	if err != nil {
		err = fmt.Errorf("calibration in use but not stored: %w", err)
		m.log.Error(err.Error())
		return err
	}
	m.log.Info("stored camera calibration", "file", st.loc.Path)
	return nil
}
