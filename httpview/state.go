package httpview

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"webcam/capture"
)

// TopicState is one camera in /state, as the HTTP side sees it.
type TopicState struct {
	Topic   string  `json:"topic"`
	Viewers int     `json:"viewers"`
	Seq     uint64  `json:"seq,omitempty"` // newest frame; 0 before the first
	Width   int     `json:"width,omitempty"`
	Height  int     `json:"height,omitempty"`
	Format  string  `json:"format,omitempty"`
	Stamp   float64 `json:"stamp,omitempty"` // capture time, Unix seconds
	FPS     float64 `json:"fps,omitempty"`   // the camera's rate while someone watches
	AgeS    float64 `json:"age_s,omitempty"` // how old the newest frame is
}

// HTTPState is the "http" member of /state.
type HTTPState struct {
	Address    string `json:"address"`
	Viewers    int    `json:"viewers"`
	MaxViewers int    `json:"max_viewers"`
	Snapshots  uint64 `json:"snapshots"`
	// PublishRate is Config.PublishRate: Hz at which a stalled stream's last
	// part is sent again; 0: never.
	PublishRate float64 `json:"publish_rate"`
	Encodes     uint64  `json:"jpeg_encodes"` // by anyone in the process since start
	// H.264 (WebRTC and type=h264): the running shared encodes, every
	// encode since start, and the WebRTC viewers now.
	H264          []H264State   `json:"h264"`
	H264Encodes   uint64        `json:"h264_encodes"`
	WebRTCViewers int           `json:"webrtc_viewers"`
	Topics        []TopicState  `json:"topics"`
	Clients       []ViewerState `json:"clients"`
	// The ROS graph's other image topics (graph.go); empty without Config.Graph.
	GraphTopics bool              `json:"graph_topics"`
	Graph       []GraphTopicState `json:"graph"`
}

// GraphTopicState is one image topic of the ROS graph in /state; the frame
// fields are set while the server is subscribed to it.
type GraphTopicState struct {
	TopicState
	Type       string `json:"type"`
	Publishers int    `json:"publishers"`
	Subscribed bool   `json:"subscribed"`
	// QoS is the qos_profile of each subscription ("auto": none asked, a
	// QoS the publishers match), while subscribed.
	QoS   []string `json:"qos_profiles,omitempty"`
	Error string   `json:"error,omitempty"` // why its newest message gave no frame
}

func (s *Server) httpState() HTTPState {
	clients := s.viewerStates()
	st := HTTPState{Viewers: len(clients), MaxViewers: s.maxViewers, Clients: clients, Encodes: capture.Counts().Encodes,
		PublishRate: s.cfg.PublishRate, H264: s.h264.states(), H264Encodes: s.h264.encodes(), WebRTCViewers: s.whep.count()}
	if a := s.Addr(); a != nil {
		st.Address = a.String()
	}
	s.mu.Lock()
	st.Snapshots = s.snapshots
	s.mu.Unlock()
	now := time.Now()
	for _, t := range s.topics {
		st.Topics = append(st.Topics, topicState(t, clients, now))
	}
	st.GraphTopics, st.Graph = s.graph != nil, []GraphTopicState{}
	if s.graph == nil {
		return st
	}
	subscribed := s.graph.subscribed()
	for _, g := range s.graphTopics() {
		gs := GraphTopicState{TopicState: TopicState{Topic: g.Name}, Type: g.Type, Publishers: g.Publishers}
		if ts := subscribed[g.Name]; ts != nil {
			gs.watched(ts, clients, now)
			delete(subscribed, g.Name)
		}
		st.Graph = append(st.Graph, gs)
	}
	for _, name := range slices.Sorted(maps.Keys(subscribed)) { // still subscribed, but no publisher is left
		gs := GraphTopicState{Type: subscribed[name][0].graph}
		gs.watched(subscribed[name], clients, now)
		st.Graph = append(st.Graph, gs)
	}
	return st
}

// watched fills in a subscribed graph topic's frames and error from its
// subscriptions (one per qos_profile): the frames of the one with the newest.
func (gs *GraphTopicState) watched(ts []*topic, clients []ViewerState, now time.Time) {
	newest := ts[0]
	for _, t := range ts {
		gs.QoS = append(gs.QoS, t.qos.label())
		if f, g := t.frames.Load(), newest.frames.Load(); f != nil && (g == nil || f.Stamp.After(g.Stamp)) {
			newest = t
		}
		if err := t.feed.Err(); err != nil && gs.Error == "" {
			gs.Error = err.Error()
		}
	}
	gs.TopicState, gs.Subscribed = topicState(newest, clients, now), true
}

func topicState(t *topic, clients []ViewerState, now time.Time) TopicState {
	ts := TopicState{Topic: t.name}
	for _, c := range clients {
		if c.Topic == t.name {
			ts.Viewers++
		}
	}
	if f := t.frames.Load(); f != nil {
		ts.Seq, ts.Width, ts.Height, ts.Format = f.Seq, f.Width, f.Height, string(f.Format)
		ts.Stamp = float64(f.Stamp.UnixNano()) / 1e9
		ts.AgeS = now.Sub(f.Stamp).Seconds()
		ts.FPS = t.rate.rate(now)
	}
	return ts
}

// handleState merges the node's state (when it is a JSON object) with "http".
func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{}
	if s.cfg.State != nil {
		if node := s.cfg.State(); node != nil {
			out = mergeable(node, s.cfg.Log)
		}
	}
	out["http"] = s.httpState()
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fail(w, http.StatusInternalServerError, "encoding state: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", noCache)
	setWriteDeadline(w, pageWriteTimeout)
	w.Write(append(body, '\n'))
}

// mergeable turns the node's state into a map to merge into: its fields when
// it is a JSON object (numbers kept exact), else {"node": state}.
func mergeable(node any, log *slog.Logger) map[string]any {
	raw, err := json.Marshal(node)
	if err != nil {
		log.Warn("http: /state: node state: " + err.Error())
		return map[string]any{"node_error": err.Error()}
	}
	out := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil || out == nil {
		return map[string]any{"node": node}
	}
	return out
}
