// Package atomicfile replaces a file so that readers see the old content or
// the new, never a mix, and a failed write leaves the old file as it was:
// write a temporary file beside it, flush it to disk, rename it over the
// target. Calibration files (set_camera_info) and the Fast DDS profile are
// written this way.
package atomicfile
