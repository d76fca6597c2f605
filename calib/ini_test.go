package calib

import (
	"strings"
	"testing"
)

// iniBody is a valid camera section body; tests break one part of it.
const iniBody = "camera matrix\n500 0 320\n0 500 240\n0 0 1\n\n" +
	"distortion\n0.1 -0.2 0.001 0.002 0\n\n" +
	"rectification\n1 0 0\n0 1 0\n0 0 1\n\n" +
	"projection\n490 0 321 0\n0 495 239 0\n0 0 1 0\n"

func TestParseINI(t *testing.T) {
	const header = "[image]\nwidth\n640\nheight\n480\n[cam0]\n"
	for _, tc := range []struct {
		name    string
		ini     string
		want    func(CameraInfo) bool
		wantErr []string
	}{
		{name: "comments and blank lines", ini: "# c\n; c\n\n" + header + iniBody,
			want: func(c CameraInfo) bool {
				return c.CameraName == "cam0" && c.Width == 640 && c.DistortionModel == PlumbBob && c.P[1*4+1] == 495
			}},
		{name: "eight coefficients are rational_polynomial", ini: header +
			strings.Replace(iniBody, "0.1 -0.2 0.001 0.002 0", "0.1 -0.2 0.001 0.002 0 0.3 0.4 0.5", 1),
			want: func(c CameraInfo) bool { return c.DistortionModel == RationalPolynomial && len(c.D) == 8 }},
		{name: "externals section ignored", ini: header + iniBody + "[externals]\ntranslation\n0 0 0\n",
			want: func(c CameraInfo) bool { return c.CameraName == "cam0" }},
		{name: "no image section", ini: "[cam0]\n" + iniBody,
			wantErr: []string{"no [image] section"}},
		{name: "no camera section", ini: "[image]\nwidth\n640\nheight\n480\n",
			wantErr: []string{"found 0 camera sections", "exactly one"}},
		{name: "stereo file", ini: header + iniBody + "[cam1]\n" + iniBody,
			wantErr: []string{"found 2 camera sections [[cam0] [cam1]]"}},
		{name: "text before any section", ini: "width\n640\n" + header + iniBody,
			wantErr: []string{"line 1", `"width" comes before any [section]`}},
		{name: "width not a number", ini: strings.Replace(header, "640", "six forty", 1) + iniBody,
			wantErr: []string{"line 3", "[image] width", `"six forty" is not a whole number`}},
		{name: "missing height", ini: "[image]\nwidth\n640\n[cam0]\n" + iniBody,
			wantErr: []string{`section [image] has no "height"`}},
		{name: "short matrix row", ini: header + strings.Replace(iniBody, "0 500 240", "0 500", 1),
			wantErr: []string{"line 9", "[cam0] camera matrix row 2 has 2 numbers; expected 3"}},
		{name: "matrix cut off at end", ini: header + strings.TrimSuffix(iniBody, "0 0 1 0\n"),
			wantErr: []string{"[cam0] projection: expected 3 line(s) after it, found 2"}},
		{name: "six coefficients", ini: header + strings.Replace(iniBody, "0.002 0", "0.002 0 0", 1),
			wantErr: []string{"distortion has 6 numbers; expected 5 (plumb_bob) or 8 (rational_polynomial)"}},
		{name: "not a number", ini: header + strings.Replace(iniBody, "490", "4x0", 1),
			wantErr: []string{`[cam0] projection row 1: "4x0" is not a finite number`}},
		{name: "infinity", ini: header + strings.Replace(iniBody, "490", "inf", 1),
			wantErr: []string{`"inf" is not a finite number`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseINI([]byte(tc.ini))
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("accepted: %+v", got)
				}
				for _, want := range tc.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.want(got) {
				t.Errorf("parsed %+v", got)
			}
		})
	}
}

func TestMarshalINI(t *testing.T) {
	for _, tc := range []struct {
		name    string
		info    CameraInfo
		wantErr string
	}{
		{name: "ost round trip", info: fixtures[0].want},
		{name: "rational polynomial refused", info: fixtures[3].want, wantErr: "use a .yaml file"},
		{name: "bracket in name refused", info: func() CameraInfo {
			c := fixtures[0].want.Clone()
			c.CameraName = "cam[0]"
			return c
		}(), wantErr: "cannot be written to an INI section header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := MarshalINI(tc.info)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseINI(out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !back.Equal(tc.info) {
				t.Errorf("got  %+v\nwant %+v\nfile:\n%s", back, tc.info, out)
			}
		})
	}
}
