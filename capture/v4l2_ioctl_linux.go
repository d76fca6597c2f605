//go:build linux

package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
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

type v4l2QueryMenu struct {
	ID    uint32
	Index uint32
	Name  [32]byte // union: the entry's name, or an integer menu's int64 value
	_     uint32
}

type v4l2Control struct {
	ID    uint32
	Value int32
}

const (
	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

var (
	vidiocQueryCap           = ioc(iocRead, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocEnumFmt            = ioc(iocRead|iocWrite, 2, unsafe.Sizeof(v4l2FmtDesc{}))
	vidiocGCtrl              = ioc(iocRead|iocWrite, 27, unsafe.Sizeof(v4l2Control{}))
	vidiocSCtrl              = ioc(iocRead|iocWrite, 28, unsafe.Sizeof(v4l2Control{}))
	vidiocQueryCtrl          = ioc(iocRead|iocWrite, 36, unsafe.Sizeof(v4l2QueryCtrl{}))
	vidiocQueryMenu          = ioc(iocRead|iocWrite, 37, unsafe.Sizeof(v4l2QueryMenu{}))
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

	v4l2CtrlFlagDisabled  = 0x0001
	v4l2CtrlFlagGrabbed   = 0x0002
	v4l2CtrlFlagReadOnly  = 0x0004
	v4l2CtrlFlagInactive  = 0x0010
	v4l2CtrlFlagWriteOnly = 0x0040
	v4l2CtrlFlagNextCtrl  = 0x80000000

	v4l2CtrlTypeInteger     = 1
	v4l2CtrlTypeBoolean     = 2
	v4l2CtrlTypeMenu        = 3
	v4l2CtrlTypeIntegerMenu = 9
)

// controlTypes are the V4L2 control types a parameter can hold; the others
// (buttons, class headings, strings, 64-bit integers, bitmasks, compound
// controls) are skipped (see ControlDescriber).
var controlTypes = map[uint32]ControlType{
	v4l2CtrlTypeInteger:     ControlInteger,
	v4l2CtrlTypeBoolean:     ControlBoolean,
	v4l2CtrlTypeMenu:        ControlMenu,
	v4l2CtrlTypeIntegerMenu: ControlIntegerMenu,
}

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

// enumControls lists every control of the device that a parameter can
// hold (controlTypes), of every class, with its current value and menu
// entries. Disabled controls are left out.
func enumControls(fd int) []ControlInfo {
	var out []ControlInfo
	id := uint32(v4l2CtrlFlagNextCtrl)
	for range 4 * maxEnum {
		q := v4l2QueryCtrl{ID: id}
		if ioctl(fd, vidiocQueryCtrl, unsafe.Pointer(&q)) != nil {
			break
		}
		id = q.ID | v4l2CtrlFlagNextCtrl
		if _, ok := controlTypes[q.Type]; !ok || q.Flags&v4l2CtrlFlagDisabled != 0 {
			continue
		}
		out = append(out, describeControl(fd, &q))
	}
	return out
}

// queryControl describes one control by ID; ok is false if the device lacks it.
func queryControl(fd int, id uint32) (ControlInfo, bool) {
	q := v4l2QueryCtrl{ID: id}
	if ioctl(fd, vidiocQueryCtrl, unsafe.Pointer(&q)) != nil || q.Flags&v4l2CtrlFlagDisabled != 0 {
		return ControlInfo{}, false
	}
	return describeControl(fd, &q), true
}

// describeControl completes what VIDIOC_QUERYCTRL said with the current
// value (VIDIOC_G_CTRL; the default for a write-only control) and a menu's
// entries (VIDIOC_QUERYMENU, which refuses the values a menu skips).
func describeControl(fd int, q *v4l2QueryCtrl) ControlInfo {
	c := q.info()
	if q.Flags&v4l2CtrlFlagWriteOnly == 0 {
		if v, err := getControl(fd, q.ID); err == nil {
			c.Value = v
		}
	}
	if !c.Type.IsMenu() {
		return c
	}
	for i := q.Minimum; i <= q.Maximum && i-q.Minimum < maxEnum; i++ {
		m := v4l2QueryMenu{ID: q.ID, Index: uint32(i)}
		if ioctl(fd, vidiocQueryMenu, unsafe.Pointer(&m)) != nil {
			continue
		}
		name := cString(m.Name[:])
		if c.Type == ControlIntegerMenu {
			name = fmt.Sprint(int64(binary.NativeEndian.Uint64(m.Name[:8])))
		}
		c.Entries = append(c.Entries, MenuEntry{Value: int64(i), Name: name})
	}
	return c
}

func getControl(fd int, id uint32) (int, error) {
	c := v4l2Control{ID: id}
	err := ioctl(fd, vidiocGCtrl, unsafe.Pointer(&c))
	return int(c.Value), err
}

// setControl sets a control; the driver may clamp the value (read it back).
func setControl(fd int, id uint32, v int) error {
	c := v4l2Control{ID: id, Value: int32(v)}
	return ioctl(fd, vidiocSCtrl, unsafe.Pointer(&c))
}

func (q *v4l2QueryCtrl) info() ControlInfo {
	return ControlInfo{
		ID: q.ID, Name: cString(q.Name[:]), Type: controlTypes[q.Type], Min: int(q.Minimum), Max: int(q.Maximum),
		Step: int(q.Step), Default: int(q.DefaultValue), Value: int(q.DefaultValue),
		ReadOnly: q.Flags&v4l2CtrlFlagReadOnly != 0, Inactive: q.Flags&v4l2CtrlFlagInactive != 0,
		Disabled: q.Flags&v4l2CtrlFlagDisabled != 0, Grabbed: q.Flags&v4l2CtrlFlagGrabbed != 0,
	}
}
