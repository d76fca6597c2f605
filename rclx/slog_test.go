package rclx

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/tiiuae/rclgo/pkg/rclgo"
)

func TestSlogAttrFormatting(t *testing.T) {
	cases := []struct {
		group string
		attr  slog.Attr
		want  string
	}{
		{"", slog.String("file", "/tmp/cam.yaml"), " file=/tmp/cam.yaml"},
		{"", slog.String("error", `not "valid" YAML`), ` error="not \"valid\" YAML"`},
		{"", slog.String("url", ""), ` url=""`},
		{"", slog.Int("width", 640), " width=640"},
		{"calib.", slog.Group("size", slog.Int("w", 1), slog.Int("h", 2)), " calib.size.w=1 calib.size.h=2"},
		{"", slog.Attr{}, ""},
	}
	for _, c := range cases {
		var b strings.Builder
		writeAttr(&b, c.group, c.attr)
		if b.String() != c.want {
			t.Errorf("writeAttr(%q, %v) = %q, want %q", c.group, c.attr, b.String(), c.want)
		}
	}
}

func TestSlogSeverity(t *testing.T) {
	for level, want := range map[slog.Level]rclgo.LogSeverity{
		slog.LevelDebug: rclgo.LogSeverityDebug, slog.LevelInfo: rclgo.LogSeverityInfo,
		slog.LevelWarn: rclgo.LogSeverityWarn, slog.LevelError: rclgo.LogSeverityError, slog.LevelError + 4: rclgo.LogSeverityError,
	} {
		if got := severity(level); got != want {
			t.Errorf("severity(%v) = %v, want %v", level, got, want)
		}
	}
}
