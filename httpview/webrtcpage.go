package httpview

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pion/webrtc/v4"

	"webcam/h264"
)

// webrtcPage needs nothing beyond pageCSP: WebRTC media (srcObject) is not
// a fetch, the offer goes to /whep on this origin (connect-src 'self') and
// the MJPEG fallback is an image from it.
var webrtcPage = template.Must(template.ParseFS(assets, "assets/webrtc.html"))

// handleWebRTC serves /webrtc?topic=…: the page that plays the topic's
// shared H.264 encode over WebRTC (WHEP), and falls back to MJPEG. The
// query is checked here, so a bad one is a 400 before any page loads.
func (s *Server) handleWebRTC(w http.ResponseWriter, r *http.Request) {
	q, rerr := query(r)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	v, rerr := s.parseView(q)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	key, rerr := s.h264Request(q, v)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	ice, _ := json.Marshal(append([]webrtc.ICEServer{}, s.whep.ice...)) // [] rather than null
	topic := url.Values{"topic": {v.topic.name}}
	s.render(w, r, webrtcPage, struct{ Topic, WHEPURL, FallbackURL, ViewerURL, SnapshotURL, ICEServers string }{
		Topic: v.topic.name, WHEPURL: "/whep?" + key.query().Encode(),
		FallbackURL: "/stream?" + topic.Encode(), ViewerURL: "/stream_viewer?" + topic.Encode(),
		SnapshotURL: "/snapshot?" + topic.Encode(), ICEServers: string(ice),
	})
}

// query is the key as URL values, rebuilt from the checked settings (never
// copied from a request); defaults are left out.
func (k h264Key) query() url.Values {
	q := url.Values{"topic": {k.topic}}
	set := func(name string, v, def int) {
		if v != def {
			q.Set(name, strconv.Itoa(v))
		}
	}
	set("width", k.width, 0)
	set("height", k.height, 0)
	q.Set("bitrate", strconv.Itoa(k.bitrate*1000))
	q.Set("gop", strconv.Itoa(k.gop))
	q.Set("preset", k.preset)
	set("qmin", k.qmin, h264.DefaultQMin)
	set("qmax", k.qmax, h264.DefaultQMax)
	if k.qos != QoSAuto {
		q.Set("qos_profile", string(k.qos))
	}
	return q
}
