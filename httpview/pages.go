package httpview

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
)

//go:embed assets
var assets embed.FS

// Templates are parsed once; html/template escapes every value by context
// (text, attribute, URL), so nothing a client sends can become markup.
var (
	indexPage  = template.Must(template.ParseFS(assets, "assets/index.html"))
	viewerPage = template.Must(template.ParseFS(assets, "assets/viewer.html"))
)

// pageCSP allows only this server's own scripts, styles and images: defence
// in depth behind the escaping.
const pageCSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'"

type cameraLinks struct {
	Name          string
	LiveURL       string // the index's live view: the compressed stream, cheapest to serve
	ViewerURL     string
	StreamURL     string
	CompressedURL string
	SnapshotURL   string
	WebRTCURL     string // H.264 over WebRTC, the lowest bandwidth
}

func links(name string) cameraLinks {
	q := url.Values{"topic": {name}}.Encode()
	return cameraLinks{
		Name:          name,
		LiveURL:       "/stream?" + q + "&type=ros_compressed",
		ViewerURL:     "/stream_viewer?" + q,
		StreamURL:     "/stream?" + q,
		CompressedURL: "/stream?" + q + "&type=ros_compressed",
		SnapshotURL:   "/snapshot?" + q,
		WebRTCURL:     "/webrtc?" + q,
	}
}

// graphLinks is a graph topic on the index: links only, no live view, so
// opening the page subscribes to nothing.
type graphLinks struct {
	cameraLinks
	Type       string
	Publishers int
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	host, _ := os.Hostname()
	data := struct {
		Host      string
		Topics    []cameraLinks
		WithGraph bool
		Graph     []graphLinks
	}{Host: host, WithGraph: s.graph != nil}
	for _, t := range s.topics {
		data.Topics = append(data.Topics, links(t.name))
	}
	for _, t := range s.graphTopics() {
		data.Graph = append(data.Graph, graphLinks{cameraLinks: links(t.Name), Type: t.Type, Publishers: t.Publishers})
	}
	s.render(w, r, indexPage, data)
}

// handleViewer is web_video_server's /stream_viewer: a page embedding the
// stream. Its image URL is rebuilt from the parsed, checked parameters, never
// copied from the request.
func (s *Server) handleViewer(w http.ResponseWriter, r *http.Request) {
	q, rerr := query(r)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	req, rerr := s.parseView(q)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	snap := url.Values{"topic": {req.topic.name}}
	if req.typ == typeCompressed && req.topic.graph == "" { // a graph topic has no "/compressed" twin
		snap.Set("topic", req.topic.name+"/compressed")
	}
	s.render(w, r, viewerPage, struct{ Topic, StreamURL, SnapshotURL string }{
		Topic: req.topic.name, StreamURL: "/stream?" + req.query(), SnapshotURL: "/snapshot?" + snap.Encode(),
	})
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		fail(w, http.StatusInternalServerError, "rendering page: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", noCache)
	h.Set("Pragma", "no-cache")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	setWriteDeadline(w, pageWriteTimeout)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
}

// handleStatic serves the pages' stylesheet, script and icon.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	switch name {
	case "style.css", "index.js", "icon.svg", "webrtc.js":
	default:
		fail(w, http.StatusNotFound, "no such file: /static/"+url.PathEscape(name))
		return
	}
	sub, _ := fs.Sub(assets, "assets")
	w.Header().Set("Cache-Control", "no-cache") // revalidate: pages change with the node
	setWriteDeadline(w, pageWriteTimeout)
	http.ServeFileFS(w, r, sub, name)
}
