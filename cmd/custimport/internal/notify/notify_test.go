package notify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/cmd/custimport/internal/notify/notifytest"
)

// failedRun is a folder run with a file whose rows were partly refused.
func failedRun(lang string) Report {
	start := time.Date(2026, 5, 6, 2, 30, 1, 0, time.Local)
	return Report{
		Lang: lang, Command: "import", Input: `D:\tms-inbox`, Host: "OFFICE-PC", Started: start, Finished: start.Add(70 * time.Second),
		ExitCode: 1,
		Files: []File{
			{Input: `D:\tms-inbox\customers.csv`, Results: `D:\tms-inbox\results\customers.results.csv`, MovedTo: `D:\tms-inbox\failed\customers.csv`,
				Rows: 100, Counts: map[string]int{"OK": 97, "INVALID": 2, "FAILED": 1}, ExitCode: 1,
				Problems: []Problem{{Line: 5, Status: "INVALID", Message: "結帳日期: 32 不在 1-31"}, {Line: 9, Status: "INVALID", Message: "統一編號錯誤"},
					{Line: 40, Status: "FAILED", Code: "2006", Message: "統編錯誤"}}},
			{Input: `D:\tms-inbox\more.xlsx`, Results: `D:\tms-inbox\results\more.results.xlsx`, MovedTo: `D:\tms-inbox\done\more.xlsx`,
				Rows: 3, Counts: map[string]int{"OK": 3}},
		},
	}
}

func TestConfigYAML(t *testing.T) {
	text := `
on: always
url: https://hooks.slack.com/services/T0/B0/SECRET
format: slack
smtp:
  host: smtp.example.com
  port: 587
  tls: starttls
  from: custimport@example.com
  to: it@example.com, boss@example.com
  user: custimport
  password_file: /etc/custimport/smtp-password
`
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.On != OnAlways || c.Format != FormatSlack || c.SMTP == nil || c.SMTP.Port != 587 || len(c.SMTP.To) != 2 || c.SMTP.To[1] != "boss@example.com" {
		t.Fatalf("decoded %+v %+v", c, c.SMTP)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	var list Config
	if err := yaml.Unmarshal([]byte("smtp:\n  to: [a@x.tw, b@y.tw]\n"), &list); err != nil || len(list.SMTP.To) != 2 {
		t.Errorf("a list of addresses: %+v, %v", list.SMTP, err)
	}
}

func TestConfigCheck(t *testing.T) {
	good := SMTP{Host: "smtp.example.com", From: "a@example.com", To: Addresses{"b@example.com"}}
	tests := []struct {
		name string
		c    Config
		want string // in the error; "" none
	}{
		{"nothing", Config{}, ""},
		{"a webhook", Config{URL: "https://x.example/hook", Format: FormatTeams}, ""},
		{"mail", Config{SMTP: &good}, ""},
		{"bad on", Config{On: "sometimes", URL: "https://x/y"}, "notify.on"},
		{"bad format", Config{URL: "https://x/y", Format: "discord"}, "notify.format"},
		{"format without url", Config{Format: FormatSlack}, "notify.url is not"},
		{"not a URL", Config{URL: "hooks.slack.com/services/T/B/SECRET"}, "notify.url"},
		{"ftp", Config{URL: "ftp://x/y"}, "notify.url"},
		{"password in the config", Config{SMTP: &SMTP{Host: "h", From: "a@b.c", To: Addresses{"d@e.f"}, User: "u", Password: "hunter2"}}, "notify.smtp.password is not allowed"},
		{"no host", Config{SMTP: &SMTP{From: "a@b.c", To: Addresses{"d@e.f"}}}, "notify.smtp.host"},
		{"bad from", Config{SMTP: &SMTP{Host: "h", From: "nobody", To: Addresses{"d@e.f"}}}, "notify.smtp.from"},
		{"no to", Config{SMTP: &SMTP{Host: "h", From: "a@b.c"}}, "notify.smtp.to is missing"},
		{"bad to", Config{SMTP: &SMTP{Host: "h", From: "a@b.c", To: Addresses{"d@e.f", "x"}}}, `notify.smtp.to "x"`},
		{"bad tls", Config{SMTP: &SMTP{Host: "h", From: "a@b.c", To: Addresses{"d@e.f"}, TLS: "ssl"}}, "notify.smtp.tls"},
		{"bad port", Config{SMTP: &SMTP{Host: "h", From: "a@b.c", To: Addresses{"d@e.f"}, Port: 70000}}, "notify.smtp.port"},
		{"password file without user", Config{SMTP: &SMTP{Host: "h", From: "a@b.c", To: Addresses{"d@e.f"}, PasswordFile: "/x"}}, "notify.smtp.user is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Check()
			if (err != nil) != (tt.want != "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Check() = %v, want an error with %q", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "hunter2")) {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

func TestWanted(t *testing.T) {
	ok := Report{ExitCode: 0, Files: []File{{Counts: map[string]int{"OK": 3, "SKIPPED": 1}}}}
	tests := []struct {
		name string
		on   string
		r    Report
		want bool
	}{
		{"all OK, on failure", "", ok, false},
		{"all OK, always", OnAlways, ok, true},
		{"exit 1", OnFailure, Report{ExitCode: 1}, true},
		{"exit 2, no files", "", Report{ExitCode: 2, Error: "locked"}, true},
		{"an INVALID row with exit 0", "", Report{Files: []File{{Counts: map[string]int{"INVALID": 1}}}}, true},
		{"an UNKNOWN row", "", Report{Files: []File{{Counts: map[string]int{"OK": 5}}, {Counts: map[string]int{"UNKNOWN": 1}}}}, true},
		{"a FAILED row", "", Report{Files: []File{{Counts: map[string]int{"FAILED": 1}}}}, true},
		{"NOT_SENT only, exit 0", "", Report{Files: []File{{Counts: map[string]int{"NOT_SENT": 1}}}}, false},
		{"a test", "", Report{Test: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Config{On: tt.on}).Wanted(tt.r); got != tt.want {
				t.Errorf("Wanted = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMessageText(t *testing.T) {
	tests := []struct {
		lang    string
		subject string
		has     []string
	}{
		{"zh", "custimport 匯入需要處理:tms-inbox (結束代碼 1)", []string{
			`custimport import D:\tms-inbox`, "結束代碼 1", "電腦:OFFICE-PC", "2026-05-06 02:30:01 – 02:31:11",
			"筆數:OK 100 · INVALID 2 · FAILED 1", `結果檔:D:\tms-inbox\results\customers.results.csv`, `已移到 D:\tms-inbox\failed\customers.csv`,
			"customers.csv 第 5 列 INVALID: 結帳日期: 32 不在 1-31", "customers.csv 第 40 列 FAILED 2006: 統編錯誤"}},
		{"en", "custimport import needs attention: tms-inbox (exit code 1)", []string{
			"exit code 1: some rows are not OK", "Computer: OFFICE-PC", "Rows: OK 100 · INVALID 2 · FAILED 1",
			`results: D:\tms-inbox\results\customers.results.csv`, "customers.csv row 9 INVALID: 統一編號錯誤"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := failedRun(tt.lang)
			if got := Subject(r); got != tt.subject {
				t.Errorf("Subject = %q, want %q", got, tt.subject)
			}
			text := Text(r)
			for _, want := range tt.has {
				if !strings.Contains(text, want) {
					t.Errorf("the text lacks %q:\n%s", want, text)
				}
			}
		})
	}
	// A run that could not start: its error and what to do.
	r := Report{Lang: "en", Command: "import", Input: "/srv/in", ExitCode: 2, Error: "another run holds the lock", Hint: "wait for it"}
	if text := Text(r); !strings.Contains(text, "exit code 2") || !strings.Contains(text, "Error: another run holds the lock") || !strings.Contains(text, "→ wait for it") {
		t.Errorf("text of a run that could not start:\n%s", text)
	}
	// Files are capped.
	folder := failedRun("en")
	for i := range 45 {
		folder.Files = append(folder.Files, File{Input: fmt.Sprintf("/in/f%02d.csv", i), Counts: map[string]int{"OK": 1}})
	}
	if text := Text(folder); !strings.Contains(text, "… and 27 more files") || !strings.Contains(text, "/in/f17.csv") || strings.Contains(text, "/in/f18.csv") {
		t.Errorf("47 files, 20 listed:\n%s", text)
	}
	// Problems are capped.
	many := failedRun("en")
	for i := range 30 {
		many.Files[1].Problems = append(many.Files[1].Problems, Problem{Line: i + 2, Status: "INVALID"})
	}
	if n := strings.Count(Text(many), "• more.xlsx row ") + strings.Count(Text(many), "• customers.csv row "); n != MaxProblems {
		t.Errorf("%d problems quoted, want %d", n, MaxProblems)
	}
}

// TestBody reads each format's body back as its receiver would and
// finds the subject and the counts in it.
func TestBody(t *testing.T) {
	r := failedRun("zh")
	for _, format := range []string{FormatGeneric, FormatTeams, FormatSlack, FormatGoogleChat, ""} {
		t.Run(format, func(t *testing.T) {
			body, err := Body(format, r)
			if err != nil {
				t.Fatal(err)
			}
			text := receivedText(t, format, body)
			for _, want := range []string{"結束代碼 1", "OK 100 · INVALID 2 · FAILED 1", "customers.results.csv"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s body lacks %q:\n%s", format, want, text)
				}
			}
		})
	}
	var g generic
	body, _ := Body(FormatGeneric, r)
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatal(err)
	}
	if g.Status != "failure" || g.ExitCode != 1 || g.Counts["INVALID"] != 2 || len(g.Files) != 2 || g.Files[0].Problems[2].Code != "2006" || g.Host != "OFFICE-PC" || g.Lang != "zh" {
		t.Errorf("generic body %+v", g)
	}
	if _, err := Body("discord", r); err == nil {
		t.Error("an unknown format has a body")
	}
	slack, _ := Body(FormatSlack, Report{Lang: "en", Input: "<a&b>", ExitCode: 2, Error: "<script>"})
	if strings.Contains(receivedText(t, FormatSlack, slack), "<script>") {
		t.Error("Slack markup is not escaped")
	}
}

// receivedText is the text a receiver of format shows from body.
func receivedText(t *testing.T, format string, body []byte) string {
	t.Helper()
	switch format {
	case FormatTeams:
		var m struct {
			Type        string `json:"type"`
			Attachments []struct {
				ContentType string `json:"contentType"`
				Content     struct {
					Type string `json:"type"`
					Body []struct {
						Type, Text string
					} `json:"body"`
				} `json:"content"`
			} `json:"attachments"`
		}
		if err := json.Unmarshal(body, &m); err != nil || m.Type != "message" || len(m.Attachments) != 1 ||
			m.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || m.Attachments[0].Content.Type != "AdaptiveCard" {
			t.Fatalf("not a Teams card message: %v\n%s", err, body)
		}
		var b strings.Builder
		for _, blk := range m.Attachments[0].Content.Body {
			b.WriteString(blk.Text + "\n")
		}
		return b.String()
	case FormatSlack, FormatGoogleChat:
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || len(m) != 1 {
			t.Fatalf("want {\"text\": …}: %v\n%s", err, body)
		}
		return m["text"].(string)
	}
	var g generic
	if err := json.Unmarshal(body, &g); err != nil || g.Source != "custimport" {
		t.Fatalf("not the generic body: %v\n%s", err, body)
	}
	return g.Title + "\n" + g.Text
}

func TestSendWebhook(t *testing.T) {
	for _, format := range []string{FormatGeneric, FormatTeams, FormatSlack, FormatGoogleChat} {
		t.Run(format, func(t *testing.T) {
			rc := &notifytest.Receiver{}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			s := Sender{Config: Config{URL: srv.URL + "/hook/SECRET-TOKEN", Format: format}, Retry: -1}
			got := s.Send(context.Background(), failedRun("en"))
			if len(got) != 1 || got[0].Err != nil {
				t.Fatalf("Send = %+v", got)
			}
			if strings.Contains(got[0].To, "SECRET") {
				t.Errorf("the channel shows the secret: %q", got[0].To)
			}
			posts := rc.Posts()
			if len(posts) != 1 {
				t.Fatalf("%d posts, want 1", len(posts))
			}
			if text := receivedText(t, format, posts[0]); !strings.Contains(text, "OK 100 · INVALID 2 · FAILED 1") {
				t.Errorf("the post lacks the counts:\n%s", text)
			}
		})
	}
}

func TestSendWebhookFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	deadURL := closed.URL
	closed.Close()
	tests := []struct {
		name   string
		status []int
		url    string
		posts  int
		fails  bool
	}{
		{"a 500 then OK: tried again", []int{500}, "", 2, false},
		{"two 503s: given up", []int{503, 503}, "", 2, true},
		{"a 400: not tried again", []int{400}, "", 1, true},
		{"a redirect: not followed, not delivered", []int{302}, "", 1, true},
		{"nobody listens", nil, deadURL, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &notifytest.Receiver{Status: tt.status}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			rc.Location = srv.URL + "/elsewhere" // where a 3xx points: followed, its GET would be answered 200
			url := tt.url
			if url == "" {
				url = srv.URL
			}
			s := Sender{Config: Config{URL: url + "/services/T000/B000/SECRET-TOKEN"}, Retry: time.Millisecond, Timeout: 5 * time.Second}
			got := s.Send(context.Background(), failedRun("en"))
			if len(got) != 1 || (got[0].Err != nil) != tt.fails {
				t.Fatalf("Send = %+v, want failure %v", got, tt.fails)
			}
			if n := len(rc.Posts()); n != tt.posts {
				t.Errorf("%d posts, want %d", n, tt.posts)
			}
			if got[0].Err != nil && strings.Contains(got[0].Err.Error(), "SECRET") {
				t.Errorf("the error shows the webhook's secret: %v", got[0].Err)
			}
		})
	}
}

func TestSendMail(t *testing.T) {
	cert, pool := notifytest.TestCert(t)
	trust := &tls.Config{RootCAs: pool}
	tests := []struct {
		name     string
		server   func(t *testing.T) *notifytest.SMTPServer
		security string
		user     string
		host     string // what the config names ("" 127.0.0.1)
		wantTLS  bool
		fails    string
	}{
		{"plain relay", func(t *testing.T) *notifytest.SMTPServer { return notifytest.StartSMTP(t, nil, false, "", "") }, TLSNone, "", "", false, ""},
		{"STARTTLS with a password", func(t *testing.T) *notifytest.SMTPServer {
			return notifytest.StartSMTP(t, cert, false, "custimport", "pa55 wörd")
		}, TLSStartTLS, "custimport", "", true, ""},
		{"implicit TLS", func(t *testing.T) *notifytest.SMTPServer {
			return notifytest.StartSMTP(t, cert, true, "custimport", "pa55 wörd")
		}, TLSImplicit, "custimport", "", true, ""},
		{"STARTTLS to a remote server that lacks it", func(t *testing.T) *notifytest.SMTPServer {
			return notifytest.StartSMTP(t, nil, false, "custimport", "pa55 wörd")
		}, TLSStartTLS, "custimport", "mail.example.com", false, "STARTTLS"},
		{"STARTTLS to a remote server", func(t *testing.T) *notifytest.SMTPServer {
			return notifytest.StartSMTP(t, cert, false, "custimport", "pa55 wörd")
		}, TLSStartTLS, "custimport", "mail.example.com", true, ""},
		{"a wrong password", func(t *testing.T) *notifytest.SMTPServer {
			return notifytest.StartSMTP(t, cert, false, "custimport", "other")
		}, TLSStartTLS, "custimport", "", true, "535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.server(t)
			host := tt.host
			if host == "" {
				host = "127.0.0.1"
			}
			cfg := &SMTP{Host: host, Port: srv.Port(), TLS: tt.security, From: "custimport@example.com", To: Addresses{"it@example.com", "王小明 <wang@example.com>"}, User: tt.user}
			pw, err := ReadPassword(cfg, func(k string) string {
				if k == PasswordEnv {
					return "pa55 wörd"
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			s := Sender{Config: Config{SMTP: cfg}, Password: pw, TLS: trust, Timeout: 10 * time.Second}
			if tt.host != "" {
				s.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
					var d net.Dialer // the remote name is this test's server
					return d.DialContext(ctx, network, "127.0.0.1:"+strconv.Itoa(srv.Port()))
				}
			}
			got := s.Send(context.Background(), failedRun("zh"))
			if len(got) != 1 {
				t.Fatalf("Send = %+v", got)
			}
			msgs := srv.Received()
			if tt.fails != "" {
				if got[0].Err == nil || !strings.Contains(got[0].Err.Error(), tt.fails) || len(msgs) != 0 {
					t.Fatalf("err %v, %d messages; want a failure naming %q and none", got[0].Err, len(msgs), tt.fails)
				}
				if strings.Contains(got[0].Err.Error(), "pa55") {
					t.Errorf("the error shows the password: %v", got[0].Err)
				}
				return
			}
			if got[0].Err != nil || len(msgs) != 1 {
				t.Fatalf("err %v, %d messages; want one", got[0].Err, len(msgs))
			}
			m := msgs[0]
			if m.TLS != tt.wantTLS || m.User != tt.user || (tt.user != "" && m.Password != "pa55 wörd") {
				t.Errorf("session: TLS %v user %q; want TLS %v user %q", m.TLS, m.User, tt.wantTLS, tt.user)
			}
			if m.From != "custimport@example.com" || len(m.To) != 2 || m.To[1] != "wang@example.com" {
				t.Errorf("envelope from %q to %q", m.From, m.To)
			}
			d := notifytest.Decode(t, m.Data)
			if d.Subject != "custimport 匯入需要處理:tms-inbox (結束代碼 1)" {
				t.Errorf("subject %q", d.Subject)
			}
			for _, want := range []string{"筆數:OK 100 · INVALID 2 · FAILED 1", "customers.csv 第 5 列 INVALID", `customers.results.csv`} {
				if !strings.Contains(d.Body, want) {
					t.Errorf("the mail lacks %q:\n%s", want, d.Body)
				}
			}
		})
	}
}

func TestReadPassword(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "pw")
	os.WriteFile(private, []byte("s3cret\n"), 0o600)
	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("s3cret"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == PasswordEnv {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name   string
		c      *SMTP
		getenv func(string) string
		want   string
		err    string
	}{
		{"no smtp", nil, env(""), "", ""},
		{"no user", &SMTP{}, env("x"), "", ""},
		{"a file", &SMTP{User: "u", PasswordFile: private}, env("from env"), "s3cret", ""},
		{"the environment", &SMTP{User: "u"}, env("from env"), "from env", ""},
		{"nowhere", &SMTP{User: "u"}, env(""), "", "no password"},
		{"a missing file", &SMTP{User: "u", PasswordFile: filepath.Join(dir, "none")}, env(""), "", "password_file"},
		{"an empty file", &SMTP{User: "u", PasswordFile: empty}, env(""), "", "empty"},
	}
	if runtime.GOOS != "windows" { // Windows has no mode bits: ACLs guard the file
		tests = append(tests, struct {
			name   string
			c      *SMTP
			getenv func(string) string
			want   string
			err    string
		}{"a file others can read", &SMTP{User: "u", PasswordFile: open}, env(""), "", "readable by others"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadPassword(tt.c, tt.getenv)
			if got != tt.want || (err != nil) != (tt.err != "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("ReadPassword = %q, %v; want %q, error %q", got, err, tt.want, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the password")
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"https://hooks.slack.com/services/T0/B0/SECRET":          "https://hooks.slack.com/…",
		"https://x.webhook.office.com/webhookb2/a@b/IncomingW":   "https://x.webhook.office.com/…",
		"https://chat.googleapis.com/v1/spaces/A/messages?key=K": "https://chat.googleapis.com/…",
		"https://user:pw@example.com":                            "https://example.com",
		"not a url":                                              "(a webhook URL)",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTexts(t *testing.T) {
	for code, m := range texts {
		if m.ZH() == "" || m.EN() == "" {
			t.Errorf("%s: a text is missing", code)
		}
		if strings.Count(m.ZH(), "%") != strings.Count(m.EN(), "%") {
			t.Errorf("%s: zh and en take different arguments", code)
		}
	}
	if got := T("en", LineRow, 3); got != "row 3" {
		t.Errorf("T = %q", got)
	}
	if got := T("zh", Code("no.such.code")); got != "no.such.code" {
		t.Errorf("T of an unknown code = %q", got)
	}
}
