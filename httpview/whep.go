package httpview

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/sdp/v3"
	"github.com/pion/stun/v4"
	"github.com/pion/webrtc/v4"
)

// WHEP (the IETF WISH egress protocol, as go2rtc and MediaMTX serve it):
//
//	POST   /whep?topic=…[&width&height&bitrate&gop&preset]  SDP offer → 201, SDP answer, Location
//	DELETE /whep/{id}                                         leave
//
// The answer carries every candidate (no trickle ICE: host candidates are
// gathered in milliseconds), so PATCH is answered 405 as the draft allows.

const (
	maxOfferBytes  = 64 << 10
	gatherTimeout  = 5 * time.Second  // host (and STUN) candidates
	connectTimeout = 15 * time.Second // an answered peer that never connects is dropped
	// ICE: a peer silent for iceDisconnected is disconnected, and failed
	// iceFailed later; its resources are freed then (a killed browser is
	// gone within about 4 s).
	iceDisconnected = 2 * time.Second
	iceFailed       = 2 * time.Second
	iceKeepalive    = 500 * time.Millisecond
)

// WebRTCConfig is how peers reach the server.
type WebRTCConfig struct {
	// ICEServers are STUN/TURN URLs (stun:host:port, turn:host:port?transport=udp)
	// for viewers on other networks; none means host candidates only.
	ICEServers []string
	// TURNUser and TURNPassword are the credentials for the turn: URLs.
	TURNUser, TURNPassword string
}

func (c WebRTCConfig) iceServers() []webrtc.ICEServer {
	var out []webrtc.ICEServer
	for _, u := range c.ICEServers {
		s := webrtc.ICEServer{URLs: []string{u}}
		if strings.HasPrefix(u, "turn") {
			s.Username, s.Credential = c.TURNUser, c.TURNPassword
		}
		out = append(out, s)
	}
	return out
}

// check refuses URLs pion cannot use, naming them.
func (c WebRTCConfig) check() error {
	for _, u := range c.ICEServers {
		uri, err := stun.ParseURI(u)
		if err != nil {
			return fmt.Errorf("ICE server %q: %v (allowed: stun:host[:port], stuns:…, turn:host[:port][?transport=udp|tcp], turns:…)", u, err)
		}
		if (uri.Scheme == stun.SchemeTypeTURN || uri.Scheme == stun.SchemeTypeTURNS) && (c.TURNUser == "" || c.TURNPassword == "") {
			return fmt.Errorf("ICE server %q is a TURN server: it needs a TURN user and password", u)
		}
	}
	return nil
}

// whepPeers are the WebRTC viewers.
type whepPeers struct {
	api   *webrtc.API
	ice   []webrtc.ICEServer
	mu    sync.Mutex
	peers map[string]*whepPeer
}

type whepPeer struct {
	id      string
	remote  string
	topic   string
	since   time.Time
	pc      *webrtc.PeerConnection
	session *h264Session
	leave   func()
	once    sync.Once
}

func newWHEPPeers(cfg WebRTCConfig) (*whepPeers, error) {
	m := &webrtc.MediaEngine{}
	// The encoder's constrained baseline, and the profiles a relayed H.264
	// source may have (pion matches a track to a codec on profile and
	// constraint bytes; the level is the stream's own).
	for i, profile := range []string{"", "42001f", "4d001f", "64001f", "f4001f"} {
		if err := m.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000, SDPFmtpLine: fmtpFor(profile),
				RTCPFeedback: []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}}},
			PayloadType: webrtc.PayloadType(102 + 2*i),
		}, webrtc.RTPCodecTypeVideo); err != nil {
			return nil, err
		}
	}
	reg := &interceptor.Registry{}
	// NACK resends, RTCP sender reports and receiver-report handling.
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, err
	}
	var se webrtc.SettingEngine
	se.SetICETimeouts(iceDisconnected, iceFailed, iceKeepalive)
	se.SetIncludeLoopbackCandidate(true) // a viewer on the robot itself
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	return &whepPeers{api: api, ice: cfg.iceServers(), peers: map[string]*whepPeer{}}, nil
}

// handleWHEP answers a WHEP offer with a peer that receives the topic's
// shared H.264 encode.
func (s *Server) handleWHEP(w http.ResponseWriter, r *http.Request) {
	setWriteDeadline(w, pageWriteTimeout)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/sdp" {
		fail(w, http.StatusUnsupportedMediaType, fmt.Sprintf("a WHEP offer is Content-Type application/sdp, not %s", quote(r.Header.Get("Content-Type"))))
		return
	}
	offer, profiles, rerr := readOffer(r)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	q, rerr := query(r)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	session, leave, rerr := s.openH264(q, profiles.accepts)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	p, answer, err := s.whep.answer(r.Context(), session, leave, offer)
	if err != nil {
		leave()
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	p.remote, p.topic = r.RemoteAddr, session.key.topic
	s.cfg.Log.Info(fmt.Sprintf("http: WebRTC viewer %s of %s joined (%s)", r.RemoteAddr, p.topic, session.key.describe()))
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/whep/"+p.id)
	w.Header().Set("Cache-Control", noCache)
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, answer)
}

// readOffer reads and checks the offer: well-formed SDP with a video section
// that can receive H.264 in packetization mode 1. It also returns the H.264
// profiles the offer can receive.
func readOffer(r *http.Request) (string, offeredProfiles, *requestError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxOfferBytes+1))
	if err != nil {
		return "", nil, badRequest("reading the offer: %v", err)
	}
	if len(body) > maxOfferBytes {
		return "", nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the offer is over %d bytes", maxOfferBytes)}
	}
	var d sdp.SessionDescription
	if err := d.UnmarshalString(string(body)); err != nil {
		return "", nil, badRequest("the offer is not valid SDP: %v", err)
	}
	if why := h264Receivable(&d); why != "" {
		return "", nil, badRequest("the offer cannot receive this server's video: %s", why)
	}
	return string(body), h264Profiles(&d), nil
}

// offeredProfiles are the profile and constraint bytes (4 hex digits) of
// the H.264 formats an offer receives in packetization mode 1.
type offeredProfiles map[string]bool

// accepts reports whether a track of profile-level-id p can be sent.
func (o offeredProfiles) accepts(p string) bool { return len(p) >= 4 && o[strings.ToLower(p[:4])] }

// h264Profiles lists an offer's receivable H.264 profiles. An fmtp without
// profile-level-id means baseline (RFC 6184, 8.1).
func h264Profiles(d *sdp.SessionDescription) offeredProfiles {
	out := offeredProfiles{}
	for _, m := range d.MediaDescriptions {
		if m.MediaName.Media != "video" {
			continue
		}
		for _, params := range h264Mode1Formats(m) {
			id := "42000a"
			for _, kv := range strings.Split(params, ";") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "profile-level-id="); ok && len(v) == 6 {
					id = v
				}
			}
			out[strings.ToLower(id[:4])] = true
		}
	}
	return out
}

// h264Mode1Formats are the fmtp parameters of a media section's H.264
// formats in packetization mode 1.
func h264Mode1Formats(m *sdp.MediaDescription) []string {
	var out []string
	for _, a := range m.Attributes {
		pt, codec, ok := strings.Cut(a.Value, " ")
		if a.Key != "rtpmap" || !ok || !strings.HasPrefix(strings.ToUpper(codec), "H264/90000") {
			continue
		}
		for _, f := range m.Attributes {
			if params, ok := strings.CutPrefix(f.Value, pt+" "); ok && f.Key == "fmtp" && strings.Contains(params, "packetization-mode=1") {
				out = append(out, params)
			}
		}
	}
	return out
}

// h264Receivable says why d has no video section that can receive H.264
// with packetization-mode=1, or "".
func h264Receivable(d *sdp.SessionDescription) string {
	video := false
	for _, m := range d.MediaDescriptions {
		if m.MediaName.Media != "video" {
			continue
		}
		video = true
		if _, ok := m.Attribute("sendonly"); ok {
			continue
		}
		if _, ok := m.Attribute("inactive"); ok {
			continue
		}
		if len(h264Mode1Formats(m)) > 0 {
			return ""
		}
	}
	if !video {
		return "it has no video section (add a recvonly video transceiver)"
	}
	return "no video section offers H.264 with packetization-mode=1 for receiving; this server sends only H.264 (constrained baseline)"
}

// answer makes the peer for an offer, bound to the session's track.
func (wp *whepPeers) answer(ctx context.Context, session *h264Session, leave func(), offer string) (*whepPeer, string, error) {
	pc, err := wp.api.NewPeerConnection(webrtc.Configuration{ICEServers: wp.ice})
	if err != nil {
		return nil, "", fmt.Errorf("cannot make a peer connection: %v", err)
	}
	p := &whepPeer{id: newResourceID(), since: time.Now(), pc: pc, session: session, leave: leave}
	sender, err := pc.AddTrack(session.track.track)
	if err == nil {
		err = pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer})
	}
	var ans webrtc.SessionDescription
	if err == nil {
		ans, err = pc.CreateAnswer(nil)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err == nil {
		err = pc.SetLocalDescription(ans)
	}
	if err != nil {
		pc.Close()
		return nil, "", fmt.Errorf("the offer cannot be answered: %v", err)
	}
	select {
	case <-gathered:
	case <-time.After(gatherTimeout):
	case <-ctx.Done():
		pc.Close()
		return nil, "", ctx.Err()
	}
	wp.mu.Lock()
	wp.peers[p.id] = p
	wp.mu.Unlock()
	go p.readRTCP(sender)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			session.requestKeyframe() // a picture at once, not at the next GOP
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			wp.drop(p, "connection "+st.String())
		}
	})
	time.AfterFunc(connectTimeout, func() {
		if s := pc.ConnectionState(); s == webrtc.PeerConnectionStateNew || s == webrtc.PeerConnectionStateConnecting {
			wp.drop(p, fmt.Sprintf("not connected within %s", connectTimeout))
		}
	})
	return p, pc.LocalDescription().SDP, nil
}

// readRTCP turns a viewer's picture-loss and full-intra requests into a
// keyframe; it ends when the peer closes.
func (p *whepPeer) readRTCP(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				p.session.requestKeyframe()
			}
		}
	}
}

// drop closes a peer and leaves its session, once.
func (wp *whepPeers) drop(p *whepPeer, why string) {
	p.once.Do(func() {
		wp.mu.Lock()
		delete(wp.peers, p.id)
		wp.mu.Unlock()
		go func() { // not from inside pion's callbacks, which Close waits on
			p.pc.Close()
			p.leave()
			p.session.log.Info(fmt.Sprintf("http: WebRTC viewer %s of %s left (%s)", p.remote, p.topic, why))
		}()
	})
}

// handleWHEPDelete ends a WebRTC viewer's session (WHEP's DELETE).
func (s *Server) handleWHEPDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.whep.mu.Lock()
	p := s.whep.peers[id]
	s.whep.mu.Unlock()
	if p == nil {
		fail(w, http.StatusNotFound, fmt.Sprintf("no WebRTC session %s (it ended, or never existed)", quote(id)))
		return
	}
	s.whep.drop(p, "DELETE")
	w.WriteHeader(http.StatusOK)
}

// handleWHEPPatch refuses trickle ICE and ICE restarts, as WHEP allows.
func (s *Server) handleWHEPPatch(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "DELETE")
	fail(w, http.StatusMethodNotAllowed, "trickle ICE and ICE restarts are not supported: the answer carries every candidate; to reconnect, DELETE and POST a new offer")
}

// closeAll ends every peer (server shutdown).
func (wp *whepPeers) closeAll() {
	wp.mu.Lock()
	all := make([]*whepPeer, 0, len(wp.peers))
	for _, p := range wp.peers {
		all = append(all, p)
	}
	wp.mu.Unlock()
	for _, p := range all {
		p.once.Do(func() {
			wp.mu.Lock()
			delete(wp.peers, p.id)
			wp.mu.Unlock()
			p.pc.Close()
			p.leave()
		})
	}
}

// count is the number of WebRTC viewers.
func (wp *whepPeers) count() int {
	wp.mu.Lock()
	defer wp.mu.Unlock()
	return len(wp.peers)
}

func newResourceID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// openH264 parses a WebRTC or type=h264 query and joins (or starts) the
// shared encode it names.
func (s *Server) openH264(q url.Values, accepts func(profileLevelID string) bool) (*h264Session, func(), *requestError) {
	v, release, rerr := s.openView(q)
	if rerr != nil {
		return nil, nil, rerr
	}
	return s.joinH264(q, v, release, accepts)
}

// joinH264 joins (or starts) the shared encode a parsed view and its H.264
// settings name, taking over release (the view's graph subscription).
func (s *Server) joinH264(q url.Values, v viewRequest, release func(), accepts func(profileLevelID string) bool) (*h264Session, func(), *requestError) {
	key, rerr := s.h264Request(q, v)
	if rerr != nil {
		release()
		return nil, nil, rerr
	}
	encKey := key
	if relay, ok := relayKey(key, v.topic, accepts); ok {
		key = relay
	}
	h, leave, err := s.h264.acquire(key, encKey, v.topic, release)
	if err != nil {
		return nil, nil, &requestError{http.StatusServiceUnavailable, err.Error()}
	}
	return h, leave, nil
}
