package ui

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// goErrorText is what Go's, the network's and PostgreSQL's error
// messages look like.
var goErrorText = regexp.MustCompile(`dial tcp|connection refused|connect:|:\d+: connect|context deadline|Client\.Timeout|\bEOF\b|Post "|i/o timeout|no such host|broken pipe|reset by peer|x509|tls:|permission denied|no such file|\bpq:|SQLSTATE|failed to connect`)

// With TMS down, never answering or refusing the signature, and with a
// shared PostgreSQL ledger nobody answers, the page's import in zh says
// everything in Chinese: the page (status, what stopped the import, the
// row messages) and the progress events; no Go or network error text.
// The states where TMS passes the connection test and then fails the
// sends are covered too.
func TestZhPageSpeaksChineseWhenTMSFails(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(silent.Close)
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: "another key"})
	if err != nil {
		t.Fatal(err)
	}
	refusing := httptest.NewServer(sim)
	t.Cleanup(func() { refusing.Close(); sim.Close() })
	_, good := startSim(t)

	tests := []struct {
		name, url, ledgerURL string
		testPassed           bool // the connection test before the import passed (TMS failed after it)
	}{
		{"TMS down", down, "", false},
		{"TMS never answers", silent.URL, "", false},
		{"TMS refuses the signature", refusing.URL, "", false},
		{"TMS down after the test", down, "", true},
		{"TMS silent after the test", silent.URL, "", true},
		{"TMS refuses after the test", refusing.URL, "", true},
		{"the PostgreSQL ledger unreachable", good.URL, "postgres://127.0.0.1:1/x?connect_timeout=2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := testConn(tt.url)
			conn.Timeout, conn.MaxAttempts, conn.StopAfter = 300e6, 1, 2
			conn.LedgerURL = tt.ledgerURL
			u := newTestUI(t, Config{Conn: conn})
			u.upload("客戶名單.csv", sample(t))
			u.post("/cell", url.Values{"line": {"4"}, "col": {"2"}, "value": {"53212539"}})
			if tt.testPassed {
				u.srv.sess.mu.Lock()
				u.srv.sess.connTest = &connTest{verdict: probe.Verdict{Code: probe.Accepted, URL: tt.url, TMSCode: "0000"}, conn: u.srv.sess.conn}
				u.srv.sess.mu.Unlock()
			}
			p := u.post("/import", nil)
			seen := p.body
			u.srv.sess.mu.Lock()
			started := u.srv.sess.imp != nil
			u.srv.sess.mu.Unlock()
			events := ""
			if started {
				events = readEvents(t, u)
			}
			seen += u.get("/view").body
			if tt.ledgerURL != "" && !strings.Contains(seen, "PostgreSQL") {
				t.Errorf("the page does not say the shared ledger's server cannot be reached")
			}
			if !started && !strings.Contains(seen, "import-refused") && !strings.Contains(seen, `class="error"`) {
				t.Fatalf("the import neither started nor was refused:\n%s", p.body)
			}
			if m := goErrorText.FindString(events); m != "" {
				t.Errorf("the progress events show Go error text %q", m)
			}
			if m := goErrorText.FindString(seen); m != "" {
				t.Errorf("the page shows Go error text %q", m)
			}
			if w := englishWords(seen); len(w) > 0 {
				t.Errorf("the zh page shows the English words %q", w)
			}
			for _, m := range regexp.MustCompile(`(?s)<span class="msg">(.*?)</span>`).FindAllStringSubmatch(seen, -1) {
				if w := englishWords(m[1]); len(w) > 0 {
					t.Errorf("a row message shows the English words %q: %s", w, m[1])
				}
			}
		})
	}
}
