package httpview

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"webcam/h264"
)

// H264Defaults are the encoder settings of a WebRTC or type=h264 viewer whose
// URL names none (the node's h264_* parameters).
type H264Defaults struct {
	Bitrate int    // bits/s
	GOP     int    // frames from one keyframe to the next
	Preset  string // x264 preset
}

// withDefaults fills the zero fields with the h264 package's defaults.
func (d H264Defaults) withDefaults() H264Defaults {
	if d.Bitrate == 0 {
		d.Bitrate = h264.DefaultBitrateKbps * 1000
	}
	if d.GOP == 0 {
		d.GOP = h264.DefaultGOP
	}
	if d.Preset == "" {
		d.Preset = h264.DefaultPreset
	}
	return d
}

// check validates the defaults the way a query's values are checked.
func (d H264Defaults) check() error {
	s := h264.DefaultSettings(640, 480)
	s.BitrateKbps, s.GOP, s.Preset = d.Bitrate/1000, d.GOP, d.Preset
	if err := s.Validate(); err != nil {
		return fmt.Errorf("h264 defaults: %w", err)
	}
	return nil
}

// h264Request reads the encoder settings of a WebRTC or type=h264 query,
// with web_video_server's names and units: bitrate in bits/s, gop, preset,
// qmin and qmax. The topic, width, height and qos_profile are read by
// parseView, as for every stream.
func (s *Server) h264Request(q url.Values, v viewRequest) (h264Key, *requestError) {
	d := s.h264Defaults
	k := h264Key{topic: v.topic.name, qos: v.qos, width: v.width, height: v.height, preset: d.Preset,
		qmin: h264.DefaultQMin, qmax: h264.DefaultQMax}
	var err *requestError
	bitrate := fmt.Sprintf("bits per second in %d..%d", h264.MinBitrateKbps*1000, h264.MaxBitrateKbps*1000)
	if k.bitrate, err = intParam(q, "bitrate", d.Bitrate, h264.MinBitrateKbps*1000, h264.MaxBitrateKbps*1000, bitrate); err != nil {
		return k, err
	}
	k.bitrate /= 1000
	if k.gop, err = intParam(q, "gop", d.GOP, 1, h264.MaxGOP, fmt.Sprintf("a keyframe interval in 1..%d frames", h264.MaxGOP)); err != nil {
		return k, err
	}
	qp := fmt.Sprintf("a quantizer in 0..%d", h264.MaxQP)
	if k.qmin, err = intParam(q, "qmin", k.qmin, 0, h264.MaxQP, qp); err != nil {
		return k, err
	}
	if k.qmax, err = intParam(q, "qmax", k.qmax, 0, h264.MaxQP, qp); err != nil {
		return k, err
	}
	if k.qmin > k.qmax {
		return k, badRequest("qmin %d is above qmax %d", k.qmin, k.qmax)
	}
	if p := q.Get("preset"); p != "" {
		if !slices.Contains(h264.Presets, p) {
			return k, badRequest("preset %s is not one of x264's: %s", quote(p), strings.Join(h264.Presets, ", "))
		}
		k.preset = p
	}
	return k, nil
}
