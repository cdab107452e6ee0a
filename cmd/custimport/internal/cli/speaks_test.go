package cli

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// goErrorText is what Go's and the network's error messages look like.
var goErrorText = regexp.MustCompile(`dial tcp|connection refused|connect:|:\d+: connect|context deadline|Client\.Timeout|\bEOF\b|Post "|i/o timeout|no such host|broken pipe|reset by peer|x509|tls:|permission denied|no such file|not a directory|no space left|\bpq:|SQLSTATE|failed to connect`)

// allowedEnglish are the words a zh run may show: the product's name,
// the statuses and codes scripts read, and the results' column names
// (beside the catalog's allow-list, zhAllowed).
var allowedEnglish = regexp.MustCompile(`\b(TMS|ImportStatus|ImportCCODE|ImportErrorCode|ImportErrorMessage|ImportWarnings|OK|FAILED|UNKNOWN|INVALID|NOT_SENT|SKIPPED|VALID|NETWORK|TIMEOUT|HTTP\d*|ProNum|pno|ledger|TLS|URL|CCODE|CNAM1|CBELE|custimport|QueryList|Product|Cust|Add|s|ms|api)\b`)

// latinWord is a word in Latin letters.
var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]`)

// speaksOnly fails t where text has an English word or Go error text.
func speaksOnly(t *testing.T, where, text string) {
	t.Helper()
	if problem := notChinese(text); problem != "" {
		t.Errorf("%s shows %s:\n%s", where, problem, text)
	}
}

// notChinese says what in text is not for a zh user (Go error text, an
// English word outside the allow-lists), "" when nothing is.
func notChinese(text string) string {
	if m := goErrorText.FindString(text); m != "" {
		return fmt.Sprintf("Go error text %q", m)
	}
	// Commands people type, flags, paths, addresses and file names are
	// data, not sentences.
	bare := regexp.MustCompile(`「[^」]*」`).ReplaceAllString(text, " ") // values, as typed
	bare = commandLine.ReplaceAllString(bare, " ")
	bare = allowedEnglish.ReplaceAllString(bare, " ")
	bare = regexp.MustCompile(`[a-z]+://\S*|\S*[/\\]\S*|\S*\.[a-z]{2,4}\b|(^|[\s(「\[])--?[a-z][a-z0-9-]*|\{[a-z_]+\}|\b[A-Z][A-Z0-9_]+\b|\b\w*[0-9_]\w*\b`).ReplaceAllString(bare, " ")
	for _, w := range latinWord.FindAllString(bare, -1) {
		// One letter is a value (a pno X) or a unit, not a word.
		if len(w) > 1 && !zhAllowed[w] {
			return fmt.Sprintf("the English word %q", w)
		}
	}
	return ""
}

// The guard itself: a raw network error or an English word put back
// into a zh line is caught; the catalog's zh words with codes, flags,
// paths and statuses are not.
func TestNotChinese(t *testing.T) {
	tests := []struct {
		text string
		bad  bool
	}{
		{"第 2 列 FAILED: 無法連上 TMS (網址、網路,或 TMS 未啟動)", false},
		{"已停止送出: TMS 連續多列沒有回應,已停止送出;確認網址、網路與 TMS 後重新執行即可續傳", false},
		{"custimport: 連線測試: ✗ 無法連線到 http://127.0.0.1:1/Product/QueryList:TMS 沒有啟動", false},
		{"  → 請檢查:TMS 網址 (url / TMS_URL / --url)、網路與防火牆;結果檔: /tmp/x/in.results.xlsx", false},
		{`未送出: Post "http://127.0.0.1:1/Cust/Add": dial tcp 127.0.0.1:1: connect: connection refused`, true},
		{"未送出: x509: certificate signed by unknown authority", true},
		{"未送出: could not reach TMS (the address, the network, or TMS is down)", true},
		{"注意: unknown column kept in the results", true},
		{"custimport: 無法開啟 in.csv: permission denied", true},
		{"custimport: 讀取時發生錯誤: unexpected EOF", true},
		{"記錄檔: 127.0.0.1:1: connect refused", true},
		{"custimport: 無法執行 (stopped)", true}, // one English word is one too many
	}
	for _, tt := range tests {
		if got := notChinese(tt.text); (got != "") != tt.bad {
			t.Errorf("notChinese(%q) = %q, want a problem: %v", tt.text, got, tt.bad)
		}
	}
}

// With TMS down, unreachable or refusing, a zh run in text mode says
// everything in Chinese: the terminal (summary, log lines, the fatal
// line) and the results, for an import of one file, a check and a
// folder (nightly) run; so it does when TMS passes the connection test
// and then fails the sends. The raw errors are for --verbose and JSON
// logs.
func TestZhRunSpeaksChineseWhenTMSFails(t *testing.T) {
	t.Parallel()
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	silentH := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
	brokenH := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream exploded", http.StatusBadGateway)
	})
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: "another key"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	server := func(h http.Handler) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	tests := []struct {
		name, url string
		sends     bool // the connection test passes: rows are sent and fail
	}{
		{"TMS down (connection refused)", closed(), false},
		{"TMS never answers", server(silentH), false},
		{"TMS answers 502", server(brokenH), false},
		{"TMS refuses the signature", server(sim), false},
		{"TMS passes the test, then never answers", server(probeOK(t, silentH)), true},
		{"TMS passes the test, then answers 502", server(probeOK(t, brokenH)), true},
		{"TMS passes the test, then refuses the signature", server(probeOK(t, sim)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := sendInput(t, dir)
			out := filepath.Join(dir, "out.csv")
			res := run(t, tmsEnv(tt.url), "import", "--lang", "zh", "--out", out, "--timeout", "300ms", "--max-attempts", "2", in)
			want := ExitCantRun // the connection test stops the run
			if tt.sends {
				want = ExitRows
			}
			if res.code != want {
				t.Fatalf("exit %d, want %d\n%s", res.code, want, res)
			}
			speaksOnly(t, "the terminal", res.stdout+res.stderr)
			if tt.sends {
				tb := readCSVTable(t, out)
				for i := range tb.rows { // the importer's columns; the others are the file's data
					for _, col := range []string{"ImportStatus", "ImportErrorCode", "ImportErrorMessage", "ImportWarnings"} {
						if slices.Contains(tb.header, col) {
							speaksOnly(t, "the results' "+col, tb.cell(t, i, col))
						}
					}
				}
				// Many rows: sending stops after --stop-after rows with
				// no answer, and the summary says why in Chinese too.
				rows := [][]string{basicHeader}
				for i := range 6 {
					rows = append(rows, []string{fmt.Sprintf("S%03d", i), "甲", "1"})
				}
				many := writeFile(t, dir, "many.csv", csvBytes(t, rows...))
				res = run(t, tmsEnv(tt.url), "import", "--lang", "zh", "--out", filepath.Join(dir, "many.out.csv"), "--timeout", "300ms", "--max-attempts", "1", "--stop-after", "2", many)
				if !strings.Contains(res.stdout, "已停止送出") {
					t.Errorf("sending did not stop after 2 rows with no answer:\n%s", res)
				}
				speaksOnly(t, "the terminal of a stopped run", res.stdout+res.stderr)
			}
			// check sends nothing, but says so in Chinese.
			res = run(t, tmsEnv(tt.url), "check", "--lang", "zh", "--out", filepath.Join(dir, "check.csv"), in)
			speaksOnly(t, "check's terminal", res.stdout+res.stderr)
			// Folder mode: the connection test, the files, their why.
			inbox := t.TempDir()
			writeFile(t, inbox, "a.csv", csvBytes(t, basicHeader, []string{"F001", "甲", "1"}))
			clitest.Backdate(t, inbox)
			res = run(t, tmsEnv(tt.url), "import", "--lang", "zh", "--timeout", "300ms", "--max-attempts", "1", inbox)
			if res.code == ExitOK {
				t.Errorf("folder run: exit 0\n%s", res)
			}
			speaksOnly(t, "the folder run", res.stdout+res.stderr)
			filepath.WalkDir(inbox, func(path string, d os.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(path, ".why.txt") {
					why, _ := os.ReadFile(path)
					speaksOnly(t, path, string(why))
				}
				return nil
			})
			// --verbose keeps the raw errors for whoever investigates.
			if tt.name == "TMS down (connection refused)" {
				res := run(t, tmsEnv(tt.url), "import", "--lang", "zh", "--verbose", "--out", filepath.Join(dir, "v.csv"), "--max-attempts", "2", in)
				if !strings.Contains(res.stderr, "connection refused") {
					t.Errorf("--verbose hides the network error:\n%s", res)
				}
			}
		})
	}
}

// Folder mode speaks the run's language: what it did with each file,
// including a results file dropped back into the inbox.
func TestZhFolderRunSpeaksChinese(t *testing.T) {
	_, _, env := startSim(t)
	inbox := t.TempDir()
	writeFile(t, inbox, "a.csv", []byte("CCODE,CNAM1,CBELE\nZ1,甲,1\n"))
	writeFile(t, inbox, "old.results.csv", []byte("CCODE\nR1\n"))
	clitest.Backdate(t, inbox)
	res := run(t, env, "import", "--lang", "zh", inbox)
	if res.code != ExitRows { // the results file set aside in failed/
		t.Fatalf("exit %d\n%s", res.code, res)
	}
	speaksOnly(t, "the folder run", res.stdout+res.stderr)
	if !strings.Contains(res.stdout, "已移到") || !strings.Contains(res.stderr, "這是結果檔") {
		t.Errorf("the folder run does not say where the file went, or what it did with the results file:\n%s", res)
	}
	if why, _ := os.ReadFile(filepath.Join(inbox, "failed", "old.results.csv.why.txt")); !strings.Contains(string(why), "這是結果檔") {
		t.Errorf("old.results.csv.why.txt: %q", why)
	}
	res = run(t, env, "import", "--lang", "en", inbox)
	if !strings.Contains(res.stdout, "no .csv, .xlsx") {
		t.Errorf("--lang en: the empty folder is not reported in English:\n%s", res)
	}
}
