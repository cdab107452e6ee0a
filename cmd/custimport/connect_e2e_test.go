package main

// End-to-end tests of the first contact with a TMS: `config check
// --online` (and --find-recipe, --trace-http) and the connection test of
// a folder run, against `custimport sim` processes.

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms"
)

// lines splits output into its lines.
func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// nothingSent fails the test when the simulator got a /Cust/Add or
// stores a customer.
func nothingSent(t *testing.T, sim *clitest.Sim) {
	t.Helper()
	if st := sim.Stats(t); str(st["Requests"]) != "0" {
		t.Errorf("the simulator got %s requests to /Cust/Add, want 0", st["Requests"])
	}
	if cs := sim.Customers(t); len(cs) != 0 {
		t.Errorf("the simulator stores %d customers, want 0", len(cs))
	}
}

// TestFindRecipeE2E: whatever preset recipe the simulator signs with,
// `config check --online --find-recipe` with the default recipe prints it
// as the exact setting lines; set to it, the check exits 0. Nothing ever
// reaches /Cust/Add.
func TestFindRecipeE2E(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	for _, p := range tms.Presets {
		recipe := p.Recipe.String()
		t.Run(recipe, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			sim := startSim(t, "--sign-recipe", recipe)
			env := simEnv(t, sim.URL)
			res := run(t, dir, env, "config", "check", "--online", "--find-recipe")
			out := lines(res.stdout)
			if !slices.Contains(out, "sign_recipe: "+recipe) || !slices.Contains(out, "TMS_SIGN_RECIPE="+recipe) {
				t.Fatalf("the recipe lines are not printed:\n%s", res)
			}
			for _, l := range out {
				if strings.HasPrefix(l, "sign_recipe: ") && l != "sign_recipe: "+recipe {
					t.Errorf("another recipe line %q", l)
				}
			}
			wantExit := 2 // the settings name another recipe
			if p.Recipe == tms.DefaultRecipe {
				wantExit = 0
			}
			if res.code != wantExit {
				t.Errorf("exit %d, want %d\n%s", res.code, wantExit, res)
			}
			// Set as printed (the environment line), the check passes.
			set := run(t, dir, withEnv(env, "TMS_SIGN_RECIPE="+recipe), "config", "check", "--online")
			if set.code != 0 || !slices.Contains(lines(set.stdout), "sign_recipe: "+recipe) {
				t.Errorf("with TMS_SIGN_RECIPE set:\n%s", set)
			}
			// And as printed for the config file.
			writeFile(t, dir, "cfg.yaml", "sign_recipe: "+recipe+"\n")
			if cfg := run(t, dir, env, "config", "check", "cfg.yaml", "--online"); cfg.code != 0 {
				t.Errorf("with sign_recipe in the config file:\n%s", cfg)
			}
			nothingSent(t, sim)
		})
	}
}

// TestWrongSettingE2E: each setting wrong on its own gives its verdict,
// naming that setting in Chinese and in English, and exit 2.
func TestWrongSettingE2E(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := "http://" + ln.Addr().String()
	ln.Close()
	tests := []struct {
		name   string
		sim    []string
		env    []string
		args   []string
		zh, en []string // words each language's output must have
	}{
		{"url", nil, []string{"TMS_URL=" + nobody + "/api"}, nil,
			[]string{"無法連線到 " + nobody + "/api/Product/QueryList", "TMS 網址 (url / TMS_URL / --url)"},
			[]string{"Could not connect to " + nobody + "/api/Product/QueryList", "the TMS URL (url / TMS_URL / --url)"}},
		{"pno", nil, []string{"TMS_PNO=OTHERPNO"}, nil,
			[]string{"TMS 不認得公司代號 (pno)", "9005", "公司代號 (pno) (pno / TMS_PNO / --pno)"},
			[]string{"TMS does not know the company (pno)", "9005", "the company (pno) (pno / TMS_PNO / --pno)"}},
		{"key", nil, []string{"TMS_API_KEY=not-" + testKey}, []string{"--find-recipe"},
			[]string{"API 金鑰不對", "API 金鑰 (TMS_API_KEY 或 --key-file)", "test vector"},
			[]string{"the API key is wrong", "the API key (TMS_API_KEY or --key-file)", "test vector"}},
		{"key or recipe", nil, []string{"TMS_API_KEY=not-" + testKey}, nil,
			[]string{"TMS 拒絕了簽章 (9002 簽章錯誤)", "API 金鑰", "簽章方式 (sign_recipe / TMS_SIGN_RECIPE / --sign-recipe)", "--find-recipe"},
			[]string{"TMS refused the signature (9002 簽章錯誤)", "the API key", "the signing recipe (sign_recipe / TMS_SIGN_RECIPE / --sign-recipe)", "--find-recipe"}},
		{"recipe", []string{"--sign-recipe", "sha512:{key}{pno}{timestamp}"}, nil, []string{"--find-recipe"},
			[]string{"TMS 接受的簽章方式是 sha512:{key}{pno}{timestamp}", "簽章方式 (sign_recipe / TMS_SIGN_RECIPE / --sign-recipe)"},
			[]string{"TMS accepts the signing recipe sha512:{key}{pno}{timestamp}", "the signing recipe (sign_recipe / TMS_SIGN_RECIPE / --sign-recipe)"}},
		{"clock", []string{"--clock-skew", "10m"}, nil, nil,
			// The offset is read from a Date header with whole seconds: 599 to 601.
			[]string{"TMS 拒絕了這台電腦的時間 (9003 Timestamp已過期)", "這台電腦比 TMS 慢 ", "約 10 分鐘", "時鐘與時區"},
			[]string{"TMS refused this computer's time (9003 Timestamp已過期)", "seconds (10 minutes) behind TMS", "clock and time zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim := startSim(t, tt.sim...)
			env := withEnv(simEnv(t, sim.URL), tt.env...)
			for lang, want := range map[string][]string{"zh": tt.zh, "en": tt.en} {
				res := run(t, t.TempDir(), env, append([]string{"config", "check", "--online", "--lang", lang}, tt.args...)...)
				if res.code != 2 {
					t.Errorf("%s: exit %d, want 2\n%s", lang, res.code, res)
				}
				for _, w := range want {
					if !strings.Contains(res.stdout, w) {
						t.Errorf("%s: the verdict lacks %q\n%s", lang, w, res)
					}
				}
				if strings.Contains(res.stdout+res.stderr, testKey) {
					t.Errorf("%s: the output shows the key", lang)
				}
			}
			nothingSent(t, sim)
		})
	}
}

// TestNightlyWrongKeyE2E: a folder run with a wrong key tests the
// connection before its first row, sends nothing, leaves the files in
// the folder and exits 2 with the verdict in its JSON record and its
// summary. With the right key the same folder imports.
func TestNightlyWrongKeyE2E(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, inbox, "a.csv", "客戶代號,客戶名稱,信用額度\nN001,甲商行,100\nN002,乙商行,200\n")
	writeFile(t, inbox, "b.csv", "客戶代號,客戶名稱,信用額度\nN003,丙商行,300\n")
	clitest.Backdate(t, inbox)
	sim := startSim(t)
	env := simEnv(t, sim.URL)

	res := run(t, dir, withEnv(env, "TMS_API_KEY=wrong-"+testKey), "import", "inbox", "--log-format", "json", "--summary-json", "night.json")
	if res.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", res.code, res)
	}
	nothingSent(t, sim)
	if st := sim.Stats(t); str(st["Queries"]) != "1" {
		t.Errorf("%s queries, want one test per run, not per file", st["Queries"])
	}
	for _, f := range []string{"a.csv", "b.csv"} {
		if _, err := os.Stat(filepath.Join(inbox, f)); err != nil {
			t.Errorf("%s left the folder: %v", f, err)
		}
	}
	var record struct {
		Msg        string `json:"msg"`
		Level      string `json:"level"`
		ExitCode   int    `json:"exit_code"`
		Files      []any  `json:"files"`
		Connection struct {
			Code     string   `json:"code"`
			Action   string   `json:"action"`
			Settings []string `json:"settings"`
			TMSCode  string   `json:"tms_code"`
			Message  string   `json:"message"`
		} `json:"connection"`
	}
	found := false
	sc := bufio.NewScanner(strings.NewReader(res.stdout))
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"folder finished"`) {
			if err := json.Unmarshal(sc.Bytes(), &record); err != nil {
				t.Fatal(err)
			}
			found = true
		}
	}
	if !found {
		t.Fatalf("no folder record:\n%s", res)
	}
	c := record.Connection
	if record.ExitCode != 2 || record.Level != "ERROR" || len(record.Files) != 0 || c.Code != "signature" || c.Action != "stop" ||
		c.TMSCode != "9002" || !slices.Contains(c.Settings, "key") || !strings.Contains(c.Message, "API 金鑰") {
		t.Errorf("folder record %+v", record)
	}
	data, err := os.ReadFile(filepath.Join(dir, "night.json"))
	if err != nil || !strings.Contains(string(data), `"code": "signature"`) {
		t.Errorf("summary json: %v\n%s", err, data)
	}

	ok := run(t, dir, env, "import", "inbox")
	if ok.code != 0 || !strings.Contains(ok.stdout, "TMS 接受了簽章") {
		t.Fatalf("with the right key:\n%s", ok)
	}
	if cs := sim.Customers(t); len(cs) != 3 {
		t.Errorf("%d customers, want 3", len(cs))
	}
}

// TestTraceHTTPE2E: --trace-http writes every request and answer, mode
// 600, without the key or a signature.
func TestTraceHTTPE2E(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t, "--sign-recipe", "hmac-sha512:{body}")
	env := simEnv(t, sim.URL)
	trace := filepath.Join(dir, "trace.jsonl")
	writeFile(t, dir, "trace.jsonl", "old\n")
	if err := os.Chmod(trace, 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, dir, env, "config", "check", "--online", "--find-recipe", "--trace-http", "trace.jsonl")
	if res.code != 2 {
		t.Fatalf("%s", res)
	}
	st, err := os.Stat(trace)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("trace mode %v, %v", st.Mode(), err)
	}
	data, _ := os.ReadFile(trace)
	recs := lines(string(data))
	q, _ := sim.Stats(t)["Queries"].(json.Number).Int64()
	if int64(len(recs)) != 2*q || q < 2 {
		t.Errorf("%d trace lines for %d queries", len(recs), q)
	}
	for _, l := range recs {
		var r struct {
			Event   string            `json:"event"`
			Headers map[string]string `json:"headers"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if r.Event == "request" && r.Headers["api-ClientSign"] != "[redacted]" {
			t.Errorf("signature in the trace: %q", l)
		}
	}
	if strings.Contains(string(data), testKey) {
		t.Error("the key is in the trace")
	}
}
