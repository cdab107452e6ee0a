package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/custimport/custimport/importer/msg"
)

// consoleHandler writes the log of a text-mode run for the person who
// reads it: each record is one line in the run's language, rendered from
// the catalog below by its message (the library's log messages are
// stable codes), with the attributes the catalog names. Go and network
// error text (the "err" attribute) never reaches it: that is what
// --verbose and --log-format json are for. A message missing from the
// catalog is shown as it was logged, without its error.
type consoleHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	lang  string
	level slog.Leveler
	attrs []slog.Attr
	now   func() time.Time
}

func newConsoleHandler(w io.Writer, lang string, level slog.Leveler) *consoleHandler {
	return &consoleHandler{mu: &sync.Mutex{}, w: w, lang: lang, level: level, now: time.Now}
}

func (h *consoleHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *consoleHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup is not used by custimport's loggers; a group's attributes are
// read by their own names.
func (h *consoleHandler) WithGroup(string) slog.Handler { return h }

func (h *consoleHandler) Handle(_ context.Context, r slog.Record) error {
	attrs := map[string]slog.Value{}
	var order []string
	add := func(a slog.Attr) {
		if _, seen := attrs[a.Key]; !seen {
			order = append(order, a.Key)
		}
		attrs[a.Key] = a.Value.Resolve()
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(func(a slog.Attr) bool { add(a); return true })
	line := renderLog(h.lang, r.Level, r.Message, attrs, order)
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintf(h.w, "%s %s\n", r.Time.Local().Format("15:04:05"), line)
	return err
}

// logText is one log message's line in both languages. Each {name} is
// replaced by the attribute of that name, as consoleValue shows it.
type logText = msg.Text

// logTexts is the console's catalog: the library's and the CLI's log
// messages (their stable codes) with their zh and en lines.
var logTexts = msg.Register("cli.log", msg.Table{
	"retrying TMS request": {
		"TMS 這次沒有正常回應 ({kind}),{wait} 後重試 (第 {attempt} 次)",
		"TMS did not answer normally ({kind}); trying again in {wait} (attempt {attempt})"},
	"row not accepted": {
		"第 {line} 列:{status} ({kind})",
		"row {line}: {status} ({kind})"},
	"the ledger could not record a row; sending stops": {
		"第 {line} 列:記錄檔 (ledger) 無法寫入,停止送出",
		"row {line}: the ledger could not be written; sending stops"},
	"the ledger could not record an outcome; sending stops": {
		"第 {line} 列:記錄檔 (ledger) 無法記下結果,停止送出",
		"row {line}: the ledger could not record the outcome; sending stops"},
	"header found below title rows": {
		"標題列在第 {line} 列 (上面是表頭文字)",
		"the header is on row {line}, below title rows"},
	"the first sheet has no header row; reading the one sheet that has": {
		"第一個工作表「{first}」沒有標題列,改讀工作表「{sheet}」",
		"the first sheet “{first}” has no header row; reading sheet “{sheet}”"},
	"unknown column kept in the results, not imported": {
		"欄 {column}「{header}」沒有對應的欄位:未匯入,保留在結果檔",
		"column {column} “{header}” matches no field: not imported, kept in the results"},
	"more unknown columns kept in the results, not imported": {
		"另有 {count} 個沒有對應欄位的欄:未匯入,保留在結果檔",
		"{count} more columns match no field: not imported, kept in the results"},
	"new customers need a field the file does not give": {
		"新客戶需要 {field},但檔案沒有這一欄 (也沒有預設值)",
		"new customers need {field}, which the file does not give (and has no default)"},
	"removed the temporary results file of an interrupted run": {
		"已刪除中斷的執行留下的暫存結果檔 {file}",
		"removed the temporary results file of an interrupted run: {file}"},
	"the file has a header but no data rows": {
		"檔案只有標題列 (第 {header_line} 列),沒有資料列",
		"the file has a header (row {header_line}) but no data rows"},
	"TLS certificate verification is OFF: anyone between here and the server can read the customer data and the request signatures": {
		"未驗證 {host} 的 TLS 憑證:網路上的任何人都可能讀取客戶資料與簽章 (僅限測試用伺服器)",
		"TLS certificate verification is OFF for {host}: anyone between here and the server can read the customer data and the signatures"},
	"TMS answered ambiguously: the answer can be read as a success and as a failure": {
		"TMS 的回覆自相矛盾 (HTTP {http_status}),無法判斷結果;原始回覆記在 --verbose 或 JSON 日誌",
		"TMS's answer (HTTP {http_status}) reads both as a success and as a failure; the raw answer is in the --verbose or JSON log"},
	"TMS gave a new customer a code it gave an earlier create": {
		"第 {line} 列:TMS 給的客戶代號 {code} 先前已給過另一位新客戶",
		"row {line}: TMS gave customer code {code}, which it gave an earlier new customer"},
	"TMS gave one code to several new customers of this run": {
		"第 {line} 列:TMS 把客戶代號 {code} 給了本次匯入的多位新客戶 (第 {rows} 列)",
		"row {line}: TMS gave customer code {code} to several new customers of this run (rows {rows})"},
	"reading the ledger for creates with the same code": {
		"第 {line} 列:無法從記錄檔 (ledger) 查詢客戶代號 {code} 是否給過別的客戶",
		"row {line}: the ledger could not tell whether code {code} was given to another customer"},
	"the results of rows TMS gave the same code could not be amended": {
		"第 {line} 列:無法在結果檔中補上同一客戶代號的警告",
		"row {line}: the warnings of rows TMS gave the same code could not be added to the results"},
	"progress": {
		"進度 {rows}/{total} 列,每秒 {rows_per_sec} 列,未成功 {not_ok} 列,預計還要 {eta}",
		"progress {rows}/{total} rows, {rows_per_sec} rows/s, {not_ok} not OK, {eta} to go"},
})

// kindTexts name a failure kind (tms.FailureKind's String) for people.
var kindTexts = msg.Register("cli.kind", msg.Table{
	"timeout":          {"逾時", "timed out"},
	"reset":            {"連線中斷", "connection broken"},
	"refused":          {"無法連上 TMS", "could not reach TMS"},
	"busy":             {"TMS 忙碌中", "TMS busy"},
	"http":             {"HTTP 錯誤", "HTTP error"},
	"tls":              {"憑證或 TLS 錯誤", "certificate or TLS error"},
	"bad-answer":       {"回覆格式不對", "answer not in the specified format"},
	"redirect":         {"TMS 回覆轉址", "TMS redirected"},
	"ambiguous-answer": {"回覆自相矛盾", "answer contradicts itself"},
	"stopped":          {"已停止", "stopped"},
	"other":            {"其他錯誤", "other error"},
})

// consoleTexts are the console's own words around log lines (namespace
// "cli.console"); {name} is a log attribute.
var consoleTexts = msg.Register("cli.console", msg.Table{
	"warning": {"注意:", "warning: "},
	"clock_skew": {
		"TMS 拒絕了請求的時間戳記 (9003):這台電腦的時鐘與 TMS 相差 {skew_seconds} 秒,請校正時鐘與時區",
		"TMS refused the timestamp (9003): this computer's clock is {skew_seconds} s off TMS's; set the clock and time zone right"},
	"clock": {"TMS 拒絕了請求的時間戳記 (9003):請校正這台電腦的時鐘與時區", "TMS refused the timestamp (9003): set this computer's clock and time zone right"},
})

// clockPrefix starts the clock warnings of the TMS client, whose message
// carries the offset; the attributes say it again.
const clockPrefix = "TMS rejected the timestamp"

// renderLog is one record's line in lang.
func renderLog(lang string, level slog.Level, msg string, attrs map[string]slog.Value, order []string) string {
	pick := func(t logText) string { return t.In(lang) }
	prefix := ""
	if level >= slog.LevelWarn {
		prefix = pick(consoleTexts["warning"])
	}
	if t, ok := logTexts[msg]; ok {
		return prefix + fill(pick(t), lang, attrs)
	}
	if strings.HasPrefix(msg, clockPrefix) {
		if _, ok := attrs["skew_seconds"]; ok {
			return prefix + fill(pick(consoleTexts["clock_skew"]), lang, attrs)
		}
		return prefix + pick(consoleTexts["clock"])
	}
	// Not in the catalog: the message as logged, its attributes but the error.
	var b strings.Builder
	b.WriteString(prefix + msg)
	for _, k := range order {
		if k == "err" || k == "error" {
			continue
		}
		fmt.Fprintf(&b, " %s=%s", k, consoleValue(k, attrs[k], lang))
	}
	return b.String()
}

// fill replaces each {name} of text by its attribute.
func fill(text, lang string, attrs map[string]slog.Value) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		j := strings.IndexByte(text[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(text)
			return b.String()
		}
		name := text[i+1 : i+1+j]
		b.WriteString(text[:i])
		if v, ok := attrs[name]; ok {
			b.WriteString(consoleValue(name, v, lang))
		}
		text = text[i+2+j:]
	}
}

// consoleValue shows one attribute: a duration rounded for people, a
// failure kind in words, anything else as it is (never quoted or
// escaped: 「合　計」 stays as typed).
func consoleValue(name string, v slog.Value, lang string) string {
	switch {
	case v.Kind() == slog.KindDuration:
		d := v.Duration()
		switch {
		case d >= time.Minute:
			d = d.Round(time.Second)
		case d >= time.Second:
			d = d.Round(100 * time.Millisecond)
		default:
			d = d.Round(time.Millisecond)
		}
		return d.String()
	case name == "kind":
		if t, ok := kindTexts[v.String()]; ok {
			return t.In(lang)
		}
	case v.Kind() == slog.KindFloat64:
		return strconv.FormatFloat(v.Float64(), 'f', -1, 64)
	}
	return v.String()
}
