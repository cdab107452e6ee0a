package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// queryServer is a TMS whose /Product/QueryList answers status for the
// first fails queries (0: never) and the simulator's answer after; every
// other path is the simulator's.
func queryServer(t *testing.T, status, fails int) (*tmssim.Server, map[string]string, *atomic.Int32) {
	t.Helper()
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	var queries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.URL.Path, "/Product/QueryList") {
			if n := queries.Add(1); fails < 0 || int(n) <= fails {
				w.Header().Set("Retry-After", "0")
				http.Error(w, http.StatusText(status), status)
				return
			}
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); sim.Close() })
	env := tmsEnv(srv.URL)
	env["CUSTIMPORT_STATE_DIR"] = t.TempDir()
	return sim, env, &queries
}

// folderRecord reads the folder's summary JSON.
func folderRecord(t *testing.T, path string) folderSummary {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fs folderSummary
	if err := json.Unmarshal(data, &fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestFolderConnectionTest: before a folder run sends, the connection is
// tested once: transient failures are retried, a busy TMS or one without
// the read-only endpoint only warns, and a TMS that stays unreachable
// stops the run with nothing sent.
func TestFolderConnectionTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		fails    int // -1: always
		exit     int
		queries  int32
		code     string
		stderr   string
		imported int
	}{
		{"accepted", 0, 0, 0, 1, "accepted", "", 2},
		{"502 once, then accepted", 502, 1, 0, 2, "accepted", "", 2},
		{"no read-only endpoint", 404, -1, 0, 1, "not_found", "仍繼續匯入", 2},
		{"busy through the retries", 503, -1, 0, 2, "busy", "TMS 忙碌中", 2},
		{"500 through the retries", 500, -1, 2, 2, "http_status", "沒有送出任何資料", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, env, queries := queryServer(t, tt.status, tt.fails)
			dir := t.TempDir()
			writeFile(t, dir, "a.csv", []byte("CCODE,CNAM1,CBELE\nA1,甲,1\nA2,乙,2\n"))
			clitest.Backdate(t, dir)
			summary := filepath.Join(t.TempDir(), "s.json")
			res := run(t, env, "import", dir, "--max-attempts", "2", "--summary-json", summary)
			if res.code != tt.exit {
				t.Fatalf("exit %d, want %d\n%s", res.code, tt.exit, res)
			}
			if queries.Load() != tt.queries {
				t.Errorf("%d queries, want %d", queries.Load(), tt.queries)
			}
			if got := len(sim.Customers()); got != tt.imported {
				t.Errorf("%d customers, want %d", got, tt.imported)
			}
			if tt.imported == 0 && sim.Stats().Requests != 0 {
				t.Errorf("%d requests to /Cust/Add after a stop", sim.Stats().Requests)
			}
			if !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q\n%s", tt.stderr, res)
			}
			speaksOnly(t, "the folder run", res.stdout+res.stderr)
			if fs := folderRecord(t, summary); fs.Connection == nil || fs.Connection.Code != tt.code {
				t.Errorf("summary connection %+v, want %s", fs.Connection, tt.code)
			}
		})
	}
}

// TestFolderWithoutInputsSendsNothing: a night with no files does not
// contact TMS, and a check never does.
func TestFolderWithoutInputsSendsNothing(t *testing.T) {
	_, env, queries := queryServer(t, 0, 0)
	dir := t.TempDir()
	if res := run(t, env, "import", dir); res.code != 0 {
		t.Fatalf("%s", res)
	}
	writeFile(t, dir, "a.csv", []byte("CCODE,CNAM1,CBELE\nA1,甲,1\n"))
	if res := run(t, env, "check", dir); res.code != 0 {
		t.Fatalf("%s", res)
	}
	if queries.Load() != 0 {
		t.Errorf("%d queries", queries.Load())
	}
}

// TestConfigCheckOnlineUsage: --online works without a config file;
// without --online the file is required, and --trace-http needs a test.
func TestConfigCheckOnlineUsage(t *testing.T) {
	_, env, queries := queryServer(t, 0, 0)
	tests := []struct {
		args []string
		exit int
	}{
		{[]string{"config", "check"}, 2},
		{[]string{"config", "check", "--trace-http", "t.jsonl", "cfg.yaml"}, 2},
		{[]string{"config", "check", "--online"}, 0},
		{[]string{"config", "check", "--find-recipe"}, 0}, // implies --online
		{[]string{"config", "check", "a.yaml", "b.yaml", "--online"}, 2},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if res := run(t, env, tt.args...); res.code != tt.exit {
				t.Errorf("exit %d, want %d\n%s", res.code, tt.exit, res)
			}
		})
	}
	if queries.Load() != 2 {
		t.Errorf("%d queries, want 2", queries.Load())
	}
	noKey := map[string]string{"TMS_URL": env["TMS_URL"], "TMS_PNO": testPNO}
	if res := run(t, noKey, "config", "check", "--online"); res.code != 2 || !strings.Contains(res.stderr, "no API key") {
		t.Errorf("without a key:\n%s", res)
	}
}

// TestConfigCheckOnlineJSON: the verdict as a JSON record, with the
// clock and the settings to check.
func TestConfigCheckOnlineJSON(t *testing.T) {
	_, env, _ := queryServer(t, 0, 0)
	env["TMS_PNO"] = "WRONG"
	res := run(t, env, "config", "check", "--online", "--log-format", "json")
	if res.code != 2 {
		t.Fatalf("%s", res)
	}
	var rec struct {
		Msg        string        `json:"msg"`
		Level      string        `json:"level"`
		Connection verdictRecord `json:"connection"`
	}
	for _, l := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("not a JSON line: %q", l)
		}
		if strings.Contains(l, `"connection checked"`) {
			json.Unmarshal([]byte(l), &rec)
		}
	}
	c := rec.Connection
	if rec.Level != "ERROR" || c.Code != "pno" || c.TMSCode != "9005" || c.ClockOffsetSeconds == nil || !strings.Contains(c.Check, "TMS_PNO") {
		t.Errorf("record %+v", rec)
	}
}

// TestRefusedRunExplained: a single-file import TMS stops with a
// request-level code names the setting and where it is set, in the
// results, the summary and the explanation.
func TestRefusedRunExplained(t *testing.T) {
	t.Parallel()
	sim, env, _ := queryServer(t, 0, 0)
	// The connection test passes (TMS's read-only endpoint takes this
	// pno), then /Cust/Add refuses it.
	probeSim, err := tmssim.New(tmssim.Config{PNO: "WRONG", Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { probeSim.Close() })
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.URL.Path, "/Product/QueryList") {
			probeSim.ServeHTTP(w, r)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	env["TMS_URL"] = proxy.URL
	env["TMS_PNO"] = "WRONG"
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	for i := range 5 {
		b.WriteString("R" + string(rune('0'+i)) + ",n,1\n")
	}
	in := writeFile(t, dir, "in.csv", []byte(b.String()))
	for lang, want := range map[string][]string{
		"zh": {"api-pno錯誤 → 設定問題:請確認公司代號 (pno)", "TMS 以 9005 api-pno錯誤 拒絕了 3 列", "公司代號 (pno) (pno / TMS_PNO / --pno)"},
		"en": {"api-pno錯誤 → a settings problem: check the company (pno)", "for 3 rows with 9005 api-pno錯誤", "the company (pno) (pno / TMS_PNO / --pno)"},
	} {
		res := run(t, env, "import", in, "--stop-after", "3", "--workers", "1", "--lang", lang)
		if res.code != 1 {
			t.Fatalf("%s: %s", lang, res)
		}
		tb := readXLSXTable(t, filepath.Join(dir, "in.results.xlsx"))
		if got := tb.cell(t, 0, "ImportErrorMessage"); got != want[0] {
			t.Errorf("%s: message %q, want %q", lang, got, want[0])
		}
		for _, w := range want[1:] {
			if !strings.Contains(res.stdout+res.stderr, w) {
				t.Errorf("%s: output lacks %q\n%s", lang, w, res)
			}
		}
		os.Remove(filepath.Join(dir, "in.results.xlsx"))
	}
}

// TestTraceFileMode: the trace is readable by its owner only, also when
// the file was there, readable by others.
func TestTraceFileMode(t *testing.T) {
	_, env, _ := queryServer(t, 0, 0)
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.jsonl", []byte("old"))
	os.Chmod(trace, 0o644)
	in := writeFile(t, dir, "in.csv", []byte("CCODE,CNAM1,CBELE\nT1,n,1\n"))
	if res := run(t, env, "import", in, "--trace-http", trace); res.code != 0 {
		t.Fatalf("%s", res)
	}
	st, err := os.Stat(trace)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st.Mode(), err)
	}
	data, _ := os.ReadFile(trace)
	// The connection test's request and answer, then the row's.
	if n := strings.Count(string(data), "\n"); n != 4 || !strings.Contains(string(data), "/Product/QueryList") || !strings.Contains(string(data), "/Cust/Add") || strings.Contains(string(data), "old") {
		t.Errorf("%d lines:\n%s", n, data)
	}
	if res := run(t, env, "import", in, "--trace-http", filepath.Join(dir, "no", "such", "dir", "t")); res.code != 2 {
		t.Errorf("an unwritable trace: %s", res)
	}
	before, _ := os.ReadFile(in)
	if res := run(t, env, "import", in, "--trace-http", in); res.code != 2 || !strings.Contains(res.stderr, "就是輸入檔") {
		t.Errorf("the input as the trace: %s", res)
	}
	if after, _ := os.ReadFile(in); string(after) != string(before) {
		t.Error("the trace overwrote the input")
	}
}

// TestConnectionRefusedVerdict: nothing listens at the URL.
func TestConnectionRefusedVerdict(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	res := run(t, map[string]string{"TMS_URL": url, "TMS_PNO": testPNO, "TMS_API_KEY": testKey}, "config", "check", "--online", "--lang", "en")
	if res.code != 2 || !strings.Contains(res.stdout, "Could not connect to "+url+"/Product/QueryList") || strings.Contains(res.stdout, "connection refused") {
		t.Errorf("%s", res)
	}
}

// TestOnlineCheckSpeaksChinese: every verdict of a zh connection test
// is in Chinese, without Go's or the network's error text.
func TestOnlineCheckSpeaksChinese(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	_, env, _ := queryServer(t, 0, 0)
	_, env404, _ := queryServer(t, 404, -1)
	with := func(k, v string) map[string]string {
		e := map[string]string{}
		for a, b := range env {
			e[a] = b
		}
		e[k] = v
		return e
	}
	for name, e := range map[string]map[string]string{
		"accepted": env, "nothing listens": with("TMS_URL", closed), "wrong pno": with("TMS_PNO", "X"),
		"wrong key": with("TMS_API_KEY", "nope"), "no endpoint": env404,
	} {
		t.Run(name, func(t *testing.T) {
			res := run(t, e, "config", "check", "--online", "--lang", "zh")
			speaksOnly(t, "config check --online", res.stdout+res.stderr)
		})
	}
}
