package node

import "testing"

func TestParamSpecsAreValid(t *testing.T) {
	tab := mustTable()
	for _, name := range []string{pSource, pVideoDevice, pWidth, pHeight, pFramerate, pPixelFormat, pOutputEncoding,
		pCameraName, pCameraInfoURL, pFrameID, pJPEGQuality, pHTTPPort, pHTTPAddress} {
		if _, ok := tab.Get(name); !ok {
			t.Errorf("parameter %q is not declared", name)
		}
	}
	for _, s := range ParamSpecs() {
		if s.Description == "" {
			t.Errorf("parameter %q has no description", s.Name)
		}
	}
}
