package calib

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the calibration YAML parser. Nothing may
// panic, and a calibration it accepts must survive both formats: written
// as YAML (and as INI, where INI can hold it) it parses back to the same
// value. Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		info, _, err := Parse(data)
		if err != nil {
			return
		}
		roundTrip(t, info, YAML)
		roundTrip(t, info, INI)
	})
}

// FuzzParseINI is FuzzParse for the Videre INI parser. Seeds:
// testdata/fuzz/FuzzParseINI.
func FuzzParseINI(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ParseINI(data)
		if err != nil {
			return
		}
		roundTrip(t, info, INI)
		roundTrip(t, info, YAML)
	})
}

// roundTrip encodes info in format f and parses it back. f may refuse what
// it cannot hold, but only for the reasons it documents; whatever it
// writes must read back as info, less what the format does not carry.
func roundTrip(t *testing.T, info CameraInfo, f Format) {
	t.Helper()
	data, err := Encode(info, f)
	if err != nil {
		if f == INI && (info.DistortionModel != PlumbBob || len(info.D) != 5 || strings.ContainsAny(info.CameraName, "[]\n")) {
			return // INI holds only plumb_bob with 5 coefficients, and a name that fits a [section]
		}
		if f == YAML && !(utf8.ValidString(info.CameraName) && utf8.ValidString(info.DistortionModel)) {
			return // YAML text is UTF-8; an INI file's name need not be
		}
		t.Fatalf("%v refuses a calibration that parsed: %v\n%+v", f, err, info)
	}
	back, _, err := Decode(data, f)
	if err != nil {
		t.Fatalf("%v written from %+v does not parse: %v\n%s", f, info, err, data)
	}
	want := info.Clone()
	if want.CameraName == "" {
		want.CameraName = unknownCameraName // both writers name a nameless camera so
	}
	if f == INI {
		want.BinningX, want.BinningY, want.ROI = 0, 0, RegionOfInterest{} // INI has no binning or ROI
		want.CameraName = strings.TrimSpace(want.CameraName)              // a [section]'s name is trimmed
	}
	if !back.Equal(want) {
		t.Fatalf("%v round trip changed the calibration\n got %+v\nwant %+v\nfile:\n%s", f, back, want, data)
	}
}
