package httpview

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// part is one image of a multipart stream, with its headers as sent.
type part struct {
	names  []string          // header names in order, case as sent
	header map[string]string // by name as sent
	jpeg   []byte
}

// mjpegReader parses a stream strictly: exact boundary lines, exact framing
// and Content-Length, so any byte out of place fails the test.
type mjpegReader struct {
	resp *http.Response
	br   *bufio.Reader
}

// openStream GETs url and checks the response up to the first boundary.
func openStream(ctx context.Context, c *http.Client, url string) (*mjpegReader, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	m := &mjpegReader{resp: resp, br: bufio.NewReaderSize(resp.Body, 64<<10)}
	if err := m.expect("--" + boundary + "\r\n"); err != nil {
		m.Close()
		return nil, fmt.Errorf("first boundary: %w", err)
	}
	return m, nil
}

func (m *mjpegReader) Close() error { return m.resp.Body.Close() }

func (m *mjpegReader) expect(want string) error {
	got := make([]byte, len(want))
	if _, err := io.ReadFull(m.br, got); err != nil {
		return err
	}
	if string(got) != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// next reads one part: headers, exactly Content-Length bytes, then the
// footer that carries the next boundary.
func (m *mjpegReader) next() (part, error) {
	p := part{header: map[string]string{}}
	for {
		line, err := m.br.ReadString('\n')
		if err != nil {
			return p, err
		}
		if !strings.HasSuffix(line, "\r\n") {
			return p, fmt.Errorf("header line %q does not end in CRLF", line)
		}
		line = strings.TrimSuffix(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ": ")
		if !ok {
			return p, fmt.Errorf("malformed part header %q", line)
		}
		p.names = append(p.names, name)
		p.header[name] = value
	}
	n, err := strconv.Atoi(p.header["Content-Length"])
	if err != nil || n <= 0 {
		return p, fmt.Errorf("part Content-Length %q", p.header["Content-Length"])
	}
	p.jpeg = make([]byte, n)
	if _, err := io.ReadFull(m.br, p.jpeg); err != nil {
		return p, err
	}
	return p, m.expect("\r\n--" + boundary + "\r\n")
}

// countParts reads parts until ctx ends and returns how many arrived.
func countParts(ctx context.Context, c *http.Client, url string) (int, error) {
	m, err := openStream(ctx, c, url)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	n := 0
	for {
		if _, err := m.next(); err != nil {
			if ctx.Err() != nil {
				return n, nil
			}
			return n, err
		}
		n++
	}
}

// mustOpen is openStream for the test goroutine.
func mustOpen(t testing.TB, ctx context.Context, url string) *mjpegReader {
	t.Helper()
	m, err := openStream(ctx, client(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}
