package stream

// LogLevel of an httpview message. Kept only until httpview takes a
// *slog.Logger like the rest of the node.
type LogLevel int

const (
	LevelInfo LogLevel = iota
	LevelWarn
	LevelError
)
