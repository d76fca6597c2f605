package cdr

import "fmt"

// Message is what every message type here can do to be published with
// rclgo's PublishSerialized.
type Message interface {
	// TypeName is the ROS type, e.g. "sensor_msgs/msg/Image".
	TypeName() string
	// Size is the exact length AppendCDR adds, including the 4-byte
	// encapsulation header.
	Size() int
	// AppendCDR appends the serialized message (encapsulation header
	// included) to dst and returns the extended slice; pass buf[:0] to reuse
	// a buffer. It grows dst at most once. The only error is a string or
	// sequence longer than CDR's uint32 lengths allow; dst is then returned
	// unchanged.
	AppendCDR(dst []byte) ([]byte, error)
}

// Header is std_msgs/msg/Header.
type Header struct {
	Stamp   Time
	FrameID string
}

// Image is sensor_msgs/msg/Image. Nothing checks that Data matches
// Height × Step; rclpy and rclcpp do not either.
type Image struct {
	Header      Header
	Height      uint32
	Width       uint32
	Encoding    string // e.g. "rgb8", "bgr8", "mono8", "yuv422_yuy2"
	IsBigendian uint8
	Step        uint32 // bytes per row
	Data        []byte
}

const imageType = "sensor_msgs/msg/Image"

// TypeName implements Message.
func (*Image) TypeName() string { return imageType }

// size is the encoded size of m with a data field of dataLen bytes.
func (m *Image) size(dataLen int) (int, error) {
	s := sizer{msg: imageType}
	s.header(&m.Header)
	s.u32()
	s.u32()
	s.str("encoding", m.Encoding)
	s.u8()
	s.u32()
	s.seq("data", dataLen)
	s.n += dataLen
	return s.total(), s.err
}

// Size implements Message.
func (m *Image) Size() int {
	n, _ := m.size(len(m.Data))
	return n
}

// SizeWithData is Size for the message AppendCDRReserving makes with a data
// field of dataLen bytes.
func (m *Image) SizeWithData(dataLen int) int {
	n, _ := m.size(dataLen)
	return n
}

// AppendCDR implements Message.
func (m *Image) AppendCDR(dst []byte) ([]byte, error) {
	msg, data, err := m.AppendCDRReserving(dst, len(m.Data))
	copy(data, m.Data)
	return msg, err
}

// AppendCDRReserving is AppendCDR for a caller that writes the pixels
// itself, e.g. straight out of a colour conversion, saving a copy: it
// appends m with a data field of dataLen bytes that it does not write
// (m.Data is not read) and returns the whole message and the data region at
// its end. The caller must fill data completely before publishing: it holds
// whatever was in dst's spare capacity. A negative dataLen is an error.
func (m *Image) AppendCDRReserving(dst []byte, dataLen int) (msg, data []byte, err error) {
	if dataLen < 0 {
		return dst, nil, fmt.Errorf("cdr: encoding %s: data length %d is negative", imageType, dataLen)
	}
	n, err := m.size(dataLen)
	if err != nil {
		return dst, nil, err
	}
	w := newWriter(dst, n)
	w.header(&m.Header)
	w.u32(m.Height)
	w.u32(m.Width)
	w.str(m.Encoding)
	w.u8(m.IsBigendian)
	w.u32(m.Step)
	w.u32(uint32(dataLen))
	start := len(w.b)
	w.b = w.b[:start+dataLen] // within the capacity newWriter grew
	return w.b, w.b[start:], nil
}

// DecodeImage decodes a serialized sensor_msgs/msg/Image. Data aliases b.
func DecodeImage(b []byte) (*Image, error) {
	return decodeImage(newReader(imageType, b))
}

func decodeImage(r *reader) (*Image, error) {
	m := &Image{}
	r.header(&m.Header)
	m.Height = r.u32("height")
	m.Width = r.u32("width")
	m.Encoding = r.str("encoding")
	m.IsBigendian = r.u8("is_bigendian")
	m.Step = r.u32("step")
	m.Data = r.octets("data")
	if err := r.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

// CompressedImage is sensor_msgs/msg/CompressedImage.
type CompressedImage struct {
	Header Header
	Format string // "jpeg" or "png" (image_transport also writes e.g. "bgr8; jpeg compressed bgr8")
	Data   []byte
}

const compressedImageType = "sensor_msgs/msg/CompressedImage"

// TypeName implements Message.
func (*CompressedImage) TypeName() string { return compressedImageType }

func (m *CompressedImage) size() (int, error) {
	s := sizer{msg: compressedImageType}
	s.header(&m.Header)
	s.str("format", m.Format)
	s.seq("data", len(m.Data))
	s.n += len(m.Data)
	return s.total(), s.err
}

// Size implements Message.
func (m *CompressedImage) Size() int {
	n, _ := m.size()
	return n
}

// AppendCDR implements Message.
func (m *CompressedImage) AppendCDR(dst []byte) ([]byte, error) {
	n, err := m.size()
	if err != nil {
		return dst, err
	}
	w := newWriter(dst, n)
	w.header(&m.Header)
	w.str(m.Format)
	w.octets(m.Data)
	return w.b, nil
}

// DecodeCompressedImage decodes a serialized
// sensor_msgs/msg/CompressedImage. Data aliases b.
func DecodeCompressedImage(b []byte) (*CompressedImage, error) {
	return decodeCompressedImage(newReader(compressedImageType, b))
}

func decodeCompressedImage(r *reader) (*CompressedImage, error) {
	m := &CompressedImage{}
	r.header(&m.Header)
	m.Format = r.str("format")
	m.Data = r.octets("data")
	if err := r.finish(); err != nil {
		return nil, err
	}
	return m, nil
}
