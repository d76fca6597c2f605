package httpview

import (
	"errors"
	"io"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"webcam/h264"
)

// h264Fmtp is what the track offers: constrained baseline (42e0), which
// every browser decodes, in non-interleaved mode. level-asymmetry-allowed
// lets the stream's level follow its size (3.1 at 720p30, 4.0 at 1080p30).
const h264Fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"

// fmtpFor is the fmtp line of a track with profile-level-id profile ("":
// the encoder's constrained baseline).
func fmtpFor(profile string) string {
	if profile == "" {
		return h264Fmtp
	}
	return "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile
}

// rtpPayloadMTU keeps every packet, with RTP, SRTP, UDP and IP headers, under
// a 1280-byte IPv6 minimum MTU, so no path fragments it.
const rtpPayloadMTU = 1200

// rtpTrack is one shared H.264 track: every WebRTC peer of a session is
// bound to it, and each access unit is packetized once for all of them.
type rtpTrack struct {
	track *webrtc.TrackLocalStaticRTP

	mu        sync.Mutex // the packetizer's state (seq, SPS/PPS held for STAP-A)
	payloader codecs.H264Payloader
	seq       uint16
}

func newRTPTrack(profile string) *rtpTrack {
	tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000, SDPFmtpLine: fmtpFor(profile),
	}, "video", "webcam")
	if err != nil {
		panic(err) // only for an empty id or stream id
	}
	return &rtpTrack{track: tr}
}

// rtpTime is a capture stamp on the 90 kHz RTP clock, counted from the Unix
// epoch (modulo 2³²), not from a random offset: a page that knows this can
// turn the RTP timestamp of a decoded frame back into its capture time and
// measure the latency from capture to display without any side channel.
func rtpTime(t time.Time) uint32 {
	ns := t.UnixNano()
	return uint32(ns/1e9*90000 + ns%1e9*9/100000)
}

// writeAccessUnit sends one access unit to every bound peer; peers still
// connecting, or gone, are skipped by the track.
func (r *rtpTrack) writeAccessUnit(au h264.AccessUnit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	payloads := r.payloader.Payload(rtpPayloadMTU, au.Data)
	ts := rtpTime(au.Stamp)
	for i, p := range payloads {
		r.seq++
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, Marker: i == len(payloads)-1,
			SequenceNumber: r.seq, Timestamp: ts}, Payload: p}
		if err := r.track.WriteRTP(&pkt); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			return // every binding failed alike; the next access unit tries again
		}
	}
}
