package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"webcam/capture"
	"webcam/rosparam"
	"webcam/stream"
)

// groupChanges sorts a batch by the apply group in each parameter's Spec.
func (n *Node) groupChanges(changes []rosparam.Change) map[int][]rosparam.Change {
	out := map[int][]rosparam.Change{}
	for _, c := range changes {
		s, _ := n.params.Spec(c.Name)
		out[s.Group] = append(out[s.Group], c)
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

// applyChanges runs before a batch is committed and refuses it, with the
// reason, when part of it cannot take effect. Steps go from the one that
// can be undone (the source) to the ones that cannot; a later failure
// reopens the source with its previous settings.
func (n *Node) applyChanges(changes []rosparam.Change) error {
	g := n.groupChanges(changes)
	if c := g[groupCalibration]; len(c) > 0 {
		if err := n.checkCameraInfoURL(c[len(c)-1].New.Str); err != nil {
			return err
		}
	}
	undo, err := n.reopenSource(g[groupReopen])
	if err != nil {
		return err
	}
	if err := n.checkEncodingChange(changes); err != nil {
		undo()
		return err
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
	changes = slices.DeleteFunc(slices.Clone(changes), func(c rosparam.Change) bool { return c.Declared })
	g := n.groupChanges(changes)
	if len(g[groupPublish]) > 0 {
		n.loadPubConfig()
		n.log.Info("publishing with " + describeChanges(g[groupPublish]))
	}
	if c := g[groupCalibration]; len(c) > 0 {
		n.calib.Load(c[len(c)-1].New.Str) // logs what it loaded, or why not
	}
	if len(g[groupReopen])+len(g[groupPublish]) > 0 {
		n.warnIfLargerThanStart()
	}
	for _, c := range g[groupControls] {
		if n.dev.isDevice(c.Name) {
			n.dev.want(c.Name, c.New) // set again at every open
		} else {
			n.controls.mark(c.Name)
		}
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

// reopenSource has the source reopened with the changed settings at the
// next frame boundary and waits for the outcome: a source that cannot be
// opened so (a device refusing the size, a bad path) is reopened with the
// previous settings and the change refused with the reason. undo reopens
// with the previous settings. While no source is open the change is kept
// and applies when the source opens.
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
	undo = func() { n.requestSource(oldURI, oldReq) }
	state := n.source.Status().State
	if state != stream.StateOK {
		n.requestSource(newURI, newReq) // the outcome is the source's next state
		n.log.Info(fmt.Sprintf("source settings changed to %s; they apply when the source opens (it is %s)", describeSource(newURI, newReq), state))
		return undo, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), reopenTimeout)
	defer cancel()
	switch err := n.source.Reconfigure(ctx, newURI, newReq); {
	case err == nil:
		st := n.source.Status()
		n.log.Info(fmt.Sprintf("source reopened: %s (granted %dx%d at %g fps)", describeSource(newURI, newReq), st.Info.Width, st.Info.Height, st.Info.FPS))
		return undo, nil
	case errors.Is(err, context.DeadlineExceeded):
		n.log.Warn(fmt.Sprintf("the source has not reopened with %s within %s; keeping the change", describeSource(newURI, newReq), reopenTimeout))
		return undo, nil
	default:
		undo()
		return noop, fmt.Errorf("%s: the source could not be opened with %s: %v; the previous settings stay",
			changeNames(changes), describeSource(newURI, newReq), err)
	}
}

// requestSource has the source reopened with uri and req without waiting
// for the outcome (the source's state reports it). Requests apply in the
// order they are made.
func (n *Node) requestSource(uri string, req capture.Request) {
	done, cancel := context.WithCancel(context.Background())
	cancel() // Reconfigure with an ended ctx asks and returns at once
	_ = n.source.Reconfigure(done, uri, req)
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

// applyHTTP restarts the HTTP viewer with the changed http_* settings.
func (n *Node) applyHTTP(changes []rosparam.Change) error {
	if len(changes) == 0 {
		return nil
	}
	if n.http == nil {
		return fmt.Errorf("%s cannot change before the node runs; set it at start-up", changeNames(changes))
	}
	return n.http.apply(changes)
}

// checkEncodingChange vets image_raw's encoding after a batch that changes
// output_encoding or pixel_format (which it follows when auto) against the
// source as it is now open (reopenSource ran first).
func (n *Node) checkEncodingChange(changes []rosparam.Change) error {
	if !slices.ContainsFunc(changes, func(c rosparam.Change) bool { return c.Name == pOutputEncoding || c.Name == pPixelFormat }) {
		return nil
	}
	next, err := n.params.With(changes)
	if err != nil {
		return err
	}
	enc, raw := rawEncoding(next)
	if !raw {
		return nil
	}
	return n.checkOutputEncoding(enc)
}

// checkOutputEncoding refuses an image_raw encoding the open source's frames
// cannot be turned into (yuv422_yuy2 needs a YUYV camera).
func (n *Node) checkOutputEncoding(enc capture.PixelFormat) error {
	from := n.source.Status().Info.Format
	if from == "" || capture.CanConvert(from, enc) {
		return nil
	}
	var possible []string
	for _, e := range OutputEncodings {
		if e != EncodingAuto && capture.CanConvert(from, capture.PixelFormat(e)) {
			possible = append(possible, e)
		}
	}
	return fmt.Errorf("parameter '%s': %s cannot be made from this source's %s frames (possible now: %s)",
		pOutputEncoding, enc, from, strings.Join(possible, ", "))
}

// warnIfLargerThanStart says when image_raw frames have outgrown the
// message size Fast DDS's shared memory was sized for at start (rclx):
// they still go out, but may be slow, until the node restarts.
func (n *Node) warnIfLargerThanStart() {
	now := messageSize(n.params)
	if n.sizedFor > 0 && now > n.sizedFor {
		n.log.Warn(fmt.Sprintf("image_raw frames of %d KiB are larger than the %d KiB Fast DDS's shared memory was sized for at start; "+
			"they may be delivered slowly until the node is restarted with these parameters", now>>10, n.sizedFor>>10))
	}
}
