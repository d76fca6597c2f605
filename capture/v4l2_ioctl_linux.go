//go:build linux

package capture

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The V4L2 structures and requests we use, laid out as in linux/videodev2.h
// (sizes are checked in tests against the kernel header values).

type v4l2Capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

type v4l2FmtDesc struct {
	Index       uint32
	Type        uint32
	Flags       uint32
	Description [32]byte
	PixelFormat uint32
	MbusCode    uint32
	Reserved    [3]uint32
}

type v4l2FrmSizeEnum struct {
	Index       uint32
	PixelFormat uint32
	Type        uint32
	// union: discrete {width, height} or stepwise {min_w, max_w, step_w, min_h, max_h, step_h}
	U        [6]uint32
	Reserved [2]uint32
}

type v4l2FrmIvalEnum struct {
	Index       uint32
	PixelFormat uint32
	Width       uint32
	Height      uint32
	Type        uint32
	// union: discrete {num, den} or stepwise {min, max, step} fractions
	U        [6]uint32
	Reserved [2]uint32
}

type v4l2QueryCtrl struct {
	ID           uint32
	Type         uint32
	Name         [32]byte
	Minimum      int32
	Maximum      int32
	Step         int32
	DefaultValue int32
	Flags        uint32
	Reserved     [2]uint32
}

const (
	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

var (
	vidiocQueryCap           = ioc(iocRead, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocEnumFmt            = ioc(iocRead|iocWrite, 2, unsafe.Sizeof(v4l2FmtDesc{}))
	vidiocQueryCtrl          = ioc(iocRead|iocWrite, 36, unsafe.Sizeof(v4l2QueryCtrl{}))
	vidiocEnumFrameSizes     = ioc(iocRead|iocWrite, 74, unsafe.Sizeof(v4l2FrmSizeEnum{}))
	vidiocEnumFrameIntervals = ioc(iocRead|iocWrite, 75, unsafe.Sizeof(v4l2FrmIvalEnum{}))
)

const (
	v4l2BufTypeVideoCapture = 1

	v4l2CapVideoCapture       = 0x00000001
	v4l2CapVideoOutput        = 0x00000002
	v4l2CapVideoCaptureMplane = 0x00001000
	v4l2CapMetaCapture        = 0x00800000
	v4l2CapDeviceCaps         = 0x80000000

	v4l2FmtFlagCompressed = 0x1
	v4l2FmtFlagEmulated   = 0x2

	v4l2FrmSizeTypeDiscrete = 1
	v4l2FrmIvalTypeDiscrete = 1

	v4l2CtrlFlagDisabled = 0x0001
	v4l2CtrlFlagReadOnly = 0x0004
	v4l2CtrlFlagInactive = 0x0010
	v4l2CtrlFlagNextCtrl = 0x80000000
	v4l2CtrlTypeMenu     = 3
	v4l2CtrlClassMask    = 0x0fff0000
	v4l2CtrlClassUser    = 0x00980000
	v4l2CtrlClassCamera  = 0x009a0000
)

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		switch errno {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return errno
	}
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// openV4L2 opens a device node for queries only; V4L2 allows this while
// another handle streams.
func openV4L2(path string) (int, error) {
	return unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
}

func queryCap(fd int) (v4l2Capability, error) {
	var c v4l2Capability
	err := ioctl(fd, vidiocQueryCap, unsafe.Pointer(&c))
	return c, err
}

// maxEnum bounds every enumeration, against a driver that never reports the
// end of a list.
const maxEnum = 256

// enumFormats lists the capture formats, with their sizes and rates.
func enumFormats(fd int) ([]FormatInfo, error) {
	var out []FormatInfo
	for i := uint32(0); i < maxEnum; i++ {
		d := v4l2FmtDesc{Index: i, Type: v4l2BufTypeVideoCapture}
		if err := ioctl(fd, vidiocEnumFmt, unsafe.Pointer(&d)); err != nil {
			if errors.Is(err, unix.EINVAL) {
				return out, nil
			}
			return out, err
		}
		f := FormatInfo{
			FourCC:      fourccString(d.PixelFormat),
			Description: cString(d.Description[:]),
			Compressed:  d.Flags&v4l2FmtFlagCompressed != 0,
			Emulated:    d.Flags&v4l2FmtFlagEmulated != 0,
		}
		if cf, ok := cameraFormatForFourCC(f.FourCC); ok {
			f.Name = cf.Name
		}
		f.Sizes, f.SizeRange = enumSizes(fd, d.PixelFormat)
		out = append(out, f)
	}
	return out, nil
}

func enumSizes(fd int, pixfmt uint32) ([]FrameSize, *SizeRange) {
	var sizes []FrameSize
	for i := uint32(0); i < maxEnum; i++ {
		s := v4l2FrmSizeEnum{Index: i, PixelFormat: pixfmt}
		if ioctl(fd, vidiocEnumFrameSizes, unsafe.Pointer(&s)) != nil {
			return sizes, nil
		}
		if s.Type != v4l2FrmSizeTypeDiscrete {
			u := s.U
			r := &SizeRange{MinWidth: int(u[0]), MaxWidth: int(u[1]), StepWidth: int(u[2]),
				MinHeight: int(u[3]), MaxHeight: int(u[4]), StepHeight: int(u[5])}
			r.FPS, r.FPSIsRange = enumRates(fd, pixfmt, u[1], u[4])
			return nil, r
		}
		w, h := s.U[0], s.U[1]
		rates, ranged := enumRates(fd, pixfmt, w, h)
		sizes = append(sizes, FrameSize{Width: int(w), Height: int(h), FPS: rates, FPSIsRange: ranged})
	}
	return sizes, nil
}

// enumRates lists the discrete frame rates at a size; for a stepwise range
// (ranged) it gives the fastest and slowest rate.
func enumRates(fd int, pixfmt, w, h uint32) (rates []float64, ranged bool) {
	for i := uint32(0); i < maxEnum; i++ {
		iv := v4l2FrmIvalEnum{Index: i, PixelFormat: pixfmt, Width: w, Height: h}
		if ioctl(fd, vidiocEnumFrameIntervals, unsafe.Pointer(&iv)) != nil {
			break
		}
		if iv.Type != v4l2FrmIvalTypeDiscrete {
			// min interval = fastest rate, max interval = slowest
			return appendRate(appendRate(nil, iv.U[0], iv.U[1]), iv.U[2], iv.U[3]), true
		}
		rates = appendRate(rates, iv.U[0], iv.U[1])
	}
	return rates, false
}

func appendRate(rates []float64, num, den uint32) []float64 {
	if num == 0 {
		return rates
	}
	return append(rates, float64(den)/float64(num))
}

// enumControls lists the user and camera class controls the device has.
func enumControls(fd int) []ControlInfo {
	var out []ControlInfo
	id := uint32(v4l2CtrlFlagNextCtrl)
	for range 4 * maxEnum {
		q := v4l2QueryCtrl{ID: id}
		if ioctl(fd, vidiocQueryCtrl, unsafe.Pointer(&q)) != nil {
			break
		}
		id = q.ID | v4l2CtrlFlagNextCtrl
		class := q.ID & v4l2CtrlClassMask
		if q.Flags&v4l2CtrlFlagDisabled != 0 || (class != v4l2CtrlClassUser && class != v4l2CtrlClassCamera) {
			continue
		}
		if q.Type == 6 { // V4L2_CTRL_TYPE_CTRL_CLASS: a heading, not a control
			continue
		}
		out = append(out, q.info())
	}
	return out
}

// queryControl describes one control by ID; ok is false if the device lacks it.
func queryControl(fd int, id uint32) (ControlInfo, bool) {
	q := v4l2QueryCtrl{ID: id}
	if ioctl(fd, vidiocQueryCtrl, unsafe.Pointer(&q)) != nil || q.Flags&v4l2CtrlFlagDisabled != 0 {
		return ControlInfo{}, false
	}
	return q.info(), true
}

func (q *v4l2QueryCtrl) info() ControlInfo {
	return ControlInfo{
		ID: q.ID, Name: cString(q.Name[:]), Min: int(q.Minimum), Max: int(q.Maximum),
		Step: int(q.Step), Default: int(q.DefaultValue), Menu: q.Type == v4l2CtrlTypeMenu,
		ReadOnly: q.Flags&v4l2CtrlFlagReadOnly != 0, Inactive: q.Flags&v4l2CtrlFlagInactive != 0,
	}
}
