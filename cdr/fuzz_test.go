package cdr

import (
	"math"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to every decoder: none may panic, and
// whatever decodes must encode and decode again to the same message.
// Seeds: the samples, each cut short and with a wrong header.
func FuzzDecode(f *testing.F) {
	for _, m := range samples() {
		b := mustEncode(f, m)
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(with(b, 1, 0x00))
	}
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for typ, k := range kinds {
			got, err := k.decode(newReader(typ, b))
			if err != nil {
				continue
			}
			again := reencode(t, got.message())
			if !reflect.DeepEqual(again, got) {
				t.Errorf("%s: decode → encode → decode changed\n%s\nto\n%s", typ, asJSON(got), asJSON(again))
			}
		}
	})
}

// FuzzRoundTrip builds every message type from fuzzed fields: encoding then
// decoding must give back the same message, and Size must be exact.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int32(1700000000), uint32(5), "camera", uint32(480), uint32(640), "rgb8", uint8(0), []byte("pixels"), 0.5, uint8(5), uint8(2))
	f.Add(int32(-1), uint32(math.MaxUint32), "", uint32(0), uint32(math.MaxUint32), "", uint8(255), []byte{}, math.Inf(-1), uint8(0), uint8(0))
	f.Add(int32(math.MinInt32), uint32(1e9), "フレーム😀", uint32(1), uint32(1), "yuv422_yuy2", uint8(1), []byte{1, 2, 3}, math.NaN(), uint8(8), uint8(7))
	f.Fuzz(func(t *testing.T, sec int32, nsec uint32, frame string, h, w uint32, text string, b uint8, data []byte, x float64, nd, ns uint8) {
		// Strings are what ROS would carry: cut at the first NUL.
		frame, text = rosString(frame), rosString(text)
		hdr := Header{Stamp: Time{sec, nsec}, FrameID: frame}
		d := make([]float64, nd%16)
		for i := range d {
			d[i] = x * float64(i)
		}
		info := &CameraInfo{Header: hdr, Height: h, Width: w, DistortionModel: text, D: d,
			BinningX: w, BinningY: h, ROI: RegionOfInterest{h, w, h, w, b&1 == 1}}
		info.K[0], info.R[4], info.P[11] = x, -x, x
		diag := &DiagnosticArray{Header: hdr}
		for i := range int(ns % 5) {
			st := DiagnosticStatus{Level: Level(b + uint8(i)), Name: text, Message: frame, HardwareID: text[:len(text)/2]}
			for j := range i {
				st.Values = append(st.Values, KeyValue{Key: frame[:j%(len(frame)+1)], Value: text})
			}
			diag.Status = append(diag.Status, st)
		}
		msgs := []Message{
			&Image{Header: hdr, Height: h, Width: w, Encoding: text, IsBigendian: b, Step: w, Data: data},
			&CompressedImage{Header: hdr, Format: text, Data: data},
			info,
			diag,
		}
		for _, m := range msgs {
			want := mirrorOf(t, m)
			if got := reencode(t, m); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: round trip changed\n%s\nto\n%s", m.TypeName(), asJSON(want), asJSON(got))
			}
		}
	})
}

// reencode encodes m, checks Size, and decodes the bytes again.
func reencode(t *testing.T, m Message) mirror {
	t.Helper()
	b, err := m.AppendCDR(nil)
	if err != nil {
		t.Fatalf("%s: AppendCDR: %v", m.TypeName(), err)
	}
	if m.Size() != len(b) {
		t.Fatalf("%s: Size() = %d, AppendCDR wrote %d bytes", m.TypeName(), m.Size(), len(b))
	}
	got, err := kinds[m.TypeName()].decode(newReader(m.TypeName(), b))
	if err != nil {
		t.Fatalf("%s: decoding its own encoding: %v", m.TypeName(), err)
	}
	return got
}

func mirrorOf(t *testing.T, m Message) mirror {
	switch m := m.(type) {
	case *Image:
		return imageMirror(m)
	case *CompressedImage:
		return compressedImageMirror(m)
	case *CameraInfo:
		return cameraInfoMirror(m)
	case *DiagnosticArray:
		return diagnosticArrayMirror(m)
	}
	t.Fatalf("no mirror for %T", m)
	return nil
}
