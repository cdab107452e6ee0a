package ledger

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// FuzzNormalizeURL: the canonical form is its own canonical form (one
// server, one ledger, however often it is read back), and its port, if
// any, is a plain number between 1 and 65535 other than the scheme's
// default.
func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{"http://h:031401", "https://H.example.:0443/a/", "http://[::1]:080", "http://[2001:DB8::0:1]:8080/x",
		"http://localhost:", "https://u:p@h/p?q#f", "http://h:99999", "http://1.2.3.4:00001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := NormalizeURL(raw)
		if err != nil {
			return
		}
		again, err := NormalizeURL(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeURL(%q) = %q, whose own form is %q, %v", raw, got, again, err)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("NormalizeURL(%q) = %q, which does not parse: %v", raw, got, err)
		}
		if p := u.Port(); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != p || (u.Scheme == "http" && n == 80) || (u.Scheme == "https" && n == 443) {
				t.Fatalf("NormalizeURL(%q) = %q: port %q is not canonical", raw, got, p)
			}
		}
		if strings.HasSuffix(got, "/") {
			t.Fatalf("NormalizeURL(%q) = %q ends with a slash", raw, got)
		}
	})
}
