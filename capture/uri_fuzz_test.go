package capture

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// FuzzURI feeds arbitrary strings to the source URI readers (CheckURI,
// ParseURI, and the option readers of file:// and faulty://). Nothing may
// panic; every refusal is a ConfigError (the runner stops instead of
// retrying it forever); an accepted URI, written out by String() (as the
// node logs and reports it), is accepted again with the same scheme and
// the same verdict of its scheme's options, and String() is then stable.
// Seeds: testdata/fuzz/FuzzURI.
func FuzzURI(f *testing.F) {
	f.Fuzz(func(t *testing.T, uri string) {
		checkErr := CheckURI(uri)
		u, parseErr := ParseURI(uri)
		for _, err := range []error{checkErr, parseErr} {
			if err != nil && !IsConfigError(err) {
				t.Fatalf("%q: refused with %T %v, want a ConfigError", uri, err, err)
			}
		}
		if parseErr != nil {
			if checkErr == nil {
				t.Fatalf("%q: CheckURI accepts what ParseURI refuses: %v", uri, parseErr)
			}
			return
		}
		if u.OmitHost && strings.HasPrefix(u.EscapedPath(), "//") {
			// net/url writes "s:/%2f x" as "s://%20x", which reads back as a
			// host (golang/go#78328, #81292). Such a URI is only ever shown
			// (Info.URI, the faulty key), never parsed again, so let it be.
			return
		}
		written := u.String()
		u2, err := ParseURI(written)
		if err != nil {
			t.Fatalf("%q: written as %q, which does not parse: %v", uri, written, err)
		}
		if u2.Scheme != u.Scheme {
			t.Fatalf("%q: written as %q, scheme %q became %q", uri, written, u.Scheme, u2.Scheme)
		}
		if again := u2.String(); again != written {
			t.Fatalf("%q: written as %q, then as %q", uri, written, again)
		}
		if err2 := CheckURI(written); (checkErr == nil) != (err2 == nil) {
			t.Fatalf("%q: CheckURI says %v, but of %q it says %v", uri, checkErr, written, err2)
		}
		if a, b := optionsVerdict(u), optionsVerdict(u2); a != b {
			t.Fatalf("%q: options %s, but written as %q they are %s", uri, a, written, b)
		}
	})
}

// optionsVerdict runs the option reader of u's scheme, where it has one
// that opens nothing, and tells what it made of them.
func optionsVerdict(u *url.URL) string {
	switch u.Scheme {
	case "file":
		path, loop, err := fileOptions(u)
		if err != nil {
			return "refused"
		}
		if loop {
			return "file " + path + " looping"
		}
		return "file " + path
	case "faulty":
		inner, plan, err := faultOptions(u)
		if err != nil {
			return "refused"
		}
		return fmt.Sprintf("faulty %s %+v", inner, plan)
	}
	return "not read"
}
