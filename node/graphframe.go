package node

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"webcam/capture"
	"webcam/cdr"
)

// ROS types of the graph topics the web viewer can show.
const (
	imageType           = "sensor_msgs/msg/Image"
	compressedImageType = "sensor_msgs/msg/CompressedImage"
)

// graphEncodings are the sensor_msgs/Image encodings the web viewer shows,
// and the capture format each becomes. 8UC1 and 8UC3 are read as cv_bridge
// reads them (gray, BGR); rgba8 and bgra8 lose their alpha on the way.
var graphEncodings = map[string]capture.PixelFormat{
	"rgb8": capture.RGB8, "bgr8": capture.BGR8, "mono8": capture.Mono8,
	"rgba8": capture.RGB8, "bgra8": capture.BGR8,
	"8UC1": capture.Mono8, "8UC3": capture.BGR8,
	"yuv422_yuy2": capture.YUYV, "yuyv": capture.YUYV,
	"yuv422": capture.UYVY, "uyvy": capture.UYVY,
}

var graphEncodingList = strings.Join(slices.Sorted(maps.Keys(graphEncodings)), ", ")

// graphFrame decodes one serialized message of a graph topic of type typ
// into a frame numbered seq. The frame's stamp is the message's, or received
// when the message has none.
func graphFrame(typ string, msg []byte, seq uint64, received time.Time) (*capture.Frame, error) {
	switch typ {
	case imageType:
		m, err := cdr.DecodeImage(msg)
		if err != nil {
			return nil, err
		}
		return imageFrame(m, seq, received)
	case compressedImageType:
		m, err := cdr.DecodeCompressedImage(msg)
		if err != nil {
			return nil, err
		}
		return compressedFrame(m, seq, received)
	}
	return nil, fmt.Errorf("type %s is not an image type (%s or %s)", typ, imageType, compressedImageType)
}

func frameStamp(h cdr.Header, received time.Time) time.Time {
	if h.Stamp == (cdr.Time{}) {
		return received
	}
	return h.Stamp.GoTime()
}

// imageFrame turns an Image into a frame with tightly packed rows, which the
// converters need: rows with padding or alpha are copied once, others are
// used as they are (m.Data is the message's own copy).
func imageFrame(m *cdr.Image, seq uint64, received time.Time) (*capture.Frame, error) {
	format, ok := graphEncodings[m.Encoding]
	if !ok {
		return nil, fmt.Errorf("encoding %q is not supported by the web viewer (supported: %s)", m.Encoding, graphEncodingList)
	}
	w, h, step := int(m.Width), int(m.Height), int(m.Step)
	if w == 0 || h == 0 {
		return nil, fmt.Errorf("%s image is %dx%d", m.Encoding, w, h)
	}
	srcBPP := format.BytesPerPixel()
	if strings.HasSuffix(m.Encoding, "a8") {
		srcBPP = 4
	}
	if step < w*srcBPP {
		return nil, fmt.Errorf("%s image %dx%d has step %d, less than width × %d bytes", m.Encoding, w, h, step, srcBPP)
	}
	if step > len(m.Data)/h { // division: step × height may overflow
		return nil, fmt.Errorf("%s image %dx%d with step %d needs %d bytes of data, has %d", m.Encoding, w, h, step, uint64(step)*uint64(h), len(m.Data))
	}
	bpp := format.BytesPerPixel()
	data := m.Data
	if srcBPP != bpp || step != w*bpp {
		data = packRows(m.Data, w, h, step, srcBPP, bpp)
	}
	f := &capture.Frame{
		Seq: seq, Stamp: frameStamp(m.Header, received), Width: w, Height: h,
		Format: format, Step: w * bpp, Data: data, GrabBegin: received, GrabEnd: received,
	}
	return f, f.Validate()
}

// packRows copies h rows of w pixels of srcBPP bytes, step bytes apart, into
// rows of w pixels of bpp bytes with no gap, keeping each pixel's first bpp
// bytes (so RGBA becomes RGB).
func packRows(src []byte, w, h, step, srcBPP, bpp int) []byte {
	out := make([]byte, 0, w*h*bpp)
	for y := range h {
		row := src[y*step : y*step+w*srcBPP]
		if srcBPP == bpp {
			out = append(out, row...)
			continue
		}
		for x := 0; x < len(row); x += srcBPP {
			out = append(out, row[x:x+bpp]...)
		}
	}
	return out
}

// compressedFrame accepts JPEG CompressedImages, whatever their format string
// says ("jpeg", "bgr8; jpeg compressed bgr8"…): their bytes are served as
// they are. PNG (and compressedDepth) would need decoding and is refused.
func compressedFrame(m *cdr.CompressedImage, seq uint64, received time.Time) (*capture.Frame, error) {
	if strings.Contains(strings.ToLower(m.Format), "png") {
		return nil, fmt.Errorf("format %q: PNG images are not supported by the web viewer (JPEG only)", m.Format)
	}
	w, h, err := capture.JPEGSize(m.Data)
	if err != nil {
		return nil, fmt.Errorf("format %q: %v (the web viewer shows JPEG only)", m.Format, err)
	}
	return &capture.Frame{
		Seq: seq, Stamp: frameStamp(m.Header, received), Width: w, Height: h,
		Format: capture.JPEG, Data: m.Data, GrabBegin: received, GrabEnd: received,
	}, nil
}
