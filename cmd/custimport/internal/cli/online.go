package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
)

// onlineTexts are the command line's words around a connection test:
// [0] Traditional Chinese, [1] English. The verdicts' own words are the
// probe package's.
var onlineTexts = msg.Register("cli.online", msg.Table{
	"title":        {"TMS 連線測試 (唯讀請求,不會建立任何資料)", "TMS connection test (a read-only request: nothing is created)"},
	"target":       {"  網址: %s", "  URL: %s"},
	"settings":     {"  公司代號 (pno): %s · ProNum: %s · 簽章方式: %s · 金鑰: %s", "  company (pno): %s · ProNum: %s · signing recipe: %s · key: %s"},
	"keyFrom":      {"已設定 (%s)", "set (%s)"},
	"tryFind":      {"加上 --find-recipe 逐一試用已知的簽章方式,就能分辨是金鑰還是簽章方式:custimport config check --online --find-recipe", "to tell the key from the recipe, try the known recipes: custimport config check --online --find-recipe"},
	"trying":       {"  試用 %d/%d: %s", "  trying %d/%d: %s"},
	"recipeOK":     {"已確認的簽章方式:", "The signing recipe, confirmed:"},
	"precheck":     {"連線測試: %s", "connection test: %s"},
	"precheckW":    {"警告 (連線測試,仍繼續匯入): %s", "Warning (connection test; importing anyway): %s"},
	"stopNote":     {"  沒有送出任何資料;檔案都留在資料夾中,修正設定後重新執行即可。", "  nothing was sent; the files stay in the folder: fix the settings and run again."},
	"stopNoteFile": {"  沒有送出任何資料,也沒有寫出結果檔:修正設定後重新執行同一指令即可。", "  nothing was sent and no results were written: fix the settings and run the same command again."},
	"traceErr":     {"警告: --trace-http 無法寫入: %v", "Warning: --trace-http could not be written: %v"},

	// A run TMS stopped by refusing its requests (explain.go).
	"refused":     {"TMS 拒絕了每一筆請求本身 (%s):是設定的問題,不是資料。%s。", "TMS refuses the requests themselves (%s): a setting is wrong, not the data. %s."},
	"refusedFind": {"分辨是金鑰還是簽章方式:custimport config check --online --find-recipe。", " To tell the key from the recipe: custimport config check --online --find-recipe."},
	"refusedEnd":  {"修正後重新執行同一指令即可續傳。", " Then run the same command again to resume."},

	// Where each setting is set, after its name in words.
	"where.url":         {"url / TMS_URL / --url", "url / TMS_URL / --url"},
	"where.pno":         {"pno / TMS_PNO / --pno", "pno / TMS_PNO / --pno"},
	"where.pronum":      {"pronum / TMS_PRONUM / --pronum", "pronum / TMS_PRONUM / --pronum"},
	"where.key":         {"TMS_API_KEY 或 --key-file", "TMS_API_KEY or --key-file"},
	"where.sign_recipe": {"sign_recipe / TMS_SIGN_RECIPE / --sign-recipe", "sign_recipe / TMS_SIGN_RECIPE / --sign-recipe"},
	"where.proxy":       {"HTTPS_PROXY / HTTP_PROXY / NO_PROXY", "HTTPS_PROXY / HTTP_PROXY / NO_PROXY"},
	"where.certificate": {"只有測試伺服器可用 --insecure-skip-verify", "--insecure-skip-verify for a test server only"},
})

func ot(lang, key string, args ...any) string {
	if _, ok := onlineTexts[key]; !ok {
		return key
	}
	return printer(lang).Sprint("cli.online."+key, args...)
}

// settingWhere names a setting in words and where it is set:
// "API 金鑰 (TMS_API_KEY 或 --key-file)".
func settingWhere(lang string) func(probe.Setting) string {
	return func(st probe.Setting) string {
		name := probe.SettingName(st, lang)
		if _, ok := onlineTexts["where."+string(st)]; ok {
			name += " (" + ot(lang, "where."+string(st)) + ")"
		}
		return name
	}
}

// verdictLines are a verdict as the command line prints it: what was
// found, what to check and where it is set, the clock, and the recipe
// to use.
func verdictLines(v probe.Verdict, lang string) []string {
	lines := []string{v.Text(lang)}
	if !v.OK() {
		if l := v.CheckLine(lang, settingWhere(lang)); l != "" {
			lines = append(lines, "→ "+l)
		}
	}
	switch v.Code {
	case probe.Signature:
		lines = append(lines, "→ "+ot(lang, "tryFind"))
	case probe.NoRecipe:
		lines = append(lines, "→ "+probe.Line("ask_vendor", lang, 0))
	}
	if v.Clock.Known || v.Code == probe.Clock {
		lines = append(lines, v.Clock.Text(lang))
	}
	if v.Recipe != "" {
		head := ot(lang, "recipeOK")
		if v.Code == probe.RecipeFound {
			head = probe.Line("recipe.line", lang, 0)
		}
		lines = append(lines, head, "sign_recipe: "+v.Recipe, "TMS_SIGN_RECIPE="+v.Recipe)
	}
	return lines
}

// verdictRecord is a verdict in a JSON record: the folder's summary and
// `config check --online --log-format json`.
type verdictRecord struct {
	Code               string   `json:"code"`
	OK                 bool     `json:"ok"`
	Action             string   `json:"action"`
	Settings           []string `json:"settings,omitempty"`
	URL                string   `json:"url"`
	HTTPStatus         int      `json:"http_status,omitempty"`
	TMSCode            string   `json:"tms_code,omitempty"`
	TMSMessage         string   `json:"tms_message,omitempty"`
	ClockOffsetSeconds *int64   `json:"clock_offset_seconds,omitempty"`
	Recipe             string   `json:"recipe,omitempty"`
	CurrentRecipe      string   `json:"current_recipe,omitempty"`
	RecipesTried       int      `json:"recipes_tried,omitempty"`
	Attempts           int      `json:"attempts"`
	Message            string   `json:"message"`
	Check              string   `json:"check,omitempty"`
}

func newVerdictRecord(v probe.Verdict, lang string) verdictRecord {
	r := verdictRecord{Code: string(v.Code), OK: v.OK(), Action: v.Action().String(), URL: v.URL, HTTPStatus: v.HTTPStatus,
		TMSCode: v.TMSCode, TMSMessage: v.TMSMessage, Recipe: v.Recipe, CurrentRecipe: v.Current, RecipesTried: v.Tried,
		Attempts: v.Attempts, Message: v.Text(lang), Check: v.CheckLine(lang, settingWhere(lang))}
	for _, s := range v.Settings {
		r.Settings = append(r.Settings, string(s))
	}
	if v.Clock.Known {
		secs := int64(v.Clock.Offset.Seconds())
		r.ClockOffsetSeconds = &secs
	}
	return r
}

// openTrace opens --trace-http FILE for this run's requests, readable by
// its owner only (it holds customer data). close reports a trace that
// could not be written.
func openTrace(io IO, path, lang string) (*tms.Tracer, func(), error) {
	if path == "" {
		return nil, func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--trace-http: %w", err)
	}
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil { // it may have been there, readable by others
			f.Close()
			return nil, nil, fmt.Errorf("--trace-http: %w", err)
		}
	}
	tr := tms.NewTracer(f)
	return tr, func() {
		err := tr.Err()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintln(io.Err, ot(lang, "traceErr", err))
		}
	}, nil
}

// onlineCheck is `config check --online`: one signed read-only request
// with the settings, and with find, the search for the recipe TMS
// accepts when it refuses the signature. Exit 0 only when TMS accepted
// the settings as they are.
func onlineCheck(ctx context.Context, io IO, s settings.Settings, find bool, tracePath string, verbose bool) int {
	log, err := newLogger(raw(io.Err), s.LogFormat, s.Lang, s.Quiet, verbose)
	if err != nil {
		return fail(io, "%v", err)
	}
	if s.LogFormat == "json" { // set in the config file
		io = jsonIO(io)
		defer flushJSON(io)
	}
	c := connection(s, io, log, nil)
	if err := c.Check(); err != nil {
		return fail(io, "%v", err)
	}
	key, err := readKey(s, io.Getenv)
	if err != nil {
		return fail(io, "%v", err)
	}
	tr, closeTrace, err := openTrace(io, tracePath, s.Lang)
	if err != nil {
		return fail(io, "%v", err)
	}
	defer closeTrace()
	c.Key, c.Trace = key, tr
	client, err := c.Client()
	if err != nil {
		return fail(io, "%v", err)
	}
	ctx, _, release := withSignals(ctx, io, s.Lang)
	defer release()

	lang := s.Lang
	opts := c.CheckOptions(1)
	fmt.Fprintln(io.Out, ot(lang, "title"))
	fmt.Fprintln(io.Out, ot(lang, "target", tms.RedactURL(strings.TrimRight(s.URL, "/")+tms.ProductQuery.Path)))
	proNum := s.ProNum
	if proNum == "" {
		proNum = s.PNO
	}
	fmt.Fprintln(io.Out, ot(lang, "settings", s.PNO, proNum, opts.Recipe, ot(lang, "keyFrom", keySource(s, io.Getenv))))

	v := probe.Check(ctx, client, opts)
	if find && v.Code == probe.Signature {
		opts.Trying = func(i, n int, r tms.Recipe) {
			if i == 1 {
				fmt.Fprintln(io.Err, probe.Line("searching", lang, n))
			}
			fmt.Fprintln(io.Err, ot(lang, "trying", i, n, r))
		}
		v = probe.FindRecipe(ctx, client, opts, v)
	}
	logVerdict(log, v)
	for _, l := range verdictLines(v, lang) {
		fmt.Fprintln(io.Out, l)
	}
	if v.Code != probe.ProNum {
		fmt.Fprintln(io.Out, probe.Line("pronum.note", lang, 0))
	}
	fmt.Fprintln(io.Out, probe.Line("nothing_sent", lang, 0))
	exit := ExitCantRun
	if v.OK() {
		exit = ExitOK
	}
	if s.LogFormat == "json" {
		writeRecord(raw(io.Out), io.Now(), exit, "connection checked", struct {
			Connection verdictRecord `json:"connection"`
		}{newVerdictRecord(v, lang)})
	}
	return exit
}

// logVerdict puts what lies under a verdict in the log (--verbose).
func logVerdict(log *slog.Logger, v probe.Verdict) {
	attrs := []any{"code", string(v.Code), "url", v.URL, "attempts", v.Attempts}
	if v.Err != nil {
		attrs = append(attrs, "err", v.Err.Error())
	}
	if v.Clock.Known {
		attrs = append(attrs, "clock_offset_seconds", int64(v.Clock.Offset.Seconds()))
	}
	log.Debug("connection test", attrs...)
}

// keySource says where the key comes from, as config check prints it.
func keySource(s settings.Settings, getenv func(string) string) string {
	if s.KeyFromFile(getenv) {
		return "key file " + s.KeyFile
	}
	return settings.KeyEnv
}

// precheck is the connection test before a run sends its first row
// (connect.Settings.Precheck, as the page's): once per run of a file, a
// workbook's sheets or a folder, retried as a send is. It returns whether
// the run must stop (nothing sent): TMS refused the settings or stayed
// unreachable. A busy TMS, or one without the read-only endpoint, only
// warns.
// stopNote ("stopNote", "stopNoteFile") says what a stop left as it was.
func precheck(ctx context.Context, io IO, s settings.Settings, client *tms.Client, log *slog.Logger, stopNote string) (probe.Verdict, bool) {
	v := connection(s, io, log, nil).Precheck(ctx, client, s.MaxAttempts)
	logVerdict(log, v)
	if v.Code == probe.Cancelled {
		return v, false // interrupted: the run sends nothing and says so
	}
	lang := s.Lang
	lines := verdictLines(v, lang)
	switch v.Action() {
	case probe.Proceed:
		if !s.Quiet {
			fmt.Fprintln(io.Out, ot(lang, "precheck", lines[0]))
		}
		return v, false
	case probe.Warn:
		fmt.Fprintln(io.Err, ot(lang, "precheckW", strings.Join(lines, " ")))
		return v, false
	}
	fmt.Fprintf(io.Err, "custimport: %s\n", ot(lang, "precheck", lines[0]))
	for _, l := range lines[1:] {
		fmt.Fprintln(io.Err, "  "+l)
	}
	fmt.Fprintln(io.Err, ot(lang, stopNote))
	return v, true
}

// sameFile reports whether a and b name one existing file.
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
