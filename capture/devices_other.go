//go:build !linux

package capture

import "errors"

// ListDevices needs V4L2, which only Linux has.
func ListDevices() ([]DeviceInfo, error) {
	return nil, errors.New("listing cameras needs V4L2, which only Linux has")
}
