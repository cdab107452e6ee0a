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
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// englishSentence is three English words in a row: a sentence, not a
// code (FAILED, NETWORK, HTTP502), a column name or a file name.
var englishSentence = regexp.MustCompile(`\b[A-Za-z]{2,}[,:]? [A-Za-z]{2,}[,:]? [A-Za-z]{2,}\b`)

// goErrorText is what Go's and the network's error messages look like.
var goErrorText = regexp.MustCompile(`dial tcp|connection refused|connect:|context deadline|Client\.Timeout|EOF|Post "|i/o timeout|no such host|broken pipe|reset by peer|x509`)

// allowedEnglish are the words a zh run may show: the product's name,
// the statuses and codes scripts read, and the results' column names.
var allowedEnglish = regexp.MustCompile(`\b(TMS|ImportStatus|ImportCCODE|ImportErrorCode|ImportErrorMessage|ImportWarnings|OK|FAILED|UNKNOWN|INVALID|NOT_SENT|SKIPPED|VALID|NETWORK|TIMEOUT|HTTP\d*|ProNum|pno|ledger|TLS|URL|CCODE|CNAM1|CBELE|custimport)\b`)

// speaksOnly fails t where text has an English sentence or Go error text.
func speaksOnly(t *testing.T, where, text string) {
	t.Helper()
	if problem := notChinese(text); problem != "" {
		t.Errorf("%s shows %s:\n%s", where, problem, text)
	}
}

// notChinese says what in text is not for a zh user (Go error text, an
// English sentence), "" when nothing is.
func notChinese(text string) string {
	if m := goErrorText.FindString(text); m != "" {
		return fmt.Sprintf("Go error text %q", m)
	}
	bare := allowedEnglish.ReplaceAllString(text, "")
	// Paths and addresses are data, not sentences.
	bare = regexp.MustCompile(`\S*[/\\]\S*|\S+\.(csv|xlsx)\b`).ReplaceAllString(bare, "")
	if m := englishSentence.FindString(bare); m != "" {
		return fmt.Sprintf("English %q", m)
	}
	return ""
}

// The guard itself: a raw network error or an English sentence put back
// into a zh line is caught; the catalog's zh words with codes are not.
func TestNotChinese(t *testing.T) {
	tests := []struct {
		text string
		bad  bool
	}{
		{"第 2 列 FAILED: 無法連上 TMS (網址、網路,或 TMS 未啟動)", false},
		{"已停止送出: TMS 連續多列沒有回應,已停止送出;確認網址、網路與 TMS 後重新執行即可續傳", false},
		{`未送出: Post "http://127.0.0.1:1/Cust/Add": dial tcp 127.0.0.1:1: connect: connection refused`, true},
		{"未送出: x509: certificate signed by unknown authority", true},
		{"未送出: could not reach TMS (the address, the network, or TMS is down)", true},
		{"注意: unknown column kept in the results", true},
	}
	for _, tt := range tests {
		if got := notChinese(tt.text); (got != "") != tt.bad {
			t.Errorf("notChinese(%q) = %q, want a problem: %v", tt.text, got, tt.bad)
		}
	}
}

// With TMS down, unreachable or refusing, a zh run in text mode says
// everything in Chinese: the terminal (summary and log lines) and the
// results. The raw errors are for --verbose and JSON logs.
func TestZhRunSpeaksChineseWhenTMSFails(t *testing.T) {
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(silent.Close)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream exploded", http.StatusBadGateway)
	}))
	t.Cleanup(broken.Close)
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: "another key"})
	if err != nil {
		t.Fatal(err)
	}
	refusing := httptest.NewServer(sim)
	t.Cleanup(refusing.Close)
	tests := []struct{ name, url string }{
		{"TMS down (connection refused)", closed()},
		{"TMS never answers", silent.URL},
		{"TMS answers 502", broken.URL},
		{"TMS refuses the signature", refusing.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := sendInput(t, dir)
			out := filepath.Join(dir, "out.csv")
			res := run(t, tmsEnv(tt.url), "import", "--lang", "zh", "--out", out, "--timeout", "300ms", "--max-attempts", "2", in)
			if res.code != ExitRows {
				t.Fatalf("exit %d, want 1\n%s", res.code, res)
			}
			speaksOnly(t, "the terminal", res.stdout+res.stderr)
			tb := readCSVTable(t, out)
			for i := range tb.rows {
				speaksOnly(t, "the results", strings.Join(tb.rows[i], " | "))
			}
			// Many rows: sending stops after --stop-after rows with no
			// answer, and the summary says why in Chinese too.
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
