package node

import (
	"fmt"
	"strings"
	"time"

	"webcam/capture"
	"webcam/rosparam"
	"webcam/stream"
)

// paramGroup says how a change of a parameter takes effect.
type paramGroup int

const (
	groupNone        paramGroup = iota // read-only (or not ours)
	groupReopen                        // reopen the source at the next frame boundary
	groupPublish                       // the publish loop's pubConfig, from the next frame
	groupControls                      // a camera control, set between two frames
	groupCalibration                   // reload the calibration
	groupHTTP                          // the HTTP viewer's hook (SetHTTPApply)
)

// Every parameter that is not read-only is in exactly one group
// (TestEveryWritableParameterHasAGroup).
var paramGroups = func() map[string]paramGroup {
	m := map[string]paramGroup{pCameraInfoURL: groupCalibration}
	for _, p := range []string{pSource, pVideoDevice, pWidth, pHeight, pFramerate, pPixelFormat} {
		m[p] = groupReopen
	}
	for _, p := range []string{pFrameID, pOutputEncoding, pJPEGQuality, pPublishRaw, pPublishComp, pPublishInfo} {
		m[p] = groupPublish
	}
	for _, p := range []string{pHTTPPort, pHTTPAddress, pHTTPUser, pHTTPPassFile, pHTTPCORS, pHTTPGraph} {
		m[p] = groupHTTP
	}
	for _, s := range controlSpecs {
		m[s.Name] = groupControls
	}
	return m
}()

func groupChanges(changes []rosparam.Change) map[paramGroup][]rosparam.Change {
	out := map[paramGroup][]rosparam.Change{}
	for _, c := range changes {
		g := paramGroups[c.Name]
		out[g] = append(out[g], c)
	}
	return out
}

func changeNames(changes []rosparam.Change) string {
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// registerLiveApply makes accepted changes take effect while the node runs.
func (n *Node) registerLiveApply() {
	n.params.OnApply(n.applyChanges)
	n.params.OnChanged(n.changesCommitted)
}

// applyChanges runs before a batch is committed and refuses it, with the
// reason, when part of it cannot take effect. Steps go from the one that
// can be undone (the source) to the ones that cannot; a later failure
// reopens the source with its previous settings.
func (n *Node) applyChanges(changes []rosparam.Change) error {
	g := groupChanges(changes)
	if c := g[groupCalibration]; len(c) > 0 {
		if err := n.checkCameraInfoURL(c[len(c)-1].New.Str); err != nil {
			return err
		}
	}
	undo, err := n.reopenSource(g[groupReopen])
	if err != nil {
		return err
	}
	for _, c := range g[groupPublish] {
		if c.Name != pOutputEncoding {
			continue
		}
		if err := n.checkOutputEncoding(capture.PixelFormat(c.New.Str)); err != nil {
			undo()
			return err
		}
	}
	if err := n.setControls(g[groupControls]); err != nil {
		undo()
		return err
	}
	if err := n.applyHTTP(g[groupHTTP]); err != nil {
		undo()
		return err
	}
	return nil
}

// changesCommitted finishes what needs the new values in the table.
func (n *Node) changesCommitted(changes []rosparam.Change) {
	g := groupChanges(changes)
	if len(g[groupPublish]) > 0 {
		n.loadPubConfig()
		n.log.Infof("publishing with %s", describeChanges(g[groupPublish]))
	}
	if c := g[groupCalibration]; len(c) > 0 {
		n.calib.Load(c[len(c)-1].New.Str) // logs what it loaded, or why not
	}
	for _, c := range g[groupControls] {
		n.paramSrv.markControlSet(c.Name)
	}
}

func describeChanges(changes []rosparam.Change) string {
	parts := make([]string, len(changes))
	for i, c := range changes {
		parts[i] = fmt.Sprintf("%s=%s", c.Name, c.New)
	}
	return strings.Join(parts, ", ")
}

// reopenTimeout bounds how long a parameter change waits to see whether the
// source reopens with the new settings before accepting it unverified.
const reopenTimeout = 5 * time.Second

// reopenSource asks the runner to reopen the source with the changed
// settings at the next frame boundary and waits for the outcome: a source
// that cannot be opened so (a device refusing the size, a bad path) is
// reopened with the previous settings and the change refused with the
// reason. undo reopens with the previous settings.
func (n *Node) reopenSource(changes []rosparam.Change) (undo func(), err error) {
	noop := func() {}
	if len(changes) == 0 {
		return noop, nil
	}
	oldURI, oldReq := sourceURI(n.params), captureRequest(n.params)
	newURI, newReq, err := sourceWith(n.params, changes)
	if err != nil {
		return noop, err
	}
	if newURI == oldURI && newReq == oldReq {
		return noop, nil // e.g. video_device while source is set
	}
	undo = func() { n.runner.Reconfigure(oldURI, oldReq) }
	before := n.runner.Status()
	n.runner.Reconfigure(newURI, newReq)
	if before.State != stream.StateOK {
		n.log.Infof("source settings changed to %s; they apply when the source opens (it is %s)", describeSource(newURI, newReq), before.State)
		return undo, nil
	}
	for deadline := time.Now().Add(reopenTimeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		st := n.runner.Status()
		if st.URI != newURI || st.Request != newReq {
			continue // not at a frame boundary yet
		}
		switch {
		case st.Reopens > before.Reopens:
			n.log.Infof("source reopened: %s (granted %dx%d at %g fps)", describeSource(newURI, newReq), st.Info.Width, st.Info.Height, st.Info.FPS)
			return undo, nil
		case st.State == stream.StateError || st.State == stream.StateReconnecting:
			undo()
			return noop, fmt.Errorf("%s: the source could not be opened with %s: %s; the previous settings stay",
				changeNames(changes), describeSource(newURI, newReq), st.Reason)
		}
	}
	n.log.Warnf("the source has not reopened with %s within %s; keeping the change", describeSource(newURI, newReq), reopenTimeout)
	return undo, nil
}

// sourceWith is the source URI and request that the current parameters
// with changes applied ask for, computed by the same functions as at start-up.
func sourceWith(t *rosparam.Table, changes []rosparam.Change) (string, capture.Request, error) {
	next, err := t.With(changes)
	if err != nil {
		return "", capture.Request{}, err
	}
	return sourceURI(next), captureRequest(next), nil
}

func describeSource(uri string, r capture.Request) string {
	s := fmt.Sprintf("%s %dx%d at %g fps", uri, r.Width, r.Height, r.FPS)
	if r.PixelFormat != "" {
		s += ", pixel_format " + r.PixelFormat
	}
	return s
}

// applyHTTP hands http_* changes to the hook installed with SetHTTPApply.
func (n *Node) applyHTTP(changes []rosparam.Change) error {
	if len(changes) == 0 {
		return nil
	}
	n.paramSrv.httpMu.Lock()
	fn := n.paramSrv.httpApply
	n.paramSrv.httpMu.Unlock()
	if fn == nil {
		return fmt.Errorf("%s cannot change while the node runs (no HTTP viewer is attached to apply it); set it at start-up", changeNames(changes))
	}
	return fn(changes)
}

// checkOutputEncoding refuses an image_raw encoding the open source's frames
// cannot be turned into (yuv422_yuy2 needs a YUYV camera).
func (n *Node) checkOutputEncoding(enc capture.PixelFormat) error {
	from := n.runner.Status().Info.Format
	if from == "" || capture.CanConvert(from, enc) {
		return nil
	}
	var possible []string
	for _, e := range OutputEncodings {
		if capture.CanConvert(from, capture.PixelFormat(e)) {
			possible = append(possible, e)
		}
	}
	return fmt.Errorf("parameter '%s': %s cannot be made from this source's %s frames (possible now: %s)",
		pOutputEncoding, enc, from, strings.Join(possible, ", "))
}
