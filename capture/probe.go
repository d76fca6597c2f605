package capture

import (
	"net"
	"os"
	"time"
)

// ReadyProbe returns a cheap check that the resource behind uri is there
// (the device node or file exists, the network server accepts connections),
// for the capture loop to retry at once when a lost source comes back instead
// of waiting out its backoff. It returns nil where nothing cheap can tell.
func ReadyProbe(uri string) func() bool {
	u, err := ParseURI(uri)
	if err != nil {
		return nil
	}
	switch u.Scheme {
	case "faulty":
		return faultyProbe(u)
	case "v4l2", "file":
		path := u.Path
		if u.Scheme == "v4l2" && u.Host != "" {
			path = "/dev/video" + u.Host // v4l2://0
		}
		if path == "" {
			return nil
		}
		wasThere := exists(path)
		return func() bool {
			now := exists(path)
			appeared := now && !wasThere
			wasThere = now
			return appeared
		}
	case "rtsp", "http", "https":
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), map[string]string{"rtsp": "554", "http": "80", "https": "443"}[u.Scheme])
		}
		wasUp := false
		return func() bool {
			c, err := net.DialTimeout("tcp", host, 150*time.Millisecond)
			up := err == nil
			if up {
				c.Close()
			}
			cameBack := up && !wasUp
			wasUp = up
			return cameBack
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
