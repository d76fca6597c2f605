package cdr

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// samples are one ordinary message of each type, for tests that need valid
// bytes to start from.
func samples() []Message {
	hdr := Header{Stamp: Time{Sec: 1700000000, Nanosec: 42}, FrameID: "camera_optical_frame"}
	return []Message{
		&Image{Header: hdr, Height: 2, Width: 3, Encoding: "rgb8", Step: 9, Data: []byte("abcdefghijklmnopqr")},
		&CompressedImage{Header: hdr, Format: "jpeg", Data: []byte{0xff, 0xd8, 0xff, 0xd9}},
		&CameraInfo{Header: hdr, Height: 480, Width: 640, DistortionModel: "plumb_bob",
			D: []float64{-0.1, 0.01, 0, 0, 0}, K: [9]float64{500, 0, 320, 0, 500, 240, 0, 0, 1},
			R: [9]float64{1, 0, 0, 0, 1, 0, 0, 0, 1}, P: [12]float64{500, 0, 320, 0, 0, 500, 240, 0, 0, 0, 1, 0},
			ROI: RegionOfInterest{XOffset: 1, YOffset: 2, Height: 3, Width: 4, DoRectify: true}},
		&DiagnosticArray{Header: hdr, Status: []DiagnosticStatus{
			{Level: LevelOK, Name: "webcam: camera", Message: "streaming", HardwareID: "/dev/video0",
				Values: []KeyValue{{"fps", "30.0"}, {"format", "MJPG"}}},
			{Level: LevelError, Name: "webcam: ros", Message: "", HardwareID: "", Values: []KeyValue{{"k", "v"}}},
		}},
	}
}

// decoders decode b as each type, discarding the message.
var decoders = map[string]func(b []byte) error{
	imageType:           func(b []byte) error { _, err := DecodeImage(b); return err },
	compressedImageType: func(b []byte) error { _, err := DecodeCompressedImage(b); return err },
	cameraInfoType:      func(b []byte) error { _, err := DecodeCameraInfo(b); return err },
	diagnosticArrayType: func(b []byte) error { _, err := DecodeDiagnosticArray(b); return err },
}

func mustEncode(t testing.TB, m Message) []byte {
	t.Helper()
	b, err := m.AppendCDR(nil)
	if err != nil {
		t.Fatalf("encoding %s: %v", m.TypeName(), err)
	}
	return b
}

// TestDecodeTruncated cuts every sample at every length: each cut is an
// error (every message here ends in a length-checked or fixed field).
func TestDecodeTruncated(t *testing.T) {
	for _, m := range samples() {
		full := mustEncode(t, m)
		decode := decoders[m.TypeName()]
		if err := decode(full); err != nil {
			t.Fatalf("%s: full message: %v", m.TypeName(), err)
		}
		for n := range len(full) {
			err := decode(full[:n])
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%s cut to %d of %d bytes: got %v, want a *DecodeError", m.TypeName(), n, len(full), err)
			}
			if de.Type != m.TypeName() || de.Offset > n {
				t.Errorf("%s cut to %d bytes: error %+v names the wrong type or an offset past the end", m.TypeName(), n, de)
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	img := mustEncode(t, samples()[0])
	info := mustEncode(t, samples()[2])
	diag := mustEncode(t, samples()[3])
	// Where fields are in the samples' bytes: after the 4-byte header, the
	// stamp takes 8 bytes and frame_id "camera_optical_frame" 4+21, padded
	// to 36. Image: height 36, width 40, encoding 44 ("rgb8" to 53),
	// is_bigendian 53, step 56, data 60. CameraInfo: distortion_model 44
	// ("plumb_bob" to 58), d 60. DiagnosticArray: status 36.
	const (
		frameIDLen   = headerLen + 8
		imageDataLen = headerLen + 60
		infoDLen     = headerLen + 60
		statusLen    = headerLen + 36
	)
	tests := []struct {
		name      string
		typ       string
		input     []byte
		wantField string
		wantText  string
	}{
		{"empty input", imageType, nil, "", "shorter than the 4-byte encapsulation header"},
		{"big-endian CDR", imageType, with(img, 0, 0x00, 0x00), "", "encapsulation 0x0000 is not supported"},
		{"XCDR2", imageType, with(img, 0, 0x00, 0x07), "", "encapsulation 0x0007 is not supported"},
		{"frame_id longer than the input", imageType, withU32(img, frameIDLen, 1000), "header.frame_id", "need 1000 bytes"},
		{"frame_id length 2^32-1", imageType, withU32(img, frameIDLen, math.MaxUint32), "header.frame_id", "need 4294967295 bytes"},
		{"data count past the end", imageType, withU32(img, imageDataLen, 19), "data", "sequence of 19 elements"},
		{"4 trailing bytes", imageType, append(clone(img), 0, 0, 0, 0), "", "4 bytes follow the end of the message"},
		{"Image bytes read as CameraInfo", cameraInfoType, img, "d", "sequence of 9 elements needs at least 72 bytes"},
		{"bool byte 2", cameraInfoType, with(info, len(info)-1, 2), "roi.do_rectify", "bool byte is 2; want 0 or 1"},
		{"huge d count", cameraInfoType, withU32(info, infoDLen, math.MaxUint32), "d", "sequence of 4294967295 elements"},
		{"huge status count", diagnosticArrayType, withU32(diag, statusLen, math.MaxUint32), "status", "sequence of 4294967295 elements"},
		{"cut inside a nested key/value", diagnosticArrayType, diag[:len(diag)-3], "status[1].values[0].value", "need 4 bytes, only 3 left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := decoders[tt.typ](tt.input)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
			if de.Field != tt.wantField || !strings.Contains(de.Error(), tt.wantText) || de.Type != tt.typ {
				t.Errorf("got %q (field %q), want field %q and text %q", de.Error(), de.Field, tt.wantField, tt.wantText)
			}
		})
	}
}

// Decoding is as lenient as Fast CDR where Fast CDR is lenient.
func TestDecodeLenient(t *testing.T) {
	img := mustEncode(t, samples()[0])
	const encodingLen = headerLen + 44 // see TestDecodeErrors
	tests := []struct {
		name    string
		input   []byte
		check   func(*Image) bool
		explain string
	}{
		{"up to 3 trailing bytes (RTPS padding)", append(clone(img), 1, 2, 3),
			func(m *Image) bool { return string(m.Data) == "abcdefghijklmnopqr" }, "data intact"},
		{"padding bytes of any value", with(img, encodingLen+4+5+1, 0xAA, 0xBB),
			func(m *Image) bool { return m.Step == 9 }, "step read after the padding"},
		{"string without its NUL", with(img, encodingLen+4+4, 'X'),
			func(m *Image) bool { return m.Encoding == "rgb8X" }, `encoding "rgb8X"`},
		{"string cut at an inner NUL", with(img, encodingLen+4+1, 0),
			func(m *Image) bool { return m.Encoding == "r" }, `encoding "r"`},
		{"options bytes ignored", with(img, 2, 0x00, 0x03),
			func(m *Image) bool { return m.Width == 3 }, "fields intact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeImage(tt.input)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(m) {
				t.Errorf("got %+v, want %s", m, tt.explain)
			}
		})
	}
	// A string length of 0 (no NUL at all) is an empty string, as in Fast CDR.
	zeroLen, _ := hex.DecodeString("00010000" + "00000000" + "00000000" + "01000000" + "00000000" + // stamp, frame_id ""
		"00000000" + "00000000" + "00000000" + "05000000" + "09000000" + "0100000007") // height, width, encoding (0 bytes), is_bigendian 5, step 9, data [7]
	if m, err := DecodeImage(zeroLen); err != nil || m.Encoding != "" || m.IsBigendian != 5 || m.Step != 9 || string(m.Data) != "\x07" {
		t.Errorf("zero-length string: got %+v, %v", m, err)
	}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// with returns a copy of b with bs written at off.
func with(b []byte, off int, bs ...byte) []byte {
	c := clone(b)
	copy(c[off:], bs)
	return c
}

// withU32 returns a copy of b with a little-endian v written at off.
func withU32(b []byte, off int, v uint32) []byte {
	c := clone(b)
	binary.LittleEndian.PutUint32(c[off:], v)
	return c
}

func TestAppendCDRReserving(t *testing.T) {
	img := samples()[0].(*Image)
	want := mustEncode(t, img)

	// Filling the reserved region gives exactly AppendCDR's bytes, even over
	// a buffer full of stale bytes.
	stale := make([]byte, 0, 2*len(want))
	for range cap(stale) {
		stale = append(stale, 0xEE)
	}
	noData := *img
	noData.Data = nil
	msg, data, err := noData.AppendCDRReserving(stale[:0], len(img.Data))
	if err != nil || len(data) != len(img.Data) {
		t.Fatalf("got %d data bytes, err %v", len(data), err)
	}
	copy(data, img.Data)
	if string(msg) != string(want) {
		t.Errorf("reserved and filled:\n% x\nAppendCDR:\n% x", msg, want)
	}
	if got := testing.AllocsPerRun(20, func() { msg, data, err = noData.AppendCDRReserving(msg[:0], len(img.Data)) }); got != 0 {
		t.Errorf("%v allocations per AppendCDRReserving into a reused buffer, want 0", got)
	}

	lens := []int{-1}
	if strconv.IntSize == 64 {
		var tooLong uint64 = math.MaxUint32 + 1
		lens = append(lens, int(tooLong))
	}
	for _, n := range lens {
		dst := []byte("keep")
		got, data, err := img.AppendCDRReserving(dst, n)
		if err == nil || string(got) != "keep" || data != nil {
			t.Errorf("dataLen %d: got %q, %d data bytes, err %v; want an error and dst unchanged", n, got, len(data), err)
		} else if !strings.Contains(err.Error(), "data") {
			t.Errorf("dataLen %d: error %q does not name the field", n, err)
		}
	}
}
