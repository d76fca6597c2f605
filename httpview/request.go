package httpview

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"webcam/capture"
)

// streamType is the type query parameter.
type streamType string

const (
	typeMJPEG      streamType = "mjpeg"          // encoded at the viewer's quality and size
	typePNG        streamType = "png"            // PNG parts, quality = compression level
	typeCompressed streamType = "ros_compressed" // the compressed topic's bytes as they are
	typeH264       streamType = "h264"           // the shared H.264 encode as fragmented MP4
)

const (
	defaultQuality    = 95 // web_video_server's default for JPEG
	defaultPNGQuality = 3  // its default PNG compression level
	maxSide           = 8192
	allowedTypes      = "mjpeg, png, ros_compressed, h264"
)

// defaultQuality is web_video_server's quality for a type that names none:
// 95 for JPEG, compression level 3 for PNG.
func (t streamType) defaultQuality() int {
	if t == typePNG {
		return defaultPNGQuality
	}
	return defaultQuality
}

// viewRequest is a parsed /stream, /stream_viewer or /snapshot query.
type viewRequest struct {
	topic   *topic
	typ     streamType
	quality int
	width   int // 0: the source's
	height  int
	invert  bool       // rotated 180° (web_video_server's invert)
	qos     QoSProfile // how a graph topic is subscribed; always QoSAuto for the server's own cameras

	defaultType streamType // the server's, which a query may leave out
}

// contentType is the MIME type of the request's images.
func (v viewRequest) contentType() string {
	if v.typ == typePNG {
		return "image/png"
	}
	return "image/jpeg"
}

// encoded reports whether the viewer's frames are encoded for it (not the
// compressed topic's bytes passed through).
func (v viewRequest) encoded() bool { return v.typ == typeMJPEG || v.typ == typePNG }

// requestError is a bad request, answered with its status and message.
type requestError struct {
	status int
	msg    string
}

func badRequest(format string, a ...any) *requestError {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// query is the request's query, or a 400 naming the pair that cannot be
// decoded (an invalid %-escape): r.URL.Query() would drop it silently and
// serve the default in its place.
func query(r *http.Request) (url.Values, *requestError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("query %s cannot be decoded: %v", quote(r.URL.RawQuery), err)
	}
	return q, nil
}

// parseView reads the query the way web_video_server does, but answers bad
// values with 400 instead of guessing, and unknown topics with 404.
func (s *Server) parseView(q url.Values) (viewRequest, *requestError) {
	v := viewRequest{defaultType: streamType(s.cfg.DefaultType)}
	name := q.Get("topic")
	if name == "" {
		return v, badRequest("missing topic parameter; topics: %s", s.topicList())
	}
	compressedName := false
	v.topic, compressedName = s.lookup(name)
	if v.topic == nil {
		return v, &requestError{http.StatusNotFound, fmt.Sprintf("unknown topic %s; topics: %s", quote(name), s.topicList())}
	}
	switch t := q.Get("type"); t {
	case "":
		v.typ = streamType(s.cfg.DefaultType)
		if compressedName {
			v.typ = typeCompressed
		}
	case string(typeMJPEG), string(typePNG), string(typeCompressed), string(typeH264):
		v.typ = streamType(t)
	default:
		return v, badRequest("type %s is not supported; allowed: %s", quote(t), allowedTypes)
	}
	_, v.invert = q["invert"] // present, whatever its value, as in web_video_server
	var err *requestError
	if v.typ == typePNG {
		v.quality, err = intParam(q, "quality", v.typ.defaultQuality(), 0, 9, "a PNG compression level in 0..9")
	} else {
		v.quality, err = intParam(q, "quality", v.typ.defaultQuality(), 1, 100, "an integer in 1..100")
	}
	if err != nil {
		return v, err
	}
	side := fmt.Sprintf("an integer in 1..%d, or 0 or -1 for the source's size", maxSide)
	if v.width, err = intParam(q, "width", 0, -1, maxSide, side); err != nil {
		return v, err
	}
	if v.height, err = intParam(q, "height", 0, -1, maxSide, side); err != nil {
		return v, err
	}
	v.width, v.height = max(v.width, 0), max(v.height, 0)
	if v.qos, err = qosParam(q); err != nil {
		return v, err
	}
	if v.topic.graph == "" {
		v.qos = QoSAuto // the server's own camera: frames come from the node itself, nothing is subscribed
	}
	// default_transport picks web_video_server's image_transport subscriber;
	// here frames come as they are published (CompressedImage topics pass
	// through), so it does not apply.
	return v, nil
}

// qosParam reads qos_profile: one of web_video_server's names, or none
// (also an empty value): then a graph topic is subscribed with a QoS its
// publishers match. web_video_server logs an unknown name and subscribes
// with "default"; here it is a 400, as a typo would otherwise subscribe
// reliable and show nothing of a best-effort camera.
func qosParam(q url.Values) (QoSProfile, *requestError) {
	s := q["qos_profile"]
	if len(s) == 0 || s[0] == "" {
		return QoSAuto, nil
	}
	switch p := QoSProfile(s[0]); p {
	case QoSDefault, QoSSystemDefault, QoSSensorData:
		return p, nil
	}
	return QoSAuto, badRequest("qos_profile %s is not supported; allowed: %s (or leave it out: a QoS the publishers match)", quote(s[0]), allowedQoS)
}

func intParam(q url.Values, name string, def, lo, hi int, allowed string) (int, *requestError) {
	s, ok := q[name]
	if !ok || len(s) == 0 {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s[0]))
	if err != nil || n < lo || n > hi {
		return 0, badRequest("%s %s is not %s", name, quote(s[0]), allowed)
	}
	return n, nil
}

// lookup resolves a topic name as given, with or without the leading slash
// (web_video_server accepts both): the server's own cameras and their
// "/compressed" form first, then the graph's topics.
func (s *Server) lookup(name string) (t *topic, compressed bool) {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	if t, compressed := s.lookupOwn(name); t != nil {
		return t, compressed
	}
	if t := s.lookupGraph(name); t != nil {
		return t, false
	}
	return nil, false
}

// lookupOwn resolves a full name among the server's own cameras.
func (s *Server) lookupOwn(name string) (t *topic, compressed bool) {
	if t := s.byName[name]; t != nil {
		return t, false
	}
	if base, ok := strings.CutSuffix(name, "/compressed"); ok {
		return s.byName[base], true
	}
	return nil, false
}

// quote shows a client's value in an error message: Go-quoted, cut short,
// and with the characters that mean something to HTML written as \u escapes,
// so not even a browser that ignores nosniff could find markup in it.
func quote(v string) string {
	const maxShown = 80
	if len(v) > maxShown {
		v = v[:maxShown] + "…"
	}
	return htmlSafe.Replace(strconv.Quote(v))
}

var htmlSafe = strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, "'", `\u0027`)

func (s *Server) topicList() string {
	names := make([]string, 0, 2*len(s.topics))
	for _, t := range s.topics {
		names = append(names, t.name, t.name+"/compressed")
	}
	for _, t := range s.graphTopics() {
		names = append(names, t.Name)
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// options is the rendition this request asks of a frame.
func (s *Server) options(v viewRequest, f *capture.Frame) capture.EncodeOptions {
	if v.encoded() {
		w, h := fitSize(f.Width, f.Height, v.width, v.height) // the frame's size may have changed since takeRendition
		return capture.EncodeOptions{Quality: v.quality, Width: w, Height: h, Invert: v.invert, PNG: v.typ == typePNG}
	}
	if f.Format == capture.JPEG {
		return capture.EncodeOptions{} // the camera's own bytes
	}
	// What the node's compressed publisher asks for, so both share one encode.
	q := 0
	if s.cfg.CompressedQuality != nil {
		q = s.cfg.CompressedQuality()
	}
	return capture.EncodeOptions{Quality: q}
}

// String describes the request for the log.
func (v viewRequest) String() string {
	if v.typ == typeCompressed {
		return v.topic.name + " as ros_compressed" + v.qos.note()
	}
	side := func(n int) string {
		if n == 0 {
			return "auto"
		}
		return strconv.Itoa(n)
	}
	size := "source size"
	if v.width > 0 || v.height > 0 {
		size = side(v.width) + "x" + side(v.height)
	}
	inverted := ""
	if v.invert {
		inverted = ", inverted"
	}
	return fmt.Sprintf("%s as %s, quality %d, %s%s%s", v.topic.name, v.typ, v.quality, size, inverted, v.qos.note())
}

// query rebuilds the request's canonical query string from parsed values only,
// so nothing the client sent is reflected into a page as it was.
func (v viewRequest) query() string {
	q := url.Values{"topic": {v.topic.name}}
	if v.typ != v.defaultType {
		q.Set("type", string(v.typ))
	}
	if v.qos != QoSAuto {
		q.Set("qos_profile", string(v.qos))
	}
	if !v.encoded() {
		return q.Encode()
	}
	if v.quality != v.typ.defaultQuality() {
		q.Set("quality", strconv.Itoa(v.quality))
	}
	if v.width > 0 {
		q.Set("width", strconv.Itoa(v.width))
	}
	if v.height > 0 {
		q.Set("height", strconv.Itoa(v.height))
	}
	if v.invert {
		q.Set("invert", "")
	}
	return q.Encode()
}
