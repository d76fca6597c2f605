package node

import (
	"slices"

	"webcam/capture"
	"webcam/h264"
	"webcam/rosparam"
)

// Parameter names. usb_cam's names where it has one, so its launch files and
// params files work unchanged.
const (
	pSource         = "source"
	pVideoDevice    = "video_device"
	pWidth          = "image_width"
	pHeight         = "image_height"
	pFramerate      = "framerate"
	pPixelFormat    = "pixel_format"
	pOutputEncoding = "output_encoding"
	pCameraName     = "camera_name"
	pCameraInfoURL  = "camera_info_url"
	pFrameID        = "frame_id"
	pJPEGQuality    = "jpeg_quality"
	// image_transport's names (compressed_image_transport's parameters on
	// the publisher), first-class; jpeg_quality is an alias of the first.
	pITQuality    = "image_raw.compressed.jpeg_quality"
	pITFormat     = "image_raw.compressed.format"
	pITPNGLevel   = "image_raw.compressed.png_level"
	pITPlugins    = "image_raw.enable_pub_plugins"
	pPublishRaw   = "publish_image_raw"
	pPublishComp  = "publish_compressed"
	pPublishInfo  = "publish_camera_info"
	pHTTPPort     = "http_port"
	pHTTPAddress  = "http_address"
	pHTTPUser     = "http_user"
	pHTTPPassFile = "http_password_file"
	pHTTPCORS     = "http_cors_origin"
	pHTTPGraph    = "http_graph_topics"
	pHTTPRate     = "http_publish_rate" // web_video_server's publish_rate
	pH264Bitrate  = "h264_bitrate"
	pH264GOP      = "h264_gop"
	pH264Preset   = "h264_preset"
	pICEServers   = "webrtc_ice_servers"
	pTURNUser     = "webrtc_turn_user"
	pTURNPassFile = "webrtc_turn_password_file"
	pDefaultType  = "default_stream_type"
)

// PixelFormats are the accepted pixel_format values: empty (the device's
// best) and capture's table, which includes usb_cam's spellings.
var PixelFormats = append([]string{""}, capture.CameraFormatNames()...)

// image_transport's plugin names for the two transports the node offers.
const (
	pluginRaw        = "image_transport/raw"
	pluginCompressed = "image_transport/compressed"
)

// offers reports whether image_raw.enable_pub_plugins lists plugin.
func offers(t *rosparam.Table, plugin string) bool {
	return slices.Contains(pluginList(t), plugin)
}

// pluginList is image_raw.enable_pub_plugins.
func pluginList(t *rosparam.Table) []string {
	v, _ := t.Get(pITPlugins)
	return v.StringArray
}

// EncodingAuto is output_encoding's default: image_raw's encoding follows
// pixel_format as in usb_cam (yuyv → yuv422_yuy2, yuyv2rgb → rgb8,
// raw_mjpeg → no image_raw …; see capture's CameraFormat.Publish).
const EncodingAuto = "auto"

// OutputEncodings are the accepted output_encoding values for image_raw.
var OutputEncodings = []string{EncodingAuto, "rgb8", "bgr8", "mono8", "yuv422_yuy2", "yuv422"}

// Apply groups (rosparam.Spec.Group): how a change of a parameter takes
// effect while the node runs. Every writable parameter has one
// (TestEveryWritableParameterHasAGroup).
const (
	groupNone        = iota // read-only (or not ours)
	groupReopen             // reopen the source at the next frame boundary
	groupPublish            // the publish loop's pubConfig, from the next frame
	groupControls           // a camera control, set between two frames
	groupCalibration        // reload the calibration
	groupHTTP               // restart the HTTP viewer
)

// controlSpecs are usb_cam's camera controls: -1 leaves the device's value.
var controlSpecs = withGroup(groupControls, []rosparam.Spec{
	{Name: "brightness", Default: rosparam.Int(-1), Description: "Brightness, in the device's range (may be negative, e.g. -64..64); -1 or -100 (usb_cam's sentinel) keep the device's setting", Int: &rosparam.IntRange{From: -100, To: 65535}},
	{Name: "contrast", Default: rosparam.Int(-1), Description: "Contrast; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 65535}},
	{Name: "saturation", Default: rosparam.Int(-1), Description: "Saturation; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 65535}},
	{Name: "sharpness", Default: rosparam.Int(-1), Description: "Sharpness; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 65535}},
	{Name: "gain", Default: rosparam.Int(-1), Description: "Gain; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 65535}},
	{Name: "auto_white_balance", Default: rosparam.Bool(true), Description: "Automatic white balance"},
	{Name: "white_balance", Default: rosparam.Int(-1), Description: "White balance temperature (K) when auto_white_balance is false; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 10000}},
	{Name: "autoexposure", Default: rosparam.Bool(true), Description: "Automatic exposure"},
	{Name: "exposure", Default: rosparam.Int(-1), Description: "Exposure time (device units, usually 100 µs) when autoexposure is false; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 100000}},
	{Name: "autofocus", Default: rosparam.Bool(false), Description: "Continuous autofocus"},
	{Name: "focus", Default: rosparam.Int(-1), Description: "Focus position when autofocus is false; -1 keeps the device's setting", Int: &rosparam.IntRange{From: -1, To: 65535}},
	{Name: "auto_exposure", Default: rosparam.Int(-1), Description: "Exposure mode as V4L2 and usb_cam name it: 0 auto, 1 manual, 2 shutter priority, 3 aperture priority; -1 keeps the device's mode (autoexposure is the same control as a boolean)", Int: &rosparam.IntRange{From: -1, To: 3}},
	{Name: "exposure_time_absolute", Default: rosparam.Int(-1), Description: "Exposure time (device units, usually 100 µs) while auto_exposure is 1 (manual), usb_cam's name; -1 keeps the device's setting (exposure is the same control)", Int: &rosparam.IntRange{From: -1, To: 100000}},
})

func withGroup(g int, specs []rosparam.Spec) []rosparam.Spec {
	for i := range specs {
		specs[i].Group = g
	}
	return specs
}

// ParamSpecs is the node's parameter table: the one place each parameter is
// named, typed, documented and bounded. params/webcam.yaml mirrors it.
func ParamSpecs() []rosparam.Spec {
	specs := []rosparam.Spec{
		{Name: pSource, Default: rosparam.String(""), Description: "Source URI: v4l2:///dev/video0, file:///path/clip.avi, gst:<pipeline ending in appsink>, rtsp://…, http://…, testpattern://, rawfile:///path/clip.yuv?format=yuyv&width=W&height=H. Empty: use video_device", Check: checkSourceURI, Group: groupReopen},
		{Name: pVideoDevice, Default: rosparam.String("/dev/video0"), Description: "V4L2 device used when source is empty (usb_cam's name)", Group: groupReopen},
		{Name: pWidth, Default: rosparam.Int(640), Description: "Requested frame width in pixels; the granted width is published", Int: &rosparam.IntRange{From: 16, To: 8192}, Group: groupReopen},
		{Name: pHeight, Default: rosparam.Int(480), Description: "Requested frame height in pixels; the granted height is published", Int: &rosparam.IntRange{From: 16, To: 8192}, Group: groupReopen},
		{Name: pFramerate, Default: rosparam.Double(30), Description: "Requested frames per second", Float: &rosparam.FloatRange{From: 0.1, To: 1000}, Group: groupReopen},
		{Name: pPixelFormat, Default: rosparam.String(""), Description: "Capture format: mjpeg, yuyv, uyvy, mono8, rgb24 (usb_cam's mjpeg2rgb, yuyv2rgb, raw_mjpeg … accepted); empty picks the device's best", Choices: PixelFormats, Group: groupReopen},
		{Name: pOutputEncoding, Default: rosparam.String(EncodingAuto), Description: "Encoding of image_raw; auto follows pixel_format as usb_cam does (yuyv: yuv422_yuy2, uyvy: yuv422, mono8: mono8, raw_mjpeg: image_raw not advertised, anything else or empty: rgb8); yuv422_yuy2 and yuv422 publish a YUYV or UYVY camera's bytes unconverted", Choices: OutputEncodings, Group: groupPublish},
		{Name: pCameraName, Default: rosparam.String("webcam"), Description: "Camera name, for calibration files (${NAME} in camera_info_url)", ReadOnly: true},
		{Name: pCameraInfoURL, Default: rosparam.String(""), Description: "Calibration URL: file:///path.yaml or package://pkg/path.yaml; empty: file://${ROS_HOME}/camera_info/${NAME}.yaml", Group: groupCalibration},
		{Name: pFrameID, Default: rosparam.String("camera"), Description: "header.frame_id of every message", Group: groupPublish},
		{Name: pITQuality, Default: rosparam.Int(80), Description: "JPEG quality of image_raw/compressed when the node encodes (MJPEG cameras are passed through unchanged); compressed_image_transport's name, default 80 here (95 there); jpeg_quality is the same setting", Int: &rosparam.IntRange{From: 1, To: 100}, Group: groupPublish},
		{Name: pJPEGQuality, Default: rosparam.Int(80), Description: "Alias of image_raw.compressed.jpeg_quality: setting either sets both", Int: &rosparam.IntRange{From: 1, To: 100}, Group: groupPublish, AliasOf: pITQuality},
		{Name: pITFormat, Default: rosparam.String("jpeg"), Description: "Format of image_raw/compressed: jpeg (an MJPEG camera's own bytes, else one encode) or png (lossless, png_level)", Choices: []string{"jpeg", "png"}, Group: groupPublish},
		{Name: pITPNGLevel, Default: rosparam.Int(3), Description: "PNG compression level of image_raw/compressed when its format is png", Int: &rosparam.IntRange{From: 1, To: 9}, Group: groupPublish},
		{Name: pITPlugins, Default: rosparam.Strings(pluginRaw, pluginCompressed), Description: "image_transport's publisher plugins to offer: image_transport/raw (image_raw) and image_transport/compressed (image_raw/compressed); others are not offered here. Start-up only", ReadOnly: true},
		{Name: pPublishRaw, Default: rosparam.Bool(true), Description: "Publish image_raw (still only converted while someone subscribes)", Group: groupPublish},
		{Name: pPublishComp, Default: rosparam.Bool(true), Description: "Publish image_raw/compressed (still only encoded while someone subscribes)", Group: groupPublish},
		{Name: pPublishInfo, Default: rosparam.Bool(true), Description: "Publish camera_info", Group: groupPublish},
		{Name: pHTTPPort, Default: rosparam.Int(8080), Description: "Port of the built-in HTTP viewer (web_video_server's URLs); 0 turns it off", Int: &rosparam.IntRange{From: 0, To: 65535}, Group: groupHTTP},
		{Name: pHTTPAddress, Default: rosparam.String("0.0.0.0"), Description: "Address the HTTP viewer listens on; set at start-up only (a graph peer must not widen who can connect)", ReadOnly: true},
		{Name: pHTTPUser, Default: rosparam.String(""), Description: "HTTP basic-auth user; empty disables auth; set at start-up only (a graph peer must not turn auth off)", ReadOnly: true},
		{Name: pHTTPPassFile, Default: rosparam.String(""), Description: "File holding the HTTP password (or set WEBCAM_HTTP_PASSWORD); never logged; set at start-up only", ReadOnly: true},
		{Name: pHTTPCORS, Default: rosparam.String(""), Description: "Access-Control-Allow-Origin for the HTTP viewer; empty sends none; set at start-up only", ReadOnly: true},
		{Name: pDefaultType, Default: rosparam.String("mjpeg"), Description: "Stream type of a viewer URL that names none (web_video_server's parameter): mjpeg, png or ros_compressed", Choices: []string{"mjpeg", "png", "ros_compressed"}, Group: groupHTTP},
		{Name: pHTTPGraph, Default: rosparam.Bool(true), Description: "The HTTP viewer also serves the ROS graph's other Image and CompressedImage topics, subscribed only while watched", Group: groupHTTP},
		{Name: pHTTPRate, Default: rosparam.Double(0), Description: "web_video_server's publish_rate (Hz): while a viewer's source sends no new frame, its stream's last image is sent again at this rate, so proxies and browsers do not time it out; 0 turns it off", Float: &rosparam.FloatRange{From: 0, To: 30}, Group: groupHTTP},
		{Name: pH264Bitrate, Default: rosparam.Int(h264.DefaultBitrateKbps * 1000), Description: "Bits per second of the H.264 stream of a WebRTC or type=h264 viewer whose URL names no bitrate (web_video_server's bitrate query value)", Int: &rosparam.IntRange{From: h264.MinBitrateKbps * 1000, To: h264.MaxBitrateKbps * 1000}, Group: groupHTTP},
		{Name: pH264GOP, Default: rosparam.Int(h264.DefaultGOP), Description: "Frames from one H.264 keyframe to the next when the URL names no gop; a WebRTC viewer that joins or loses packets gets one at once anyway", Int: &rosparam.IntRange{From: 1, To: h264.MaxGOP}, Group: groupHTTP},
		{Name: pH264Preset, Default: rosparam.String(h264.DefaultPreset), Description: "x264 preset when the URL names none: ultrafast costs least CPU per frame; slower ones look better at the same bitrate", Choices: h264.Presets, Group: groupHTTP},
		{Name: pICEServers, Default: rosparam.Strings(), Description: "STUN/TURN servers offered to WebRTC viewers on other networks (stun:host:port, turn:host:port?transport=udp); empty: host candidates only; set at start-up only", ReadOnly: true},
		{Name: pTURNUser, Default: rosparam.String(""), Description: "User for the turn: servers of webrtc_ice_servers; set at start-up only", ReadOnly: true},
		{Name: pTURNPassFile, Default: rosparam.String(""), Description: "File holding the TURN password; never logged; set at start-up only", ReadOnly: true},
	}
	return append(specs, controlSpecs...)
}

// rawEncoding is image_raw's encoding with t's parameters, and whether
// image_raw is published at all (usb_cam's raw_mjpeg: compressed only).
func rawEncoding(t *rosparam.Table) (capture.PixelFormat, bool) {
	if enc := str(t, pOutputEncoding); enc != EncodingAuto {
		return capture.PixelFormat(enc), true
	}
	f, err := capture.LookupCameraFormat(str(t, pPixelFormat))
	switch {
	case err != nil || f.Publish == "": // the device's best: rgb8, as usb_cam's default yuyv2rgb
		return capture.RGB8, true
	case f.Publish == capture.JPEG:
		return capture.RGB8, false
	}
	return f.Publish, true
}

func checkSourceURI(v rosparam.Value) error {
	if v.Str == "" {
		return nil
	}
	return capture.CheckURI(v.Str)
}

// str, integer, float and flag read a declared parameter; a missing one is a
// programming error caught by the tests of the table.
func str(t *rosparam.Table, name string) string  { v, _ := t.Get(name); return v.Str }
func integer(t *rosparam.Table, name string) int { v, _ := t.Get(name); return int(v.Int) }
func float(t *rosparam.Table, name string) float64 {
	v, _ := t.Get(name)
	return v.Double
}
func flag(t *rosparam.Table, name string) bool { v, _ := t.Get(name); return v.Bool }
