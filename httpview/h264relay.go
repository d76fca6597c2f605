package httpview

import (
	"errors"
	"fmt"
	"strconv"

	"webcam/capture"
	"webcam/h264"
)

// Passthrough of H.264 sources. A source that already delivers H.264 (an
// RTSP camera, an H.264 file, a gst: pipeline ending in video/x-h264) is
// relayed to WebRTC and type=h264 viewers as it comes: no decode, no encode,
// every access unit in order (a lost P picture would spoil the picture up to
// the next IDR). Its viewers share one relay per topic, as encoded viewers
// share an encode; bitrate, gop and preset do not apply to it. A viewer that
// asks for another size, or whose browser cannot take the stream's profile,
// gets the shared encode of the decoded pictures instead.

// relayProfiles are the profile-level-ids a WebRTC track may announce for a
// stream whose SPS says sps (hex), best first: the stream's own profile with
// the canonical constraint byte (what browsers offer and pion matches on),
// then the profiles above it whose decoders must decode it (H.264 A.2:
// constrained baseline ⊂ main ⊂ high ⊂ high 4:4:4 predictive), each with
// the stream's own level. Debian's Chromium, for one, offers high 4:4:4 but
// not high. Profiles browsers do not decode over WebRTC give none.
func relayProfiles(sps string) []string {
	if len(sps) != 6 {
		return nil
	}
	b, err := strconv.ParseUint(sps, 16, 32)
	if err != nil {
		return nil
	}
	profile, constraints, level := byte(b>>16), byte(b>>8), byte(b)
	var ids []string
	switch {
	case profile == 66 && constraints&0x40 != 0: // constraint_set1: constrained baseline
		ids = []string{"42e0", "4d00", "6400", "f400"}
	case profile == 66:
		ids = []string{"4200"} // baseline's FMO and ASO are in no other profile
	case profile == 77:
		ids = []string{"4d00", "6400", "f400"}
	case profile == 100:
		ids = []string{"6400", "f400"}
	case profile == 244:
		ids = []string{"f400"}
	}
	for i := range ids {
		ids[i] += fmt.Sprintf("%02x", level)
	}
	return ids
}

// relayKey is the passthrough key for key's topic when the topic's source
// sends H.264, the viewer asks for no other size, and accepts (nil: any)
// takes the stream's profile. ok is false when the viewer needs an encode.
func relayKey(key h264Key, t *topic, accepts func(profileLevelID string) bool) (h264Key, bool) {
	f := t.frames.Load()
	if f == nil || f.Format != capture.H264 {
		return key, false
	}
	st, _, ok := f.H264()
	if !ok || st.Reorders() {
		return key, false
	}
	if w, h := fitSize(f.Width, f.Height, key.width, key.height); (w != 0 || h != 0) && (w != f.Width || h != f.Height) {
		return key, false
	}
	for _, profile := range relayProfiles(st.ProfileLevelID()) {
		if accepts == nil || accepts(profile) {
			return h264Key{topic: key.topic, qos: key.qos, relay: true, profile: profile}, true
		}
	}
	return key, false
}

// errReorders: the relayed stream sent a B picture. Its units come in
// decoding order, which WebRTC's decoders and an MP4 without composition
// offsets would show as they come: the session encodes instead.
var errReorders = errors.New("the source sends B-frames")

// relay runs a passthrough session: the access units of the topic's H.264
// stream, from the next IDR on, to the track and the HTTP sinks. When the
// source is reopened (a new stream) it follows the new one. When the stream
// turns out to have B-frames, or the topic's frames stop being H.264, it
// returns true: the session goes on as an encode of the decoded pictures,
// on the same track (constrained baseline, which every decoder of the
// relayed profile decodes); its MP4 viewers see new parameter sets and
// reconnect.
func (h *h264Session) relay() (encode bool) {
	var after uint64
	for {
		f, err := h.topic.frames.Next(h.ctx, after)
		if err != nil {
			return false
		}
		after = f.Seq
		st, _, ok := f.H264()
		f.Release()
		if ok {
			err = h.relayStream(st)
		}
		switch {
		case ok && errors.Is(err, capture.ErrStreamClosed):
			continue
		case !ok || errors.Is(err, errReorders):
			why := "the source no longer sends H.264"
			if ok {
				why = err.Error()
			}
			h.log.Info(fmt.Sprintf("http: h264 %s: %s: encoding instead of relaying", h.key.topic, why))
			h.relays.Store(false)
			return true
		}
		return false
	}
}

// relayStream sends one stream's access units until it closes or the
// session ends.
func (h *h264Session) relayStream(st *capture.H264Stream) error {
	h.stream.Store(st)
	defer h.stream.Store(nil)
	last := st.Newest()
	waitKey := true
	st.RequestKeyframe()
	for {
		u, err := st.Next(h.ctx, last)
		if err != nil {
			return err
		}
		last = u.Index
		if st.Reorders() {
			return errReorders
		}
		if waitKey && !u.Keyframe {
			continue
		}
		waitKey = false
		h.relayed.Add(1)
		h.bytes.Add(uint64(len(u.Data)))
		if u.Keyframe {
			h.keyframes.Add(1)
		}
		au := h264.AccessUnit{Data: u.Data, Keyframe: u.Keyframe, Seq: u.Index, Stamp: u.Stamp}
		h.track.writeAccessUnit(au)
		h.fanout(au)
	}
}

// relayedStream is the H.264 stream a passthrough session is sending, or nil.
func (h *h264Session) relayedStream() *capture.H264Stream { return h.stream.Load() }
