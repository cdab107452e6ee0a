package cli

// Tests of the nightly features at the command line: the budget of
// INVALID rows (--max-invalid, max_invalid), the notifications of a run
// (notify: in the config; custimport notify test), against the simulator
// on loopback, a webhook receiver and an SMTP server of the tests' own.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/cmd/custimport/internal/notify/notifytest"
)

// mixedCSV is n rows of which every row i with i%10 < bad10 is INVALID
// (a settlement day of 32): bad10=3 is 30 %.
func mixedCSV(prefix string, n, bad10 int) []byte {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CRDAT,CBELE\r\n")
	for i := range n {
		day := 5
		if i%10 < bad10 {
			day = 32
		}
		fmt.Fprintf(&b, "%s%03d,客戶 %d,%d,0\r\n", prefix, i, i, day)
	}
	return []byte(b.String())
}

// nightlyConfig writes a config for the simulator at url (the key in a
// key file) with extra lines, and returns its path.
func nightlyConfig(t *testing.T, dir, url, extra string) string {
	t.Helper()
	key := writeFile(t, dir, "tms.key", []byte(testKey+"\n"))
	text := fmt.Sprintf("url: %s\npno: %s\nkey_file: %s\n%s", url, testPNO, key, extra)
	return writeFile(t, dir, "custimport.yaml", []byte(text))
}

// envWithout is env without the TMS settings: they come from the config.
func envWithout(env map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		if !strings.HasPrefix(k, "TMS_") {
			out[k] = v
		}
	}
	return out
}

func TestMaxInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		flag   string // --max-invalid
		config string // max_invalid:
		refuse bool
	}{
		{"10% flag", "10%", "", true},
		{"10% in the config", "", "max_invalid: 10%\n", true},
		{"5 rows", "5", "", true},
		{"the flag wins over the config", "30%", "max_invalid: 10%\n", false},
		{"within 30%", "30%", "", false},
		{"off", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, srv, env := startSim(t)
			dir := t.TempDir()
			cfg := nightlyConfig(t, dir, srv.URL, tt.config)
			in := writeFile(t, dir, "nightly.csv", mixedCSV("M", 20, 3))
			args := []string{"import", in, "--config", cfg}
			if tt.flag != "" {
				args = append(args, "--max-invalid", tt.flag)
			}
			res := run(t, envWithout(env), args...)
			stored := len(sim.Customers())
			if !tt.refuse {
				if res.code != ExitRows || stored != 14 {
					t.Fatalf("exit %d, %d stored; want 1 and the 14 valid rows\n%s", res.code, stored, res)
				}
				return
			}
			if res.code != ExitCantRun || stored != 0 {
				t.Fatalf("exit %d, %d stored; want 2 and nothing\n%s", res.code, stored, res)
			}
			for _, want := range []string{"20 列中有 6 列是 INVALID", "--max-invalid"} {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
				}
			}
			tb := readXLSXTable(t, filepath.Join(dir, "nightly.results.xlsx"))
			counts := map[string]int{}
			for i := range tb.rows {
				counts[tb.cell(t, i, "ImportStatus")]++
			}
			if counts["INVALID"] != 6 || counts["NOT_SENT"] != 14 {
				t.Errorf("results statuses %v, want INVALID 6 and NOT_SENT 14", counts)
			}
		})
	}
	t.Run("a bad budget", func(t *testing.T) {
		for _, bad := range []string{"ten", "150%", "-1"} {
			if res := run(t, nil, "import", "x.csv", "--max-invalid", bad); res.code != ExitCantRun || !strings.Contains(res.stderr, "--max-invalid") {
				t.Errorf("--max-invalid %s: %s", bad, res)
			}
		}
	})
}

// TestMaxInvalidFolder: in folder mode the file over the budget goes to
// failed/ with nothing sent; the folder's other files are imported.
func TestMaxInvalidFolder(t *testing.T) {
	t.Parallel()
	sim, srv, env := startSim(t)
	inbox := t.TempDir()
	cfg := nightlyConfig(t, t.TempDir(), srv.URL, "max_invalid: 10%\n")
	writeFile(t, inbox, "1-wrong-export.csv", mixedCSV("W", 20, 3))
	writeFile(t, inbox, "2-good.csv", mixedCSV("G", 10, 0))
	clitest.Backdate(t, inbox)
	res := run(t, envWithout(env), "import", inbox, "--config", cfg)
	if res.code != ExitCantRun {
		t.Errorf("exit %d, want 2 (a file could not be imported)\n%s", res.code, res)
	}
	for _, f := range []string{"failed/1-wrong-export.csv", "done/2-good.csv"} {
		if _, err := os.Stat(filepath.Join(inbox, f)); err != nil {
			t.Errorf("%s: %v\n%s", f, err, res)
		}
	}
	for _, c := range sim.Customers() {
		if code, _ := c["CCODE"].(string); strings.HasPrefix(code, "W") {
			t.Fatalf("a row of the file over the budget was sent: %v", c)
		}
	}
	if n := len(sim.Customers()); n != 10 {
		t.Errorf("%d stored, want the good file's 10", n)
	}
}

// webhook starts a receiver on loopback; its URL ends in a secret, as
// real webhooks' do.
func webhook(t *testing.T, status ...int) (*notifytest.Receiver, string) {
	rc := &notifytest.Receiver{Status: status}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv.URL + "/webhookb2/SECRET-TOKEN-42"
}

// TestNotifyWebhook: a run that fails posts once, in each format, with
// the counts; a run that does not fail posts nothing with on: failure and
// once with on: always.
func TestNotifyWebhook(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"generic", "teams", "slack", "googlechat"} {
		t.Run(format, func(t *testing.T) {
			_, srv, env := startSim(t)
			rc, url := webhook(t)
			dir := t.TempDir()
			cfg := nightlyConfig(t, dir, srv.URL, fmt.Sprintf("notify:\n  url: %s\n  format: %s\n", url, format))
			in := writeFile(t, dir, "mixed.csv", mixedCSV("N", 10, 2))
			res := run(t, envWithout(env), "import", in, "--config", cfg)
			if res.code != ExitRows {
				t.Fatalf("exit %d, want 1\n%s", res.code, res)
			}
			posts := rc.Posts()
			if len(posts) != 1 {
				t.Fatalf("%d posts, want 1\n%s", len(posts), res)
			}
			text := string(posts[0])
			if format != "generic" {
				var m map[string]any
				json.Unmarshal(posts[0], &m)
				text = fmt.Sprint(m) // the card's or message's text, unescaped
			}
			for _, want := range []string{"OK 8 · INVALID 2", "mixed.results.xlsx", "結束代碼 1"} {
				if !strings.Contains(text, want) {
					t.Errorf("the %s post lacks %q:\n%s", format, want, text)
				}
			}
			if strings.Contains(res.stdout+res.stderr, "SECRET-TOKEN") {
				t.Errorf("the output shows the webhook's secret:\n%s", res)
			}
		})
	}
	for _, tt := range []struct {
		on    string
		posts int
	}{{"failure", 0}, {"always", 1}} {
		t.Run("all OK, on "+tt.on, func(t *testing.T) {
			_, srv, env := startSim(t)
			rc, url := webhook(t)
			dir := t.TempDir()
			cfg := nightlyConfig(t, dir, srv.URL, fmt.Sprintf("notify:\n  on: %s\n  url: %s\n", tt.on, url))
			res := run(t, envWithout(env), "import", writeFile(t, dir, "ok.csv", mixedCSV("K", 5, 0)), "--config", cfg)
			if res.code != ExitOK || len(rc.Posts()) != tt.posts {
				t.Errorf("exit %d, %d posts; want 0 and %d\n%s", res.code, len(rc.Posts()), tt.posts, res)
			}
		})
	}
}

// TestNotifyMail: a run that fails sends one mail, in the run's language,
// with the counts.
func TestNotifyMail(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			_, srv, env := startSim(t)
			smtp := notifytest.StartSMTP(t, nil, false, "", "")
			dir := t.TempDir()
			cfg := nightlyConfig(t, dir, srv.URL, fmt.Sprintf("lang: %s\nnotify:\n  smtp:\n    host: 127.0.0.1\n    port: %d\n    tls: none\n    from: custimport@example.com\n    to: [it@example.com, 王小明 <wang@example.com>]\n", lang, smtp.Port()))
			in := writeFile(t, dir, "客戶 名單.csv", mixedCSV("E", 10, 3))
			res := run(t, envWithout(env), "import", in, "--config", cfg)
			if res.code != ExitRows {
				t.Fatalf("exit %d\n%s", res.code, res)
			}
			msgs := smtp.Received()
			if len(msgs) != 1 || len(msgs[0].To) != 2 {
				t.Fatalf("%d mails (%+v), want one to two addresses\n%s", len(msgs), msgs, res)
			}
			m := notifytest.Decode(t, msgs[0].Data)
			want := map[string][]string{
				"zh": {"custimport 匯入需要處理:客戶 名單.csv (結束代碼 1)", "筆數:OK 7 · INVALID 3", "客戶 名單.results.xlsx", "客戶 名單.csv 第 2 列 INVALID"},
				"en": {"custimport import needs attention: 客戶 名單.csv (exit code 1)", "Rows: OK 7 · INVALID 3", "客戶 名單.results.xlsx", "客戶 名單.csv row 2 INVALID"},
			}[lang]
			if m.Subject != want[0] {
				t.Errorf("subject %q, want %q", m.Subject, want[0])
			}
			for _, w := range want[1:] {
				if !strings.Contains(m.Body, w) {
					t.Errorf("the mail lacks %q:\n%s", w, m.Body)
				}
			}
		})
	}
}

// TestNotifyUnreachable: a webhook nobody answers and an SMTP server
// that is not there are told on stderr, and change nothing else: the
// exit code, the output and the results are the run's without them.
func TestNotifyUnreachable(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL + "/services/T0/B0/SECRET-TOKEN-42"
	deadPort := dead.Listener.Addr().(*net.TCPAddr).Port
	dead.Close()
	outcome := func(t *testing.T, extra string) (runResult, []byte, int) {
		sim, srv, env := startSim(t)
		dir := t.TempDir()
		cfg := nightlyConfig(t, dir, srv.URL, "results_format: csv\n"+extra) // CSV: the same bytes each run
		in := writeFile(t, dir, "in.csv", mixedCSV("U", 10, 2))
		res := run(t, envWithout(env), "import", in, "--config", cfg)
		results, err := os.ReadFile(filepath.Join(dir, "in.results.csv"))
		if err != nil {
			t.Fatal(err)
		}
		// The same output but for the folder and the time it took.
		var kept []string
		for _, line := range strings.Split(strings.ReplaceAll(res.stdout, dir, "DIR"), "\n") {
			if !strings.HasPrefix(line, "耗時") && !strings.HasPrefix(line, "連線測試") { // the time, the simulator's port
				kept = append(kept, line)
			}
		}
		res.stdout = strings.Join(kept, "\n")
		return res, results, len(sim.Customers())
	}
	plain, plainResults, plainStored := outcome(t, "")
	notified, results, stored := outcome(t, fmt.Sprintf("notify:\n  url: %s\n  smtp:\n    host: 127.0.0.1\n    port: %d\n    tls: none\n    from: a@example.com\n    to: b@example.com\n", deadURL, deadPort))
	if notified.code != plain.code || stored != plainStored || string(results) != string(plainResults) {
		t.Errorf("with an unreachable receiver: exit %d, %d stored; without: exit %d, %d stored (results equal: %v)",
			notified.code, stored, plain.code, plainStored, string(results) == string(plainResults))
	}
	if notified.stdout != plain.stdout {
		t.Errorf("stdout differs:\n%s\n---\n%s", notified.stdout, plain.stdout)
	}
	if strings.Count(notified.stderr, "通知未送出") != 2 {
		t.Errorf("stderr should tell of both channels:\n%s", notified.stderr)
	}
	if strings.Contains(notified.stderr, "SECRET-TOKEN") {
		t.Errorf("stderr shows the webhook's secret:\n%s", notified.stderr)
	}
}

func TestNotifyTestCommand(t *testing.T) {
	rc, url := webhook(t)
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", []byte("lang: en\nnotify:\n  on: failure\n  url: "+url+"\n  format: teams\n"))
	res := run(t, nil, "notify", "test", "--config", cfg)
	if res.code != ExitOK || len(rc.Posts()) != 1 || !strings.Contains(string(rc.Posts()[0]), "test message") {
		t.Fatalf("notify test: %s\nposts %q", res, rc.Posts())
	}
	if !strings.Contains(res.stdout, "sent to the webhook (webhook (teams)") || strings.Contains(res.stdout, "SECRET") {
		t.Errorf("stdout: %s", res.stdout)
	}
	_, failing := webhook(t, 403)
	cfg = writeFile(t, dir, "bad.yaml", []byte("notify:\n  url: "+failing+"\n"))
	if res := run(t, nil, "notify", "test", "--config", cfg); res.code != ExitCantRun || !strings.Contains(res.stderr, "HTTP 403") {
		t.Errorf("a refusing receiver: %s", res)
	}
	cfg = writeFile(t, dir, "none.yaml", []byte("lang: en\n"))
	if res := run(t, nil, "notify", "test", "--config", cfg); res.code != ExitCantRun || !strings.Contains(res.stderr, "nothing to send to") {
		t.Errorf("no channel: %s", res)
	}
}

// TestNotifyConfig: the SMTP password is never in the config, and
// config check does not print the webhook's secret.
func TestNotifyConfig(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TMS_API_KEY": testKey}
	bad := writeFile(t, dir, "pw.yaml", []byte("url: https://tms.example.com/api\npno: P\nnotify:\n  smtp:\n    host: h\n    from: a@b.tw\n    to: c@d.tw\n    user: u\n    password: hunter2\n"))
	if res := run(t, env, "config", "check", bad); res.code != ExitCantRun || !strings.Contains(res.stderr, "password_file") || strings.Contains(res.stderr, "hunter2") {
		t.Errorf("a password in the config: %s", res)
	}
	good := writeFile(t, dir, "ok.yaml", []byte("url: https://tms.example.com/api\npno: P\nmax_invalid: 10%\nnotify:\n  url: https://hooks.slack.com/services/T0/B0/SECRET-TOKEN-42\n  format: slack\n"))
	res := run(t, env, "config", "check", good)
	if res.code != ExitOK || strings.Contains(res.stdout, "SECRET") || !strings.Contains(res.stdout, "https://hooks.slack.com/…") || !strings.Contains(res.stdout, "max_invalid: 10%") {
		t.Errorf("config check: %s", res)
	}
	if res := run(t, env, "import", "x.csv", "--config", writeFile(t, dir, "f.yaml", []byte("notify:\n  format: teams\n"))); res.code != ExitCantRun || !strings.Contains(res.stderr, "notify.url") {
		t.Errorf("a format without a url: %s", res)
	}
}
