package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"webcam/rosparam"
)

// The TURN password comes from its file (one trailing newline dropped, as
// an editor leaves it), never from a parameter; a missing file is an error
// naming the parameter and the path.
func TestWebRTCConfigReadsTURNPasswordFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "turn.pass")
	if err := os.WriteFile(file, []byte("s3cret pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		file     string
		wantPass string
		wantErr  string
	}{
		{"from the file", file, "s3cret pass", ""},
		{"no file: no password", "", "", ""},
		{"missing file", filepath.Join(dir, "absent"), "", pTURNPassFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := mustTable()
			if _, err := tab.Load(map[string]rosparam.Value{
				pICEServers:   rosparam.Strings("turn:127.0.0.1:3478?transport=udp", "stun:127.0.0.1:3478"),
				pTURNUser:     rosparam.String("robot"),
				pTURNPassFile: rosparam.String(tc.file),
			}); err != nil {
				t.Fatal(err)
			}
			c, err := webRTCConfig(tab)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.file) {
					t.Fatalf("error %v, want one naming %s and %s", err, tc.wantErr, tc.file)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.TURNPassword != tc.wantPass || c.TURNUser != "robot" || len(c.ICEServers) != 2 {
				t.Errorf("config %+v, want user robot, password %q, 2 servers", c, tc.wantPass)
			}
		})
	}
}
