package rclx

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

// logHandler sends log/slog records to the node's rcl logger (so they
// reach the console and /rosout like the node's own messages), as
// "message key=value ...". Packages without ROS (calib) log through it.
type logHandler struct {
	log    *rclgo.Logger
	prefix string // attributes added with WithAttrs, already formatted
	group  string
}

// NewLogHandler sends slog records to l, an rcl logger.
func NewLogHandler(l *rclgo.Logger) slog.Handler { return &logHandler{log: l} }

func (h *logHandler) Enabled(_ context.Context, level slog.Level) bool {
	return h.log.IsEnabledFor(severity(level))
}

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.group, a)
		return true
	})
	return h.log.Log(severity(r.Level), b.String())
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range attrs {
		writeAttr(&b, h.group, a)
	}
	return &logHandler{log: h.log, prefix: b.String(), group: h.group}
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &logHandler{log: h.log, prefix: h.prefix, group: h.group + name + "."}
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, group+a.Key+".", g)
		}
		return
	}
	v := a.Value.String()
	if strings.ContainsAny(v, " \t\"=") || v == "" {
		v = fmt.Sprintf("%q", v)
	}
	fmt.Fprintf(b, " %s%s=%s", group, a.Key, v)
}

func severity(l slog.Level) rclgo.LogSeverity {
	switch {
	case l >= slog.LevelError:
		return rclgo.LogSeverityError
	case l >= slog.LevelWarn:
		return rclgo.LogSeverityWarn
	case l >= slog.LevelInfo:
		return rclgo.LogSeverityInfo
	}
	return rclgo.LogSeverityDebug
}
