// Package fmp4 writes a live H.264 stream as fragmented MP4, for an endless
// HTTP response that a browser's <video src=…> plays as it arrives (and
// that ffprobe and ffmpeg read), as web_video_server's /stream?type=h264.
//
// A Writer takes Annex-B access units one at a time, each with a keyframe
// flag and a capture time. It drops them until the first keyframe, takes the
// SPS and PPS from it (or from the access units before it), and writes the
// init segment — ftyp (iso5, iso6, mp41) and a moov with one avc1 track whose
// avcC holds the parameter sets, no samples, and mvex — then one fragment per
// access unit: moof (mfhd, traf with tfhd default-base-is-moof, tfdt, one-
// sample trun) and mdat, the NAL units with 4-byte lengths instead of start
// codes and without AUD, SPS and PPS. One fragment per picture is the lowest
// latency the format allows: a browser can show a picture as soon as its
// fragment arrives.
//
// Timing: 90 kHz. Each fragment's decode time (tfdt) is its capture time
// since the first keyframe, so the timeline follows the camera and never
// drifts. A sample's duration is not known when its fragment goes out (the
// next picture has not been taken): it is the interval before it (the first
// gets Options.FirstDuration), and the next tfdt is what counts. Decode times
// only go forward; a gap longer than Options.MaxInterval is closed up (see
// decodeClock). Pictures must come in decode order = display order (no
// B-frames): there are no composition offsets.
//
// A new SPS or PPS (another size, a restarted encoder) cannot go into a
// stream that has its init segment: WriteAccessUnit returns
// ErrParameterSetsChanged and the caller starts a new stream (end the HTTP
// response, so the browser reconnects; or a new Writer for the next keyframe).
//
// # Compared with web_video_server
//
// web_video_server's type=h264 (H264Streamer on LibavStreamer, ros2 branch)
// encodes with libx264 (preset ultrafast, tune zerolatency, keyint 30) and
// muxes with libavformat's mp4 muxer, movflags +frag_keyframe+empty_moov+
// faststart, into a response with Content-Type video/mp4 (ContentType here)
// and no-cache headers. What differs, on purpose:
//
//   - Fragments: frag_keyframe makes one fragment per GOP, which the muxer
//     can only write once the next keyframe arrives, so a picture reaches
//     the browser up to a GOP (a second) late. Here each picture is its own
//     fragment, written as it comes.
//   - faststart only moves a moov in a seekable file; on a stream it does
//     nothing, and empty_moov is what the init segment here is.
//   - Time: web_video_server stamps packets in milliseconds at 0.95 × the
//     elapsed time, so the player runs a little ahead of real time and its
//     buffer stays short. Here the timeline is the real capture time at
//     90 kHz; keeping a player at the live edge is the page's job (jump to
//     the end of the buffered range, or playbackRate).
//   - ftyp: web_video_server's flags give isom (isom, iso6, iso2, avc1,
//     mp41) with tfhd base offsets; this writer's fragments use
//     default-base-is-moof, for which ffmpeg (+default_base_moof) writes
//     iso5 with iso5, iso6, mp41, as here.
//
// Codec gives the stream's RFC 6381 codec string (avc1.42c01f …) from the
// SPS, for a page that uses Media Source Extensions instead of <video src>.
// SplitAccessUnits cuts an Annex-B byte stream (a .h264 file) into access
// units.
package fmp4
