package cdr

// RegionOfInterest is sensor_msgs/msg/RegionOfInterest.
type RegionOfInterest struct {
	XOffset   uint32
	YOffset   uint32
	Height    uint32
	Width     uint32
	DoRectify bool
}

// CameraInfo is sensor_msgs/msg/CameraInfo. The matrices are row-major.
type CameraInfo struct {
	Header          Header
	Height          uint32
	Width           uint32
	DistortionModel string    // "plumb_bob", "rational_polynomial", "equidistant", …
	D               []float64 // distortion parameters; 5 for plumb_bob, 8 for rational_polynomial
	K               [9]float64
	R               [9]float64
	P               [12]float64
	BinningX        uint32
	BinningY        uint32
	ROI             RegionOfInterest
}

const cameraInfoType = "sensor_msgs/msg/CameraInfo"

// TypeName implements Message.
func (*CameraInfo) TypeName() string { return cameraInfoType }

func (m *CameraInfo) size() (int, error) {
	s := sizer{msg: cameraInfoType}
	s.header(&m.Header)
	s.u32()
	s.u32()
	s.str("distortion_model", m.DistortionModel)
	s.seq("d", len(m.D))
	s.f64s(len(m.D))
	s.f64s(len(m.K) + len(m.R) + len(m.P))
	s.u32()
	s.u32()
	for range 4 {
		s.u32()
	}
	s.u8()
	return s.total(), s.err
}

// Size implements Message.
func (m *CameraInfo) Size() int {
	n, _ := m.size()
	return n
}

// AppendCDR implements Message.
func (m *CameraInfo) AppendCDR(dst []byte) ([]byte, error) {
	n, err := m.size()
	if err != nil {
		return dst, err
	}
	w := newWriter(dst, n)
	w.header(&m.Header)
	w.u32(m.Height)
	w.u32(m.Width)
	w.str(m.DistortionModel)
	w.u32(uint32(len(m.D)))
	w.f64s(m.D)
	w.f64s(m.K[:])
	w.f64s(m.R[:])
	w.f64s(m.P[:])
	w.u32(m.BinningX)
	w.u32(m.BinningY)
	w.u32(m.ROI.XOffset)
	w.u32(m.ROI.YOffset)
	w.u32(m.ROI.Height)
	w.u32(m.ROI.Width)
	w.boolean(m.ROI.DoRectify)
	return w.b, nil
}

func decodeCameraInfo(r *reader) (*CameraInfo, error) {
	m := &CameraInfo{}
	r.header(&m.Header)
	m.Height = r.u32("height")
	m.Width = r.u32("width")
	m.DistortionModel = r.str("distortion_model")
	if n := r.count("d", 8); n > 0 {
		m.D = make([]float64, n)
		r.f64s("d", m.D)
	}
	r.f64s("k", m.K[:])
	r.f64s("r", m.R[:])
	r.f64s("p", m.P[:])
	m.BinningX = r.u32("binning_x")
	m.BinningY = r.u32("binning_y")
	m.ROI.XOffset = r.u32("roi.x_offset")
	m.ROI.YOffset = r.u32("roi.y_offset")
	m.ROI.Height = r.u32("roi.height")
	m.ROI.Width = r.u32("roi.width")
	m.ROI.DoRectify = r.boolean("roi.do_rectify")
	if err := r.finish(); err != nil {
		return nil, err
	}
	return m, nil
}
