package cdr

import "fmt"

// Level is the level byte of diagnostic_msgs/msg/DiagnosticStatus.
type Level byte

// The levels diagnostic_msgs defines.
const (
	LevelOK    Level = 0
	LevelWarn  Level = 1
	LevelError Level = 2
	LevelStale Level = 3
)

func (l Level) String() string {
	switch l {
	case LevelOK:
		return "OK"
	case LevelWarn:
		return "WARN"
	case LevelError:
		return "ERROR"
	case LevelStale:
		return "STALE"
	}
	return fmt.Sprintf("Level(%d)", byte(l))
}

// KeyValue is diagnostic_msgs/msg/KeyValue.
type KeyValue struct {
	Key   string
	Value string
}

// DiagnosticStatus is diagnostic_msgs/msg/DiagnosticStatus.
type DiagnosticStatus struct {
	Level      Level
	Name       string // e.g. "webcam: camera"
	Message    string
	HardwareID string
	Values     []KeyValue
}

// DiagnosticArray is diagnostic_msgs/msg/DiagnosticArray, what /diagnostics
// carries.
type DiagnosticArray struct {
	Header Header
	Status []DiagnosticStatus
}

const diagnosticArrayType = "diagnostic_msgs/msg/DiagnosticArray"

// Smallest possible encodings, for bounding sequence counts when decoding:
// a KeyValue is two empty strings (4-byte length each); a DiagnosticStatus
// is a level byte, three empty strings and an empty values sequence.
const (
	minKeyValueSize = 4 + 4
	minStatusSize   = 1 + 4 + 4 + 4 + 4
)

// TypeName implements Message.
func (*DiagnosticArray) TypeName() string { return diagnosticArrayType }

func (m *DiagnosticArray) size() (int, error) {
	s := sizer{msg: diagnosticArrayType}
	s.header(&m.Header)
	s.seq("status", len(m.Status))
	for i := range m.Status {
		st := &m.Status[i]
		s.u8()
		s.str("status[].name", st.Name)
		s.str("status[].message", st.Message)
		s.str("status[].hardware_id", st.HardwareID)
		s.seq("status[].values", len(st.Values))
		for _, kv := range st.Values {
			s.str("status[].values[].key", kv.Key)
			s.str("status[].values[].value", kv.Value)
		}
	}
	return s.total(), s.err
}

// Size implements Message.
func (m *DiagnosticArray) Size() int {
	n, _ := m.size()
	return n
}

// AppendCDR implements Message.
func (m *DiagnosticArray) AppendCDR(dst []byte) ([]byte, error) {
	n, err := m.size()
	if err != nil {
		return dst, err
	}
	w := newWriter(dst, n)
	w.header(&m.Header)
	w.u32(uint32(len(m.Status)))
	for i := range m.Status {
		st := &m.Status[i]
		w.u8(byte(st.Level))
		w.str(st.Name)
		w.str(st.Message)
		w.str(st.HardwareID)
		w.u32(uint32(len(st.Values)))
		for _, kv := range st.Values {
			w.str(kv.Key)
			w.str(kv.Value)
		}
	}
	return w.b, nil
}

func decodeDiagnosticArray(r *reader) (*DiagnosticArray, error) {
	m := &DiagnosticArray{}
	r.header(&m.Header)
	if n := r.count("status", minStatusSize); n > 0 {
		m.Status = make([]DiagnosticStatus, n)
		for i := range m.Status {
			if decodeStatus(r, &m.Status[i]); r.failedIn("status", i) {
				break
			}
		}
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

func decodeStatus(r *reader, st *DiagnosticStatus) {
	st.Level = Level(r.u8("level"))
	st.Name = r.str("name")
	st.Message = r.str("message")
	st.HardwareID = r.str("hardware_id")
	if n := r.count("values", minKeyValueSize); n > 0 {
		st.Values = make([]KeyValue, n)
		for i := range st.Values {
			st.Values[i].Key = r.str("key")
			st.Values[i].Value = r.str("value")
			if r.failedIn("values", i) {
				return
			}
		}
	}
}
