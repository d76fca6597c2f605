package httpview

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pion/turn/v5"
)

// turnServer is a real TURN server (pion/turn) in the test process: UDP on
// 127.0.0.1, a free port, long-term credentials, relay address 127.0.0.1.
// It counts what it does, so a test can prove media went through it.
type turnServer struct {
	url  string // turn:127.0.0.1:PORT?transport=udp
	addr *net.UDPAddr

	mu          sync.Mutex
	allocations map[string]int // made, by user
	refused     map[string]int // failed authentications, by user

	fromPeers atomic.Int64 // bytes the relay sockets received from peers (for the client)
	toPeers   atomic.Int64 // bytes the relay sockets sent to peers (from the client)
}

const turnRealm = "webcam.test"

// startTURN runs a TURN server with the given user → password table until
// the test ends.
func startTURN(t testing.TB, users map[string]string) *turnServer {
	t.Helper()
	ts := &turnServer{allocations: map[string]int{}, refused: map[string]int{}}
	keys := map[string][]byte{}
	for u, p := range users {
		keys[u] = turn.GenerateAuthKey(u, turnRealm, p)
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = conn.LocalAddr().(*net.UDPAddr)
	ts.url = "turn:" + ts.addr.String() + "?transport=udp"
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm: turnRealm,
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			key, ok := keys[ra.Username]
			return ra.Username, key, ok
		},
		EventHandler: turn.EventHandler{
			// A wrong password is refused by the message integrity check
			// after AuthHandler returned the key: only OnAuth sees it.
			OnAuth: func(_, _ net.Addr, _, user, _, _ string, ok bool) {
				if !ok {
					ts.mu.Lock()
					ts.refused[user]++
					ts.mu.Unlock()
				}
			},
			OnAllocationCreated: func(_, _ net.Addr, _, user, _ string, _ net.Addr, _ int) {
				ts.mu.Lock()
				ts.allocations[user]++
				ts.mu.Unlock()
			},
		},
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn: conn,
			RelayAddressGenerator: &countingRelays{
				RelayAddressGeneratorStatic: &turn.RelayAddressGeneratorStatic{RelayAddress: net.IPv4(127, 0, 0, 1), Address: "127.0.0.1"},
				ts:                          ts,
			},
		}},
	})
	if err != nil {
		conn.Close()
		t.Fatalf("TURN server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return ts
}

func (ts *turnServer) counts() (allocations, refused map[string]int) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	a, r := map[string]int{}, map[string]int{}
	for k, v := range ts.allocations {
		a[k] = v
	}
	for k, v := range ts.refused {
		r[k] = v
	}
	return a, r
}

// countingRelays makes the relay sockets of allocations, counting their bytes.
type countingRelays struct {
	*turn.RelayAddressGeneratorStatic
	ts *turnServer
}

func (g *countingRelays) AllocatePacketConn(c turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	conn, addr, err := g.RelayAddressGeneratorStatic.AllocatePacketConn(c)
	if err != nil {
		return nil, nil, err
	}
	return &countingConn{PacketConn: conn, ts: g.ts}, addr, nil
}

type countingConn struct {
	net.PacketConn
	ts *turnServer
}

func (c *countingConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, addr, err := c.PacketConn.ReadFrom(p)
	c.ts.fromPeers.Add(int64(n))
	return n, addr, err
}

func (c *countingConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	n, err := c.PacketConn.WriteTo(p, addr)
	c.ts.toPeers.Add(int64(n))
	return n, err
}

// relayViewer is a WHEP client run in the page: a relay-only
// RTCPeerConnection (iceTransportPolicy "relay": Chromium offers only TURN
// relay candidates and sends only through them, so it can reach the server
// through the TURN server or not at all). It gathers candidates before the
// POST (the server does no trickle ICE): until gathering completes, or for
// 2 s at most as the /webrtc page does (where lo is Chromium's only network,
// the relay candidate comes in 0.1 s but gathering completes only after
// 10 s). Then it plays the answer in a
// <video id="video"> (the id readCounters reads). It keeps its progress in
// window.relayTest and its peer in window.relayPC; it never DELETEs the
// session, so the server alone decides when a failed one ends.
//
// Its argument is the ICE servers, or null to take them from the /webrtc
// page of the topic (data-ice: what the server hands its own viewers).
const relayViewer = `(async (whep, page, iceServers) => {
  const t = window.relayTest = { ice: "new", iceStates: [], gathered: false, candidates: [],
    status: 0, answer: "", resource: null, error: null, frames: 0, iceServers: null, ms: {} };
  const began = performance.now(), mark = (what) => { t.ms[what] = Math.round(performance.now() - began); };
  try {
    if (iceServers === null) {
      const html = await (await fetch(page)).text();
      const main = new DOMParser().parseFromString(html, "text/html").getElementById("webrtc");
      iceServers = JSON.parse(main.dataset.ice);
    }
    t.iceServers = iceServers;
    const pc = window.relayPC = new RTCPeerConnection({ iceServers, iceTransportPolicy: "relay" });
    const video = document.createElement("video");
    video.id = "video";
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    document.body.append(video);
    const frame = () => { if (!t.frames++) mark("frame"); video.requestVideoFrameCallback(frame); };
    video.requestVideoFrameCallback(frame);
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.ontrack = (e) => { video.srcObject = new MediaStream([e.track]); };
    pc.oniceconnectionstatechange = () => { t.ice = pc.iceConnectionState; t.iceStates.push(t.ice); mark(t.ice); };
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      const done = () => { if (pc.iceGatheringState === "complete") { t.gathered = true; resolve(); } };
      pc.addEventListener("icegatheringstatechange", done);
      done();
      setTimeout(resolve, 2000); // as the /webrtc page does: then send what there is
    });
    mark("gathered");
    t.candidates = pc.localDescription.sdp.split(/\r?\n/).filter((l) => l.startsWith("a=candidate:"));
    const resp = await fetch(whep, { method: "POST", headers: { "Content-Type": "application/sdp" }, body: pc.localDescription.sdp });
    t.status = resp.status;
    mark("answered");
    const body = t.answer = await resp.text();
    if (resp.status !== 201) throw new Error("the server answered " + resp.status + ": " + body.trim());
    t.resource = resp.headers.get("Location");
    await pc.setRemoteDescription({ type: "answer", sdp: body });
  } catch (e) {
    t.error = String(e);
  }
  return true;
})`

type relayState struct {
	ICE        string            `json:"ice"`
	ICEStates  []string          `json:"iceStates"`
	Gathered   bool              `json:"gathered"`
	Candidates []string          `json:"candidates"`
	Status     int               `json:"status"`
	Answer     string            `json:"answer"`
	Resource   *string           `json:"resource"`
	Error      *string           `json:"error"`
	Frames     int               `json:"frames"`
	ICEServers []json.RawMessage `json:"iceServers"`
	Ms         map[string]int    `json:"ms"` // when each step ended, from the start
}

func readRelay(ctx context.Context) (relayState, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[relayState](`window.relayTest`))
}

// selectedPair is Chromium's getStats view of the pair ICE selected.
type selectedPair struct {
	Local          string  `json:"local"`  // candidateType: host, srflx, prflx, relay
	Remote         string  `json:"remote"` // the server's side
	RelayProtocol  string  `json:"relayProtocol"`
	LocalAddress   string  `json:"localAddress"`
	RemoteAddress  string  `json:"remoteAddress"`
	BytesReceived  float64 `json:"bytesReceived"`
	FramesDecoded  float64 `json:"framesDecoded"`
	PairsSucceeded int     `json:"pairsSucceeded"`
}

const readSelectedPair = `(async () => {
  const stats = await window.relayPC.getStats();
  const out = { local: "", remote: "", relayProtocol: "", localAddress: "", remoteAddress: "",
    bytesReceived: 0, framesDecoded: 0, pairsSucceeded: 0 };
  let pairId = null;
  stats.forEach((r) => {
    if (r.type === "transport" && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
    if (r.type === "candidate-pair" && r.state === "succeeded") out.pairsSucceeded++;
    if (r.type === "inbound-rtp" && r.kind === "video") { out.framesDecoded = r.framesDecoded || 0; }
  });
  const pair = pairId && stats.get(pairId);
  if (pair) {
    const l = stats.get(pair.localCandidateId), r = stats.get(pair.remoteCandidateId);
    out.local = l.candidateType; out.relayProtocol = l.relayProtocol || "";
    out.localAddress = l.address + ":" + l.port;
    out.remote = r.candidateType; out.remoteAddress = r.address + ":" + r.port;
    out.bytesReceived = pair.bytesReceived;
  }
  return out;
})()`

// relayBrowser opens a page of the server (its stylesheet: any page of its
// origin will do, and this one starts no stream of its own) in Chromium and
// starts relayViewer on the topic's WHEP URL.
//
// Chromium takes no network interface marked loopback for WebRTC, and a TURN
// allocation is made from the sockets of those interfaces: on a machine
// whose only interface is lo (a container or CI job without a network,
// reproduced with `unshare -n`) it never sends the TURN server a packet, has
// no relay candidate, and the page cannot connect. Where another interface
// is up its sockets reach 127.0.0.1 anyway, which hid this.
// --allow-loopback-in-peer-connection lets it use lo; with a relay-only
// policy it still offers and uses relay candidates only, so the flag adds
// no path around the TURN server.
func relayBrowser(t *testing.T, ts *testServer, iceServers any) context.Context {
	t.Helper()
	ctx, _ := browser(t, chromedp.Flag("allow-loopback-in-peer-connection", true))
	if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.url+"/static/style.css")); err != nil {
		t.Fatal(err)
	}
	topic := url.Values{"topic": {"/cam/image_raw"}}.Encode()
	args, _ := json.Marshal([]any{"/whep?" + topic, "/webrtc?" + topic, iceServers})
	call := "(" + relayViewer + "(..." + string(args) + "), true)"
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](call)); err != nil { // runs on in the page
		t.Fatal(err)
	}
	return ctx
}

// TestWebRTCThroughTURN: a Chromium that may only use TURN relay candidates
// plays the server's WebRTC stream through a real TURN server, with the
// ICE servers and credentials the server hands its /webrtc page (the
// node's webrtc_ice_servers, webrtc_turn_user and password file, as
// Config.WebRTC). The picture arrives and advances, Chromium's selected
// pair is a relay candidate of that TURN server, and the TURN server
// relayed the media.
func TestWebRTCThroughTURN(t *testing.T) {
	turnSrv := startTURN(t, map[string]string{"robot": "s3cret pass"})
	cam := startCamera(t, "testpattern://", 640, 480, 30)
	ts := startServer(t, Config{WebRTC: WebRTCConfig{ICEServers: []string{turnSrv.url}, TURNUser: "robot", TURNPassword: "s3cret pass"}},
		Topic{Name: "/cam/image_raw", Frames: cam.latest})
	ctx := relayBrowser(t, ts, nil)

	var st relayState
	if !waitFor(15*time.Second, func() bool {
		st, _ = readRelay(ctx)
		return st.Frames > 0 || st.Error != nil || st.ICE == "failed"
	}) || st.Frames == 0 {
		allocs, refused := turnSrv.counts()
		t.Fatalf("no picture through TURN: %+v; TURN allocations %v, refused %v, %d bytes relayed", st, allocs, refused, turnSrv.fromPeers.Load())
	}
	// The page used what the server hands its viewers.
	var servers []struct {
		URLs       []string `json:"urls"`
		Username   string   `json:"username"`
		Credential string   `json:"credential"`
	}
	raw, _ := json.Marshal(st.ICEServers)
	if err := json.Unmarshal(raw, &servers); err != nil || len(servers) != 1 || len(servers[0].URLs) != 1 ||
		servers[0].URLs[0] != turnSrv.url || servers[0].Username != "robot" || servers[0].Credential != "s3cret pass" {
		t.Errorf("the /webrtc page's ICE servers: %s, want %s for robot", raw, turnSrv.url)
	}
	if len(st.Candidates) == 0 {
		t.Errorf("Chromium offered no candidate")
	}
	for _, c := range st.Candidates {
		if !strings.Contains(c, " typ relay") {
			t.Errorf("a relay-only offer has a candidate that is not a relay: %s", c)
		}
	}
	if !strings.Contains(st.Answer, " typ relay ") {
		t.Errorf("the server's answer has no relay candidate of its own:\n%s", st.Answer)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](readCounters)); err != nil {
		t.Fatal(err)
	}
	relayedBefore := turnSrv.fromPeers.Load()
	first, err := chromedp.Run(ctx, chromedp.Evaluate[selectedPair](readSelectedPair, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	const watch = 3 * time.Second
	time.Sleep(watch)
	pair, err := chromedp.Run(ctx, chromedp.Evaluate[selectedPair](readSelectedPair, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	relayed := turnSrv.fromPeers.Load() - relayedBefore
	counters, err := chromedp.Run(ctx, chromedp.Evaluate[[][3]float64](`window.testFrames || []`))
	if err != nil {
		t.Fatal(err)
	}
	allocs, refused := turnSrv.counts()
	t.Logf("through TURN: steps at %v ms (gathering complete: %v)", st.Ms, st.Gathered)
	t.Logf("through TURN: selected pair %s %s → %s %s (%s), %v frames decoded in %s, %d bytes relayed to the viewer in it (%d in all, %d from it); allocations %v",
		pair.Local, pair.LocalAddress, pair.Remote, pair.RemoteAddress, pair.RelayProtocol,
		pair.FramesDecoded-first.FramesDecoded, watch, relayed, turnSrv.fromPeers.Load(), turnSrv.toPeers.Load(), allocs)

	if pair.Local != "relay" || pair.RelayProtocol != "udp" {
		t.Errorf("Chromium's selected local candidate is %q over %q, want a relay over udp", pair.Local, pair.RelayProtocol)
	}
	if !strings.HasPrefix(pair.LocalAddress, "127.0.0.1:") {
		t.Errorf("Chromium's relay candidate %s is not on the TURN server's relay address 127.0.0.1", pair.LocalAddress)
	}
	if allocs["robot"] < 1 || len(refused) != 0 {
		t.Errorf("TURN allocations %v, refused %v: want allocations for robot and no refusal", allocs, refused)
	}
	// Decoded and advancing: the decoder's count grows, and the test
	// pattern's frame counter read from the pictures goes up.
	if got := pair.FramesDecoded - first.FramesDecoded; got < 30 {
		t.Errorf("%v frames decoded in %s through TURN, want ≥ 30 (camera at 30 fps)", got, watch)
	}
	if len(counters) < 30 || counters[len(counters)-1][0] <= counters[0][0] {
		t.Errorf("the test pattern's counter did not advance: %d pictures read, %v", len(counters), counters[:min(len(counters), 3)])
	}
	if relayed < 50<<10 {
		t.Errorf("the TURN server relayed %d bytes to the viewer in %s, want > 50 KiB", relayed, watch)
	}
	if float64(relayed) < 0.9*(pair.BytesReceived-first.BytesReceived) {
		t.Errorf("Chromium received %v bytes on the relay pair, the TURN server relayed only %d", pair.BytesReceived-first.BytesReceived, relayed)
	}
}

// TestWebRTCThroughTURNWrongPassword: a relay-only Chromium with a wrong
// TURN password gets no relay candidate (the TURN server refuses it), so it
// can never connect; the server, which answered its offer, frees the WHEP
// session and its encode by itself once ICE gives up, as for any viewer
// that never connects.
func TestWebRTCThroughTURNWrongPassword(t *testing.T) {
	turnSrv := startTURN(t, map[string]string{"robot": "s3cret pass", "viewer": "right"})
	cam := startCamera(t, "testpattern://", 320, 240, 30)
	ts := startServer(t, Config{WebRTC: WebRTCConfig{ICEServers: []string{turnSrv.url}, TURNUser: "robot", TURNPassword: "s3cret pass"}},
		Topic{Name: "/cam/image_raw", Frames: cam.latest})
	ctx := relayBrowser(t, ts, []map[string]any{{"urls": turnSrv.url, "username": "viewer", "credential": "wrong"}})

	var st relayState
	if !waitFor(15*time.Second, func() bool { st, _ = readRelay(ctx); return st.Status != 0 || st.Error != nil }) || st.Status != 201 {
		t.Fatalf("the offer was not answered: %+v", st)
	}
	answered := time.Now()
	if len(st.Candidates) != 0 {
		t.Errorf("Chromium offered candidates with a wrong TURN password: %v", st.Candidates)
	}
	if n := ts.whep.count(); n != 1 {
		t.Fatalf("%d WHEP sessions after the answer, want 1", n)
	}
	// Nothing ever reaches the server's agent, so its ICE fails
	// iceDisconnected+iceFailed after it started checking (on the answer),
	// and the peer is dropped then: well before connectTimeout, the backstop
	// for a peer whose ICE never starts.
	bound := iceDisconnected + iceFailed + 3*time.Second
	if !waitFor(bound, func() bool { return ts.whep.count() == 0 && len(ts.h264.states()) == 0 }) {
		t.Fatalf("%s after the answer: %d WHEP sessions, encodes %+v; want none", bound, ts.whep.count(), ts.h264.states())
	}
	released := time.Since(answered)
	st, _ = readRelay(ctx)
	allocs, refused := turnSrv.counts()
	t.Logf("wrong TURN password: session released %s after the answer; Chromium ICE %s (states %v), %d frames; TURN allocations %v, refused %v, %d bytes relayed",
		released.Round(10*time.Millisecond), st.ICE, st.ICEStates, st.Frames, allocs, refused, turnSrv.fromPeers.Load())
	if st.ICE == "connected" || st.ICE == "completed" || st.Frames != 0 {
		t.Errorf("Chromium connected without a relay: ICE %s, %d frames", st.ICE, st.Frames)
	}
	if refused["viewer"] == 0 || allocs["viewer"] != 0 {
		t.Errorf("TURN server: refused %v, allocations %v; want the viewer refused and never allocated", refused, allocs)
	}
	if !waitFor(2*time.Second, func() bool { return strings.Contains(ts.logs.String(), "left (connection failed)") }) {
		t.Errorf("the server did not log the viewer leaving on failed ICE:\n%s", ts.logs)
	}
}

// TestWHEPAnswerCandidatesFromSTUNAndTURN: with a STUN or a TURN server
// configured, the server's own agent asks it and offers what it learned in
// the answer: a server-reflexive candidate (the address the STUN server saw
// its query come from, 127.0.0.1:port, on a port no host candidate has: its
// base is the wildcard socket) or a relay candidate on the TURN server's
// relay address; without ICE servers, neither. A TURN server that refuses
// the credentials leaves no relay candidate and does not delay the answer.
// The pion TURN server answers STUN binding requests too (and pion asks a
// TURN server for its reflexive address as well).
//
// On loopback this shows that the STUN and TURN settings reach pion and
// are used, not that a NAT is traversed: no NAT is involved.
func TestWHEPAnswerCandidatesFromSTUNAndTURN(t *testing.T) {
	turnSrv := startTURN(t, map[string]string{"robot": "s3cret pass"})
	stunURL := "stun:" + turnSrv.addr.String()
	for _, tt := range []struct {
		name         string
		webrtc       WebRTCConfig
		want, absent []string // candidate types the answer must have, and must not
	}{
		{"none", WebRTCConfig{}, []string{"host"}, []string{"srflx", "relay"}},
		{"stun", WebRTCConfig{ICEServers: []string{stunURL}}, []string{"host", "srflx"}, []string{"relay"}},
		{"turn", WebRTCConfig{ICEServers: []string{turnSrv.url}, TURNUser: "robot", TURNPassword: "s3cret pass"}, []string{"host", "relay"}, nil},
		{"turn wrong password", WebRTCConfig{ICEServers: []string{turnSrv.url}, TURNUser: "robot", TURNPassword: "nope"}, []string{"host"}, []string{"relay"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := oneCamera(t, Config{WebRTC: tt.webrtc}, "testpattern://")
			began := time.Now()
			resp, err := client().Post(ts.url+"/whep?topic=/cam/image_raw", "application/sdp", strings.NewReader(goodOffer))
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			took := time.Since(began)
			if resp.StatusCode != 201 {
				t.Fatalf("answer: %d %s", resp.StatusCode, answer)
			}
			types := map[string][]string{} // type → addresses, of the RTP component
			hosts := map[string]bool{}
			for line := range strings.SplitSeq(string(answer), "\n") {
				if c, ok := strings.CutPrefix(strings.TrimSpace(line), "a=candidate:"); ok {
					f := strings.Fields(c) // foundation component transport priority address port typ type …
					if len(f) >= 8 && f[1] == "1" && f[6] == "typ" {
						types[f[7]] = append(types[f[7]], net.JoinHostPort(f[4], f[5]))
						if f[7] == "host" {
							hosts[net.JoinHostPort(f[4], f[5])] = true
						}
					}
				}
			}
			t.Logf("answered in %s with candidates %v", took.Round(time.Millisecond), types)
			for _, typ := range tt.want {
				if len(types[typ]) == 0 {
					t.Errorf("the answer has no %s candidate:\n%s", typ, answer)
				}
			}
			for _, typ := range tt.absent {
				if len(types[typ]) != 0 {
					t.Errorf("the answer has %s candidates %v", typ, types[typ])
				}
			}
			for _, a := range append(types["srflx"], types["relay"]...) {
				if !strings.HasPrefix(a, "127.0.0.1:") || hosts[a] {
					t.Errorf("candidate %s: not an address learned from the STUN/TURN server on 127.0.0.1", a)
				}
			}
			if took > gatherTimeout/2 {
				t.Errorf("the answer took %s: gathering waited on the STUN/TURN server", took)
			}
		})
	}
	if _, refused := turnSrv.counts(); refused["robot"] == 0 {
		t.Errorf("the TURN server refused no wrong password of robot: the server did not try it")
	}
}
