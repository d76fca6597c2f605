package cdr

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
)

// The JSON shapes test/cdr_vectors.py writes, and conversions to and from
// this package's types. Floats are kept as their bits so NaNs compare equal,
// and every slice is non-nil so reflect.DeepEqual sees [] == [].

// mirror is the JSON form of one message.
type mirror interface {
	message() Message
}

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := hex.DecodeString(s)
	*h = p
	return err
}

// floatBits is a float64 as its IEEE-754 bits, written as 16 hex digits.
type floatBits uint64

func (f *floatBits) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	_, err := fmt.Sscanf(s, "%016x", (*uint64)(f))
	return err
}

func toBits(fs []float64) []floatBits {
	out := make([]floatBits, len(fs))
	for i, f := range fs {
		out[i] = floatBits(math.Float64bits(f))
	}
	return out
}

func fromBits(dst []float64, bs []floatBits) []float64 {
	if dst == nil {
		dst = make([]float64, len(bs))
	}
	for i := range min(len(dst), len(bs)) {
		dst[i] = math.Float64frombits(uint64(bs[i]))
	}
	return dst
}

type jHeader struct {
	Sec     int32  `json:"sec"`
	Nanosec uint32 `json:"nanosec"`
	FrameID string `json:"frame_id"`
}

func (h jHeader) header() Header {
	return Header{Stamp: Time{Sec: h.Sec, Nanosec: h.Nanosec}, FrameID: h.FrameID}
}

func headerMirror(h Header) jHeader {
	return jHeader{Sec: h.Stamp.Sec, Nanosec: h.Stamp.Nanosec, FrameID: h.FrameID}
}

type jImage struct {
	Header      jHeader  `json:"header"`
	Height      uint32   `json:"height"`
	Width       uint32   `json:"width"`
	Encoding    string   `json:"encoding"`
	IsBigendian uint8    `json:"is_bigendian"`
	Step        uint32   `json:"step"`
	Data        hexBytes `json:"data"`
}

func (j *jImage) message() Message {
	return &Image{Header: j.Header.header(), Height: j.Height, Width: j.Width, Encoding: j.Encoding,
		IsBigendian: j.IsBigendian, Step: j.Step, Data: j.Data}
}

func imageMirror(m *Image) mirror {
	return &jImage{Header: headerMirror(m.Header), Height: m.Height, Width: m.Width, Encoding: m.Encoding,
		IsBigendian: m.IsBigendian, Step: m.Step, Data: append(hexBytes{}, m.Data...)}
}

type jCompressedImage struct {
	Header jHeader  `json:"header"`
	Format string   `json:"format"`
	Data   hexBytes `json:"data"`
}

func (j *jCompressedImage) message() Message {
	return &CompressedImage{Header: j.Header.header(), Format: j.Format, Data: j.Data}
}

func compressedImageMirror(m *CompressedImage) mirror {
	return &jCompressedImage{Header: headerMirror(m.Header), Format: m.Format, Data: append(hexBytes{}, m.Data...)}
}

type jROI struct {
	XOffset   uint32 `json:"x_offset"`
	YOffset   uint32 `json:"y_offset"`
	Height    uint32 `json:"height"`
	Width     uint32 `json:"width"`
	DoRectify bool   `json:"do_rectify"`
}

type jCameraInfo struct {
	Header          jHeader     `json:"header"`
	Height          uint32      `json:"height"`
	Width           uint32      `json:"width"`
	DistortionModel string      `json:"distortion_model"`
	D               []floatBits `json:"d"`
	K               []floatBits `json:"k"`
	R               []floatBits `json:"r"`
	P               []floatBits `json:"p"`
	BinningX        uint32      `json:"binning_x"`
	BinningY        uint32      `json:"binning_y"`
	ROI             jROI        `json:"roi"`
}

func (j *jCameraInfo) message() Message {
	m := &CameraInfo{Header: j.Header.header(), Height: j.Height, Width: j.Width,
		DistortionModel: j.DistortionModel, D: fromBits(nil, j.D), BinningX: j.BinningX, BinningY: j.BinningY,
		ROI: RegionOfInterest(j.ROI)}
	fromBits(m.K[:], j.K)
	fromBits(m.R[:], j.R)
	fromBits(m.P[:], j.P)
	return m
}

func cameraInfoMirror(m *CameraInfo) mirror {
	return &jCameraInfo{Header: headerMirror(m.Header), Height: m.Height, Width: m.Width,
		DistortionModel: m.DistortionModel, D: toBits(m.D), K: toBits(m.K[:]), R: toBits(m.R[:]), P: toBits(m.P[:]),
		BinningX: m.BinningX, BinningY: m.BinningY, ROI: jROI(m.ROI)}
}

type jKeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type jStatus struct {
	Level      uint8       `json:"level"`
	Name       string      `json:"name"`
	Message    string      `json:"message"`
	HardwareID string      `json:"hardware_id"`
	Values     []jKeyValue `json:"values"`
}

type jDiagnosticArray struct {
	Header jHeader   `json:"header"`
	Status []jStatus `json:"status"`
}

func (j *jDiagnosticArray) message() Message {
	m := &DiagnosticArray{Header: j.Header.header(), Status: make([]DiagnosticStatus, len(j.Status))}
	for i, s := range j.Status {
		st := DiagnosticStatus{Level: Level(s.Level), Name: s.Name, Message: s.Message, HardwareID: s.HardwareID,
			Values: make([]KeyValue, len(s.Values))}
		for k, kv := range s.Values {
			st.Values[k] = KeyValue(kv)
		}
		m.Status[i] = st
	}
	return m
}

func diagnosticArrayMirror(m *DiagnosticArray) mirror {
	j := &jDiagnosticArray{Header: headerMirror(m.Header), Status: make([]jStatus, len(m.Status))}
	for i, s := range m.Status {
		js := jStatus{Level: uint8(s.Level), Name: s.Name, Message: s.Message, HardwareID: s.HardwareID,
			Values: make([]jKeyValue, len(s.Values))}
		for k, kv := range s.Values {
			js.Values[k] = jKeyValue(kv)
		}
		j.Status[i] = js
	}
	return j
}

// asJSON shows a mirror in failure messages, control characters escaped.
func asJSON(m mirror) string {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Sprintf("%+v", m)
	}
	return string(b)
}

// kind ties a ROS type to its mirror and decoder.
type kind struct {
	newMirror func() mirror
	decode    func(r *reader) (mirror, error)
}

var kinds = map[string]kind{
	imageType: {
		newMirror: func() mirror { return &jImage{} },
		decode:    decodeAs(decodeImage, imageMirror),
	},
	compressedImageType: {
		newMirror: func() mirror { return &jCompressedImage{} },
		decode:    decodeAs(decodeCompressedImage, compressedImageMirror),
	},
	cameraInfoType: {
		newMirror: func() mirror { return &jCameraInfo{} },
		decode:    decodeAs(decodeCameraInfo, cameraInfoMirror),
	},
	diagnosticArrayType: {
		newMirror: func() mirror { return &jDiagnosticArray{} },
		decode:    decodeAs(decodeDiagnosticArray, diagnosticArrayMirror),
	},
}

func decodeAs[M any](decode func(*reader) (*M, error), toMirror func(*M) mirror) func(*reader) (mirror, error) {
	return func(r *reader) (mirror, error) {
		m, err := decode(r)
		if err != nil {
			return nil, err
		}
		return toMirror(m), nil
	}
}
