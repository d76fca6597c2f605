// Package httpview serves the node's cameras to browsers, MJPEG clients and
// WebRTC peers with web_video_server's URL API, for any number of viewers.
//
// Endpoints (GET or HEAD unless said; every one behind basic auth when a
// user is set):
//
//	/                       a page with every camera's live view and links
//	/stream?topic=T         multipart/x-mixed-replace;boundary=boundarydonotcross
//	/stream?topic=T&type=h264  H.264 as fragmented MP4 (h264stream.go)
//	/stream_viewer?topic=T  a page embedding that stream
//	/webrtc?topic=T         a page playing T over WebRTC (assets/webrtc.js)
//	POST /whep?topic=T      WHEP: SDP offer in, answer out; DELETE /whep/{id} (whep.go)
//	/snapshot?topic=T       one JPEG of the newest frame
//	/state                  JSON: the node's state plus viewers, frames and drops
//
// H.264 (h264share.go): viewers of one topic, size and encoder settings share
// one encoder, started by the first and stopped when the last leaves; each
// access unit goes once to a WebRTC track every peer is bound to
// (rtptrack.go, RTP timestamps = capture stamps) and to each MP4 viewer's
// bounded queue (a slow one skips to the next keyframe).
//
// Query parameters, as web_video_server reads them: type (mjpeg, the default,
// png, or ros_compressed), quality (1..100, default 95; for png the
// compression level 0..9, default 3), invert (present: rotated 180°; not
// applied to ros_compressed, whose bytes pass through), width and height (0 or -1:
// the source's size; one side alone keeps the aspect ratio, where
// web_video_server would stretch; never more than the source's size: a
// larger request is scaled down to fit, keeping the aspect ratio it asked
// for, where web_video_server would scale up), qos_profile (below) and
// default_transport (accepted and ignored: frames come as published). The topic is the
// full name of the camera's image topic; its "/compressed" name also works and
// then defaults to type=ros_compressed. type=ros_compressed sends the frames
// of the node's compressed topic as they are: an MJPEG camera's own bytes (no
// encode at all), or a raw camera's frame encoded once at the node's
// jpeg_quality, shared with the ROS publisher.
//
// How viewers are served: each viewer runs one goroutine that waits on the
// camera's stream.Latest for a frame newer than the one it last sent (holding
// a reference to it, and to the last part sent while it may be re-sent), asks the
// frame for its JPEG (encoded at most once per frame and distinct quality and
// size, shared by every viewer through the frame's cache; a /snapshot with
// type=png is a PNG) and writes it with a
// write deadline. A viewer whose socket is slow skips the frames it could not
// take; nothing queues, so memory per viewer is one frame at most. Nothing is
// encoded while nobody watches. Encodes are budgeted: at most
// Config.MaxRenditions (4) distinct quality-and-size renditions of a camera
// are watched at once (snapshots count while they encode); a viewer asking
// for another is given the nearest one of its kind (JPEG or PNG, inverted
// or not) in use, which the log and /state show; the first of a kind is let
// through, so at most MaxRenditions+3.
// A viewer's place under the viewer cap (100) is given back when its
// connection closes, even while its goroutine is still busy.
//
// Other cameras of the robot: with Config.Graph set, the ROS graph's other
// sensor_msgs Image and CompressedImage topics are listed on the index page,
// in /state and in 404 answers, and /stream, /snapshot and /stream_viewer
// serve them under their own full names (a CompressedImage topic's JPEG bytes
// pass through unchanged). The server subscribes to such a topic only while
// someone watches it: one subscription shared by all its viewers, ended a
// linger (3 s) after the last one leaves. The index page links them without
// live views, so opening it subscribes to nothing.
//
// qos_profile: how a graph topic is subscribed, with web_video_server's
// names (its get_qos_profile_from_name): default (reliable), system_default
// (the middleware's) or sensor_data (best effort), each at depth 1. Without
// one the node picks a QoS every publisher matches (best effort if any is);
// web_video_server then uses default, which shows nothing of a best-effort
// camera. An explicit profile wins over that match, but one no publisher can
// deliver to (default on best-effort-only publishers) is a 409 saying so,
// where web_video_server would stream nothing; an unknown name is a 400
// listing the three (web_video_server logs it and uses default). Viewers of a
// topic with different profiles get a subscription each, under the same
// rendition budget per topic. For the server's own cameras, whose frames come
// from the node itself, qos_profile means nothing: a valid one is accepted
// and dropped.
//
// Config.PublishRate is web_video_server's publish_rate: while a stream's
// source sends no new frame for 1/PublishRate seconds (a paused camera, a
// stalled topic), its last part is written again, once a period, with the
// same bytes and X-Timestamp (web_video_server stamps repeats with the send
// time), so proxies and browsers keep the stream open. Repeats are counted
// apart from frames (/state: "resent") and end with the viewer. Snapshots
// are not repeated, as there. 0 (the default, as web_video_server's -1) is off.
//
// Differences from web_video_server on purpose: CORS headers only when an
// origin is configured; every value reflected into HTML is escaped (its
// /stream_viewer is an XSS hole); no state-changing endpoint (no /shutdown);
// bad parameters get 400 and unknown topics 404 with the list of known ones;
// type=h264 is fragmented MP4 with a fragment per picture (web_video_server's
// muxer writes one per GOP) and a bitrate that is enforced (its crf 20 is
// not); vp8 and vp9 are not supported (400 says so).
package httpview
