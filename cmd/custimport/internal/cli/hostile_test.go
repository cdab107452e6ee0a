package cli

// Hardening tests of the send path and the results file: formula injection
// through the results, and `custimport import` against hostile servers on
// 127.0.0.1 (one that never answers, a 100 MB answer, a redirect to another
// host, a self-signed certificate, a plain-http URL to a remote host, and
// servers that echo the API key back).

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms/tmssim"
)

// injection holds text values a spreadsheet would evaluate as a formula.
var injection = []struct{ code, value string }{
	{"CNAM1", `=HYPERLINK("http://x.test","y")`},
	{"CADD1", "+886 2 2345 6789"},
	{"CBAK1", "-5"}, // a number in a text column is text: escaped
	{"CMAN1", "@SUM(A1:A2)"},
	{"CBAK2", "\tTAB"},
	{"CTIME", "\rCR"},
}

func injectionInput() (header, row []string) {
	header = []string{"CCODE"}
	row = []string{"C001"}
	for _, c := range injection {
		header = append(header, c.code)
		row = append(row, c.value)
	}
	return append(header, "CBELE"), append(row, "-5")
}

func TestFormulaInjectionCSVResults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	header, row := injectionInput()
	// Written by hand: encoding/csv's writer with UseCRLF drops a lone CR.
	var b strings.Builder
	for _, r := range [][]string{header, row} {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	in := writeFile(t, dir, "inj.csv", []byte(b.String()))
	res := run(t, nil, "check", "--lang", "en", "--results-format", "csv", in)
	if res.code != ExitOK {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitOK, res)
	}
	tb := readCSVTable(t, filepath.Join(dir, "inj.results.csv"))
	for _, c := range injection {
		// The results writer (encoding/csv with UseCRLF) drops a lone CR
		// inside a cell, so "\rCR" comes out as "'CR": still prefixed.
		want := "'" + strings.ReplaceAll(c.value, "\r", "")
		if got := tb.cell(t, 0, c.code); got != want {
			t.Errorf("%s: got %q, want %q (quote-prefixed)", c.code, got, want)
		}
	}
	if got := tb.cell(t, 0, "CBELE"); got != "-5" {
		t.Errorf("CBELE: got %q, want %q (a number in a numeric column is not escaped)", got, "-5")
	}
	if got := tb.cell(t, 0, "ImportStatus"); got != "VALID" {
		t.Errorf("ImportStatus: got %q, want VALID (%q)", got, tb.cell(t, 0, "ImportErrorMessage"))
	}
}

func TestFormulaInjectionXLSXResults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	header, row := injectionInput()
	hs, rs := make([]any, len(header)), make([]any, len(row))
	for i := range header {
		hs[i], rs[i] = header[i], row[i]
	}
	in := xlsxFile(t, filepath.Join(dir, "inj.xlsx"), map[string][][]any{"Sheet1": {hs, rs}}, []string{"Sheet1"}, nil)
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitOK {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitOK, res)
	}
	out := filepath.Join(dir, "inj.results.xlsx")
	xml := zipPart(t, out, "xl/worksheets/sheet1.xml")
	if strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") {
		t.Errorf("the results sheet holds a formula:\n%s", xml)
	}
	// Every injected value is a string cell; CBELE -5 is a number.
	cells := regexp.MustCompile(`<c r="([A-Z]+)2"([^>]*)>`).FindAllStringSubmatch(xml, -1)
	attrs := map[string]string{}
	for _, m := range cells {
		attrs[m[1]] = m[2]
	}
	for i, code := range header {
		col := string(rune('A' + i))
		isString := strings.Contains(attrs[col], `t="s"`) || strings.Contains(attrs[col], `t="inlineStr"`) || strings.Contains(attrs[col], `t="str"`)
		if code == "CBELE" {
			if isString {
				t.Errorf("CBELE (column %s) is a string cell %q; want a number", col, attrs[col])
			}
			continue
		}
		if !isString {
			t.Errorf("%s (column %s) is not a string cell: attributes %q", code, col, attrs[col])
		}
	}
	tb := readXLSXTable(t, out)
	for _, c := range injection {
		want := c.value
		if got := tb.cell(t, 0, c.code); got != want {
			t.Errorf("%s: got %q, want %q (stored as text, unchanged)", c.code, got, want)
		}
	}
	if got := tb.cell(t, 0, "CBELE"); got != "-5" {
		t.Errorf("CBELE: got %q, want %q", got, "-5")
	}
}

// sendInput writes an input with one row that has a code (idempotent: it
// may be retried) and one auto-numbered create (never resent blindly).
func sendInput(t *testing.T, dir string) string {
	t.Helper()
	return writeFile(t, dir, "send.csv", csvBytes(t, basicHeader, []string{"C001", "Acme", "100"}, []string{"", "Auto", "100"}))
}

// importRun runs `custimport import` of in to url and returns the result
// and the results table.
func importRun(t *testing.T, url, in string, extra ...string) (runResult, table) {
	t.Helper()
	out := filepath.Join(filepath.Dir(in), "out.csv")
	args := append([]string{"import", "--lang", "en", "--out", out}, extra...)
	res := run(t, tmsEnv(url), append(args, in)...)
	if res.code == ExitCantRun {
		t.Fatalf("import could not run\n%s", res)
	}
	return res, readCSVTable(t, out)
}

// want checks one row's status and that its message holds every part.
func wantRow(t *testing.T, tb table, row int, status string, parts ...string) {
	t.Helper()
	if got := tb.cell(t, row, "ImportStatus"); got != status {
		t.Errorf("row %d ImportStatus: got %q, want %q (message %q)", row+2, got, status, tb.cell(t, row, "ImportErrorMessage"))
	}
	msg := tb.cell(t, row, "ImportErrorMessage")
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("row %d ImportErrorMessage: got %q, want it to mention %q", row+2, msg, p)
		}
	}
}

func TestImportServerNeverAnswers(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(probeOK(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	dir := t.TempDir()
	start := time.Now()
	res, tb := importRun(t, srv.URL, sendInput(t, dir), "--timeout", "300ms", "--max-attempts", "2")
	elapsed := time.Since(start)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	wantRow(t, tb, 0, "FAILED", "did not answer in time", "gave up after 2 attempts")
	if got := tb.cell(t, 0, "ImportErrorCode"); got != "TIMEOUT" {
		t.Errorf("row 2 ImportErrorCode: got %q, want TIMEOUT", got)
	}
	wantRow(t, tb, 1, "UNKNOWN", "check TMS")
	if got := requests.Load(); got != 3 {
		t.Errorf("the server got %d requests, want 3 (2 attempts for the coded row, 1 for the auto-numbered create)", got)
	}
	if !strings.Contains(res.stdout, "UNKNOWN rows may have been created") {
		t.Errorf("the summary does not warn about UNKNOWN rows\n%s", res)
	}
	if elapsed > 10*time.Second {
		t.Errorf("the run took %v; want it bounded by the timeouts", elapsed)
	}
}

// bigBody answers 200 with 100 MB, with or without a Content-Length.
func bigBody(declare bool, written *atomic.Int64) http.HandlerFunc {
	const total = 100 << 20
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if declare {
			w.Header().Set("Content-Length", fmt.Sprint(total))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		chunk := []byte(`{"Status":"S","CCODE":"` + strings.Repeat("9", 1<<16) + `"`)
		for n := 0; n < total; n += len(chunk) {
			k, err := w.Write(chunk[:min(len(chunk), total-n)])
			written.Add(int64(k))
			if err != nil {
				return
			}
		}
	}
}

func TestImportHugeAnswer(t *testing.T) {
	t.Parallel()
	for _, declare := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length declared %t", declare), func(t *testing.T) {
			t.Parallel()
			var written atomic.Int64
			srv := httptest.NewServer(bigBody(declare, &written))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			in := writeFile(t, dir, "send.csv", csvBytes(t, basicHeader, []string{"C001", "Acme", "100"}))
			res, tb := importRun(t, srv.URL, in, "--max-attempts", "2")
			if res.code != ExitRows {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
			}
			wantRow(t, tb, 0, "FAILED", "response larger than 1 MiB")
			if got := tb.cell(t, 0, "ImportCCODE"); got != "" {
				t.Errorf("ImportCCODE: got %d bytes, want none", len(got))
			}
			if n := written.Load(); n > 50<<20 {
				t.Errorf("the client let the server write %d MB; want it to stop reading after the limit", n>>20)
			}
		})
	}
	t.Run("auto-numbered create", func(t *testing.T) {
		t.Parallel()
		var written atomic.Int64
		srv := httptest.NewServer(bigBody(false, &written))
		t.Cleanup(srv.Close)
		dir := t.TempDir()
		in := writeFile(t, dir, "send.csv", csvBytes(t, basicHeader, []string{"", "Auto", "100"}))
		_, tb := importRun(t, srv.URL, in)
		wantRow(t, tb, 0, "UNKNOWN", "response larger than 1 MiB")
	})
}

func TestImportRedirectToAnotherHost(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			var other atomic.Int64
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				other.Add(1)
				w.Write([]byte(`{"Status":"S","CCODE":"STOLEN"}`))
			}))
			t.Cleanup(target.Close)
			// "localhost" makes the target another host name than the
			// 127.0.0.1 of the server the URL names.
			loc := strings.Replace(target.URL, "127.0.0.1", "localhost", 1) + "/Cust/Add"
			srv := httptest.NewServer(probeOK(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, loc, status)
			})))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			res, tb := importRun(t, srv.URL, sendInput(t, dir))
			if res.code != ExitRows {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
			}
			// The row with a code is safe to resend: FAILED. The
			// auto-numbered create may have been stored before the
			// redirect: UNKNOWN, never resent blindly.
			for row, status := range []string{"FAILED", "UNKNOWN"} {
				wantRow(t, tb, row, status, "redirect", "check the TMS URL")
				if got := tb.cell(t, row, "ImportCCODE"); got != "" {
					t.Errorf("row %d ImportCCODE: got %q, want none", row+2, got)
				}
			}
			if n := other.Load(); n != 0 {
				t.Errorf("the other host got %d requests, want 0", n)
			}
		})
	}
}

func TestImportSelfSignedCertificate(t *testing.T) {
	t.Parallel()
	newTLSSim := func(t *testing.T) (*tmssim.Server, *httptest.Server) {
		sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewUnstartedServer(sim)
		// The refused handshakes are expected: keep them out of the log.
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		t.Cleanup(func() {
			srv.Close()
			sim.Close()
		})
		return sim, srv
	}
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		sim, srv := newTLSSim(t)
		// The connection test before sending stops the run: nothing
		// sent, no results, the certificate and the way out named.
		dir := t.TempDir()
		out := filepath.Join(dir, "out.csv")
		res := run(t, tmsEnv(srv.URL), "import", "--lang", "en", "--out", out, sendInput(t, dir))
		if res.code != ExitCantRun {
			t.Fatalf("got exit %d, want %d\n%s", res.code, ExitCantRun, res)
		}
		for _, want := range []string{"certificate", "--insecure-skip-verify", "nothing was sent"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("stderr does not say %q\n%s", want, res)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("a run stopped before sending wrote results %s", out)
		}
		if n := sim.Stats().Requests; n != 0 {
			t.Errorf("the simulator got %d requests, want 0", n)
		}
	})
	t.Run("--insecure-skip-verify", func(t *testing.T) {
		t.Parallel()
		sim, srv := newTLSSim(t)
		res, tb := importRun(t, srv.URL, sendInput(t, t.TempDir()), "--insecure-skip-verify")
		if res.code != ExitOK {
			t.Fatalf("got exit %d, want %d\n%s", res.code, ExitOK, res)
		}
		for row := range 2 {
			wantRow(t, tb, row, "OK")
		}
		if !strings.Contains(res.stderr, "TLS certificate verification is OFF") {
			t.Errorf("stderr has no warning about the certificate check\n%s", res)
		}
		if n := len(sim.Customers()); n != 2 {
			t.Errorf("the simulator holds %d customers, want 2", n)
		}
	})
}

// noNetwork is a transport that records any use.
type noNetwork struct{ used atomic.Int64 }

func (n *noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.used.Add(1)
	return nil, fmt.Errorf("test: the network must not be used (request to %s)", r.URL.Host)
}

func TestImportPlainHTTPToRemoteHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--url", map[string]string{"TMS_PNO": testPNO, "TMS_API_KEY": testKey}, []string{"--url", "http://example.invalid"}},
		{"TMS_URL", tmsEnv("http://example.invalid/api"), nil},
		{"an IP address", tmsEnv("http://192.0.2.10:8080"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := sendInput(t, dir)
			tr := &noNetwork{}
			io := IO{
				Getenv:     func(k string) string { return tc.env[k] },
				HTTPClient: func() *http.Client { return &http.Client{Transport: tr} },
			}
			args := append([]string{"import", "--lang", "en"}, tc.args...)
			res := runIO(t, io, append(args, in)...)
			if res.code != ExitCantRun {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitCantRun, res)
			}
			if n := tr.used.Load(); n != 0 {
				t.Errorf("the transport was used %d times; the URL must be refused before any network use", n)
			}
			if !strings.Contains(res.stderr, "plain http") {
				t.Errorf("stderr does not say plain http is refused\n%s", res)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("the run left files behind: %v", entries)
			}
			t.Run("message names --allow-http", func(t *testing.T) {
				if !strings.Contains(res.stderr, "--allow-http") {
					t.Errorf("stderr does not mention --allow-http\n%s", res)
				}
			})
		})
	}
}

// TestKeyNeverLeaks runs failing imports against servers that put the key
// in their answers, with --verbose logging and a summary JSON, and
// searches everything the run wrote for the key.
func TestKeyNeverLeaks(t *testing.T) {
	t.Parallel()
	echo := func(r *http.Request) string {
		var b strings.Builder
		fmt.Fprintf(&b, "key=%s ", testKey)
		for k, v := range r.Header {
			fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(v, ","))
		}
		body, _ := io.ReadAll(r.Body)
		b.Write(body)
		return b.String()
	}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		trace   string // proof in the results that the answer was seen
	}{
		{"502 echoing the key and the headers", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, echo(r))
		}, "HTTP 502"},
		{"401 echoing the key", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, echo(r))
		}, "HTTP 401"},
		{"200 that is not JSON", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<html>"+echo(r))
		}, "not in the format"},
		{"200 JSON with a bad Status holding the key", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]string{"Status": "X" + testKey})
		}, "not in the format"},
		{"redirect to a URL holding the key", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/steal?key="+testKey, http.StatusTemporaryRedirect)
		}, "redirect"},
		{"business error quoting the key", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]string{"Status": "E", "ErrorCode": "9002", "ErrorMessage": "簽章錯誤, expected key " + testKey})
		}, "簽章錯誤"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(probeOK(t, tc.handler))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			in := sendInput(t, dir)
			summary := filepath.Join(dir, "summary.json")
			res, tb := importRun(t, srv.URL, in, "--verbose", "--max-attempts", "2", "--summary-json", summary)
			if res.code != ExitRows {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
			}
			if msg := tb.cell(t, 0, "ImportErrorMessage"); !strings.Contains(msg, tc.trace) {
				t.Errorf("row 2 ImportErrorMessage: got %q, want it to mention %q (the hostile answer was not seen)", msg, tc.trace)
			}
			if strings.Contains(res.stdout, testKey) {
				t.Errorf("the key is in stdout\n%s", res)
			}
			if strings.Contains(res.stderr, testKey) {
				t.Errorf("the key is in stderr\n%s", res)
			}
			if _, err := os.Stat(summary); err != nil {
				t.Errorf("no summary JSON: %v", err)
			}
			err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if strings.Contains(string(data), testKey) {
					t.Errorf("the key is in %s", filepath.Base(p))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestImportSameCodeForEveryCreate: a TMS that answers every create with
// one code. Each row stays OK with a warning naming the others, and the
// summary (printed and JSON) counts them.
func TestImportSameCodeForEveryCreate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"Status":"S","CCODE":"H1","ErrorCode":"0000","ErrorMessage":""}`)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	in := writeFile(t, dir, "same.csv", csvBytes(t, basicHeader, []string{"", "Alpha", "1"}, []string{"", "Beta", "1"}, []string{"", "Gamma", "1"}))
	summary := filepath.Join(dir, "summary.json")
	res, tb := importRun(t, srv.URL, in, "--summary-json", summary)
	if res.code != ExitOK {
		t.Fatalf("got exit %d, want %d (TMS said OK)\n%s", res.code, ExitOK, res)
	}
	for row, others := range [][]string{{"row 3", "row 4"}, {"row 2", "row 4"}, {"row 2, 3"}} {
		wantRow(t, tb, row, "OK")
		w := tb.cell(t, row, "ImportWarnings")
		for _, o := range append(others, "H1") {
			if !strings.Contains(w, o) {
				t.Errorf("row %d warnings %q: want it to name %s", row+2, w, o)
			}
		}
	}
	if !strings.Contains(res.stdout, "more than one new customer: 3 rows") {
		t.Errorf("the summary does not count the rows\n%s", res)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		SharedCodes int `json:"shared_code_rows"`
	}
	if err := json.Unmarshal(data, &js); err != nil || js.SharedCodes != 3 {
		t.Errorf("summary JSON shared_code_rows: got %d (%v), want 3\n%s", js.SharedCodes, err, data)
	}
}
