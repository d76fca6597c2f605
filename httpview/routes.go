package httpview

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// noCache is web_video_server's Cache-Control for streams and pages.
const noCache = "no-cache, no-store, must-revalidate, pre-check=0, post-check=0, max-age=0"

// pageWriteTimeout bounds writing any response that is not a stream.
const pageWriteTimeout = 30 * time.Second

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// "GET" patterns also serve HEAD; any other method gets 405 with Allow.
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /stream", s.handleStream)
	mux.HandleFunc("GET /stream_viewer", s.handleViewer)
	mux.HandleFunc("GET /snapshot", s.handleSnapshot)
	mux.HandleFunc("GET /state", s.handleState)
	mux.HandleFunc("GET /static/{file}", s.handleStatic)
	mux.HandleFunc("GET /webrtc", s.handleWebRTC)
	mux.HandleFunc("POST /whep", s.handleWHEP)
	mux.HandleFunc("DELETE /whep/{id}", s.handleWHEPDelete)
	mux.HandleFunc("PATCH /whep/{id}", s.handleWHEPPatch)
	return s.withCORS(s.withAuth(mux))
}

// withCORS sets the headers every response carries, adds
// Access-Control-Allow-Origin when an origin is configured and
// answers preflight requests (browsers send one before a fetch with an
// Authorization header), which must not need credentials themselves.
func (s *Server) withCORS(next http.Handler) http.Handler {
	origin := s.cfg.CORSOrigin
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Server", "webcam")
		h.Set("X-Content-Type-Options", "nosniff")
		if origin != "" {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "Location") // a WHEP client's resource URL
			if origin != "*" {
				h.Set("Vary", "Origin")
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}
		if r.Method == http.MethodOptions && origin != "" {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withAuth checks basic auth on every request when a user is configured.
// Credentials are compared as hashes in constant time, so neither their
// content nor their length leaks through timing.
func (s *Server) withAuth(next http.Handler) http.Handler {
	if s.cfg.User == "" {
		return next
	}
	wantUser := sha256.Sum256([]byte(s.cfg.User))
	wantPass := sha256.Sum256([]byte(s.cfg.Password))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		gotUser := sha256.Sum256([]byte(user))
		gotPass := sha256.Sum256([]byte(pass))
		userOK := subtle.ConstantTimeCompare(gotUser[:], wantUser[:])
		passOK := subtle.ConstantTimeCompare(gotPass[:], wantPass[:])
		if ok && userOK&passOK == 1 {
			next.ServeHTTP(w, r)
			return
		}
		if ok { // a browser's first try carries no credentials: not worth a log line
			why := "unknown user name" // not quoted: it may be a password typed in the wrong box
			if userOK == 1 {
				why = fmt.Sprintf("wrong password for user %q", user)
			}
			s.refused.note(s.cfg.Log, r.RemoteAddr, why)
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="webcam", charset="UTF-8"`)
		fail(w, http.StatusUnauthorized, "authentication required: this server needs a user name and password")
	})
}

// refusals throttles the log of failed logins to one line per interval, so a
// password-guessing client cannot flood the node's log.
type refusals struct {
	mu     sync.Mutex
	last   time.Time
	missed int
}

const refusalLogInterval = 10 * time.Second

func (f *refusals) note(log *slog.Logger, remote, why string) {
	f.mu.Lock()
	now := time.Now()
	if now.Sub(f.last) < refusalLogInterval {
		f.missed++
		f.mu.Unlock()
		return
	}
	missed := f.missed
	f.last, f.missed = now, 0
	f.mu.Unlock()
	msg := fmt.Sprintf("http: refused %s: %s", remote, why)
	if missed > 0 {
		msg += fmt.Sprintf("; %d more refusal(s) not logged", missed)
	}
	log.Warn(msg)
}

// fail answers with a plain-text error. Plain text with nosniff means values
// quoted in the message can never be run as HTML.
func fail(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", noCache)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// setWriteDeadline bounds how long the rest of the response may take.
func setWriteDeadline(w http.ResponseWriter, d time.Duration) {
	// Only fails for writers that cannot do it; ours always can.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}
