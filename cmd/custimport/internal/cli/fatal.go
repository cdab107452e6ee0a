package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/detail"
	"github.com/custimport/custimport/cmd/custimport/internal/inbox"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
)

// The fatal line of a run that could not run or finish: what failed, in
// the run's language, named by the file, the setting or the server it is
// about. The error underneath (Go's, the network's, the library's
// English) is for --verbose and JSON logs (failErr).
var _ = msg.Register("cli.fatal", msg.Table{
	"not_exist":         {"找不到%q", "%q is not there"},
	"permission":        {"沒有權限讀取或寫入%q", "no permission to read or write %q"},
	"disk_full":         {"磁碟空間不足,無法寫入%q", "the disk is full: %q could not be written"},
	"read_only":         {"%q所在的磁碟是唯讀的,無法寫入", "%q is on a read-only disk and cannot be written"},
	"is_dir":            {"%q是資料夾,不是檔案", "%q is a folder, not a file"},
	"path":              {"無法開啟、讀取或寫入%q", "%q could not be opened, read or written"},
	"input":             {"無法匯入%q", "%q cannot be imported"},
	"input_line":        {"無法匯入%q:第 %d 列有問題", "%q cannot be imported: line %d"},
	"input_plain":       {"無法匯入這個檔案", "the file cannot be imported"},
	"several_lists":     {"%q有 %d 個工作表都是客戶清單 (%s)", "%q has %d sheets that hold a customer list (%s)"},
	"too_many_invalid":  {"%d 列中有 %d 列是 INVALID,超過允許的 %s:沒有送出任何資料", "%[2]d of %[1]d rows are INVALID, more than the %[3]s allowed: nothing was sent"},
	"tms_unreachable":   {"連不上 TMS (%s)", "TMS cannot be reached (%s)"},
	"tms_stopped":       {"TMS 一直沒有回應,已停止送出", "TMS stopped answering, so sending stopped"},
	"tls":               {"無法驗證 TMS 的 TLS 憑證 (%s)", "TMS's TLS certificate cannot be verified (%s)"},
	"tms_refuses":       {"TMS 拒絕了請求本身", "TMS refuses the requests themselves"},
	"tms_busy":          {"TMS 一直回覆「忙碌」", "TMS keeps answering busy"},
	"ledger_locked":     {"另一個 custimport 正在使用這個 TMS 的記錄檔 (ledger)", "another custimport run is using this TMS's ledger"},
	"ledger_locked_by":  {"另一個 custimport (%s 上的 pid %d,自 %s 起匯入%q) 正在使用這個 TMS 的記錄檔 (ledger)", "another custimport run (pid %[2]d on %[1]s, importing %[4]q since %[3]s) is using this TMS's ledger"},
	"ledger_locked_pid": {"另一個 custimport (pid %d,自 %s 起匯入%q) 正在使用這個 TMS 的記錄檔 (ledger)", "another custimport run (pid %d, importing %q since %s) is using this TMS's ledger"},
	"state_dir_sudo":    {"custimport 透過%[2]q的 sudo 以%[1]q的身分執行,兩人的設定 (HOME、XDG_*) 都可能被用到;預設的記錄檔 (ledger) 資料夾會是 %[3]s", "custimport runs as %s through sudo by %s, whose settings (HOME, XDG_*) may be either's; the default ledger folder would be %s"},
	"state_dir_owner":   {"預設的記錄檔 (ledger) 資料夾 %s 在 %s 之中,它屬於使用者 %d,不是執行 custimport 的%q", "the default ledger folder %s is in %s, which belongs to user %d, not to %s, the user custimport runs as"},
	"details":           {"%s(%s)", "%s (%s)"},
	"ledger":            {"無法使用記錄檔 (ledger)", "the ledger cannot be used"},
	"ledger_server":     {"連不上共用記錄檔 (ledger) 的 PostgreSQL 伺服器", "the shared ledger's PostgreSQL server cannot be reached"},
	"ledger_server_at":  {"連不上共用記錄檔 (ledger) %s 的 PostgreSQL 伺服器", "the PostgreSQL server of the shared ledger %s cannot be reached"},
	"ledger_timeout":    {"共用記錄檔 (ledger) %s 的 PostgreSQL 伺服器沒有及時回應:%s", "the shared ledger %s did not answer in time: %s"},
	"wait_connect":      {"連線後一直沒有讓 custimport 登入", "the server did not let custimport in"},
	"wait_statement":    {"一個指令沒有在時限內結束", "a statement did not end in time"},
	"wait_lock":         {"另一個連線鎖住的資料表一直沒有釋放", "a lock another session holds was not released"},
	"wait_answer":       {"伺服器完全沒有回應", "the server said nothing"},
	"ledger_other_url":  {"共用記錄檔 (ledger) %s 裡,公司代號 %s 的記錄檔在 TMS 網址 %s 之下,%s 沒有記錄檔", "in the shared ledger %s, pno %s has a ledger for %s, none for %s"},
	"other_url":         {"公司代號 %s 的記錄檔 (ledger) 在 TMS 網址 %s 之下,%s 沒有記錄檔。若是同一個 TMS,請用原來的網址 (或 TMS 已搬家:custimport ledger move --url %s --to-url %s);若是另一個 TMS,加上 --new-ledger", "pno %s has a ledger for %s, none for %s. If it is the same TMS, use that URL (or, if TMS moved, carry the ledger over: custimport ledger move --url %s --to-url %s); if it is another TMS, pass --new-ledger"},
	"folder_locked":     {"另一個 custimport 正在匯入同一個檔案或資料夾", "another custimport run is importing this file or folder"},
	"tms_config":        {"TMS 的連線設定 (url、pno、ProNum、sign_recipe) 有誤,沒有送出任何資料:執行 custimport config check 會指出是哪一個值", "the TMS connection settings (url, pno, ProNum, sign_recipe) are wrong, nothing was sent: custimport config check names the value"},
	"known":             {"無法執行", "could not run"},

	// The library's errors, from their fields (libraryLine).
	"cannot_import":       {"無法匯入%q:%s", "%q cannot be imported: %s"},
	"cannot_import_plain": {"無法匯入這個檔案:%s", "the file cannot be imported: %s"},
	"tms_setting":         {"TMS 的連線設定有誤,沒有送出任何資料:%s", "the TMS connection settings are wrong, nothing was sent: %s"},
	"tms.unparsable":      {"TMS 網址%q無法解讀", "TMS URL %q cannot be read"},
	"tms.scheme":          {"TMS 網址%q必須以 https:// 開頭", "TMS URL %q must start with https://"},
	"tms.no_host":         {"TMS 網址%q沒有主機名稱", "TMS URL %q has no host"},
	"tms.user_info":       {"TMS 網址%q不可含使用者名稱或密碼", "TMS URL %q must not contain a user name or password"},
	"tms.query":           {"TMS 網址%q不可含查詢字串 (?) 或 #", "TMS URL %q must not have a query or fragment"},
	"tms.port":            {"TMS 網址%q的連接埠%q不是 1 到 65535 的數字", "TMS URL %q: port %q is not a port number (1 to 65535)"},
	"tms.insecure":        {"TMS 網址%q是未加密的 http://,已簽章的請求與客戶資料會以明文傳送:請改用 https://", "TMS URL %q is plain http://: the signed requests and customer data would travel unencrypted; use https://"},
	"tms.pno.empty":       {"公司代號 (pno) 是空的", "the pno (api-pno) is empty"},
	"tms.key.empty":       {"API 金鑰是空的", "the API key is empty"},
	"tms.too_long":        {"ProNum%q有 %d 個字,規格最多 %d 個", "ProNum %q is %d characters long; the specification allows at most %d"},
	"tms.method":          {"簽章方式 (sign_recipe)%q的演算法%q不認得:請用 sha512 或 hmac-sha512", "signing recipe (sign_recipe) %q: method %q (want sha512 or hmac-sha512)"},
	"tms.placeholder":     {"簽章範本%q有不認得的代換欄位 (可用 {pno} {timestamp} {key} {body})", "signing template %q has an unknown placeholder (use {pno} {timestamp} {key} {body})"},
	"tms.constant":        {"簽章範本%q沒有 {timestamp} 也沒有 {body}:每個請求的簽章都會一樣", "signing template %q has neither {timestamp} nor {body}: every request would carry the same signature"},
	"tms.no_timestamp":    {"簽章範本%q沒有 {timestamp}", "signing template %q lacks {timestamp}"},
	"tms.no_key":          {"sha512 簽章範本%q沒有 {key}:任何人都算得出這個簽章", "a sha512 signing template without {key} (%q) would be a signature anybody can compute"},
	"tms.negative":        {"逾時與回應大小上限不可小於 0", "the timeout and the response limit must not be negative"},
	"tms.insecure_tls":    {"無法對另外提供的 HTTP 用戶端關閉 TLS 憑證驗證", "TLS verification cannot be turned off for a caller-supplied HTTP client"},
	"unknown":             {"無法執行:發生了未預期的錯誤。加上 --verbose 重新執行,可看到詳細原因 (或用 --log-format json 記錄)", "could not run: an unexpected error. Run it again with --verbose to see why (or log it with --log-format json)"},

	// The command line's own refusals.
	"trace_is_input":     {"--trace-http %s 就是輸入檔:請指定另一個檔案", "--trace-http %s is the input: name another file"},
	"sheet_in_folder":    {"--sheet %s:資料夾中的檔案各匯入一個工作表;請只指定一個工作表名稱,或直接指定活頁簿檔案匯入", "--sheet %s: a folder's files are imported one sheet each; give one sheet name, or import the workbook by name"},
	"no_list_sheet":      {"%q:--sheet all:沒有任何看得見的工作表是客戶清單 (CSV 檔沒有工作表)", "%q: --sheet all: no visible sheet holds a customer list (CSV files have no sheets)"},
	"summary_unwritable": {"--summary-json %s 無法寫入", "--summary-json %s could not be written"},
	"listen":             {"網頁只能開在本機位址 (127.0.0.1) 上,無法使用 %s (或該位址已被使用):請換一個 --addr,或用 127.0.0.1:0 讓程式自己選", "the page listens on 127.0.0.1 only, and cannot listen on %s (or it is in use): choose another --addr, or 127.0.0.1:0 to let it pick"},
	"ui_open":            {"請開啟 %s\n(按 Ctrl-C 結束)", "open %s\n(press Ctrl-C to stop)"},
	"no_browser":         {"無法自動開啟瀏覽器:請自己開啟上面的網址", "could not open the browser: open the address above yourself"},
	"signal_stop":        {"正在停止:等送出中的請求完成並寫出結果檔 (再按一次 Ctrl-C 立即中止)", "stopping: finishing requests in flight and writing the results (Ctrl-C again to abort them)"},
	"signal_abort":       {"正在中止送出中的請求", "aborting requests in flight"},
	"not_started":        {"%q 沒有匯入", "%q was not imported"},
	"trace_unwritable":   {"--trace-http %s 無法寫入", "--trace-http %s cannot be written"},
})

// textError is a refusal of the command line's own: a catalog code and
// its arguments. Error() is its English text, for logs.
type textError struct {
	code string // in "cli.fatal"
	args []any
	err  error // what it wraps, or nil
}

func newTextError(code string, args ...any) *textError { return &textError{code: code, args: args} }

// settingError is an error about the file a setting names (the list of
// existing customers): its fatal line names the setting first.
type settingError struct {
	setting, value string
	err            error
}

func (e *settingError) Error() string { return e.setting + " " + e.value + ": " + e.err.Error() }
func (e *settingError) Unwrap() error { return e.err }

func (e *textError) Error() string {
	s := printer("en").Sprint("cli.fatal."+e.code, e.args...)
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *textError) Unwrap() error { return e.err }

// fatalLine is the words for err, an error that stopped a run, in lang:
// what failed and what it is about; never Go's or the network's text.
// subject, when not "", is the file the run was reading, named when the
// error names none.
func fatalLine(err error, lang, subject string) string {
	var te *textError
	var se *settings.Error
	var in *settingError
	if errors.As(err, &in) && !errors.As(in.err, &te) && !errors.As(in.err, &se) {
		return in.setting + ": " + fatalLine(in.err, lang, in.value)
	}
	if line := libraryLine(err, lang, subject); line != "" {
		return line
	}
	if msg.Lang(lang) == "en" && !errors.As(err, &te) && !errors.As(err, &se) && !goError(err) {
		// A library's own English sentence, free of Go's and the
		// network's words: in an English run it names what failed best.
		return err.Error()
	}
	return catalogLine(err, lang, subject)
}

// catalogLine is fatalLine from the catalog: the class of err in lang.
func catalogLine(err error, lang, subject string) string {
	p := printer(lang)
	f := func(code string, args ...any) string { return p.Sprint("cli.fatal."+code, args...) }
	var (
		te       *textError
		se       *settings.Error
		several  *importer.SeveralListsError
		tooMany  *importer.TooManyInvalidError
		locked   *ledger.LockedError
		timeout  *ledger.TimeoutError
		gone     *ledger.UnreachableError
		otherPG  *ledger.OtherURLError
		other    *connect.OtherURLError
		stateDir *connect.StateDirError
		parse    *source.ParseError
		pathErr  *fs.PathError
	)
	switch {
	case errors.As(err, &te):
		return p.Sprint("cli.fatal."+te.code, te.args...)
	case errors.As(err, &se):
		return se.Text(lang)
	case errors.As(err, &stateDir):
		if stateDir.By != "" {
			return f("state_dir_sudo", stateDir.Runs, stateDir.By, stateDir.Dir)
		}
		return f("state_dir_owner", stateDir.Dir, stateDir.OwnerPath, stateDir.Owner, stateDir.Runs)
	case errors.As(err, &other):
		return f("other_url", other.PNO, other.Old, other.New, other.Old, other.New)
	case errors.As(err, &several):
		quoted := make([]string, len(several.Sheets))
		for i, s := range several.Sheets {
			quoted[i] = msg.Quote(lang, s)
		}
		return f("several_lists", several.Input, len(several.Sheets), strings.Join(quoted, ", "))
	case errors.As(err, &tooMany):
		return f("too_many_invalid", tooMany.Rows, tooMany.Invalid, tooMany.Budget.String())
	case errors.As(err, &locked):
		if h := locked.Holder; h.PID != 0 && h.Host != "" {
			return f("ledger_locked_by", h.Host, h.PID, h.Started.Local().Format("2006-01-02 15:04"), h.Input)
		} else if h.PID != 0 {
			if msg.Lang(lang) == "en" {
				return f("ledger_locked_pid", h.PID, h.Input, h.Started.Local().Format("2006-01-02 15:04"))
			}
			return f("ledger_locked_pid", h.PID, h.Started.Local().Format("2006-01-02 15:04"), h.Input)
		}
		return f("ledger_locked")
	case errors.Is(err, ledger.ErrLocked):
		return f("ledger_locked")
	case errors.As(err, &timeout):
		return f("ledger_timeout", timeout.Ledger, f(waitCode(timeout.Wait)))
	case errors.As(err, &gone):
		return f("ledger_server_at", gone.Ledger)
	case errors.Is(err, ledger.ErrUnreachable):
		return f("ledger_server")
	case errors.As(err, &otherPG):
		return f("ledger_other_url", otherPG.Ledger, otherPG.Tenant.PNO, otherPG.OtherURLs(), otherPG.Tenant.URL)
	case errors.Is(err, inbox.ErrLocked):
		return f("folder_locked")
	case errors.Is(err, tms.ErrConfig), errors.Is(err, tms.ErrBadRecipe):
		return f("tms_config")
	case errors.Is(err, importer.ErrTMSRefuses):
		return f("tms_refuses")
	case errors.Is(err, importer.ErrTMSBusy):
		return f("tms_busy")
	case errors.Is(err, importer.ErrTMSUnreachable):
		return f("tms_stopped")
	case isTLS(err):
		return f("tls", urlOf(err))
	case isNetwork(err):
		return f("tms_unreachable", urlOf(err))
	case errors.Is(err, ledger.ErrLost), errors.Is(err, ledger.ErrCorrupt), errors.Is(err, ledger.ErrNewerSchema),
		errors.Is(err, connect.ErrStateDir), errors.Is(err, connect.ErrOtherURL), errors.Is(err, connect.ErrLedgerElsewhere), errors.Is(err, connect.ErrNetworkLedger):
		return f("ledger")
	case importer.InputFault(err) || errors.Is(err, source.ErrWrongPassword):
		line := f("input_plain")
		switch {
		case errors.As(err, &parse) && parse.Line > 0:
			return f("input_line", orName(subject, parse.File), parse.Line)
		case subject != "":
			line = f("input", subject)
		}
		if d := details(err, lang, subject); d != "" {
			line = f("details", line, d)
		}
		return line
	case errors.As(err, &pathErr):
		return pathLine(f, pathErr)
	}
	if explanation(err, lang) != "" {
		return f("known") // the explanation says what and what to do
	}
	return f("unknown")
}

// waitCode is the catalog code (cli.fatal) of what a *ledger.TimeoutError
// waited for.
func waitCode(wait string) string {
	switch wait {
	case "connect", "statement", "lock":
		return "wait_" + wait
	}
	return "wait_answer"
}

// libraryLine is the fatal line of a library error that carries its
// details as fields (a header that cannot be resolved, damaged row
// numbers, a file too large, a TMS setting refused), rendered from them
// in lang; "" for any other error.
func libraryLine(err error, lang, subject string) string {
	p := printer(lang)
	f := func(code string, args ...any) string { return p.Sprint("cli.fatal."+code, args...) }
	var (
		te      *textError
		se      *settings.Error
		setting *tms.ConfigError
	)
	switch {
	case errors.As(err, &te), errors.As(err, &se):
		return "" // the command line's or the settings' own words
	case errors.As(err, &setting):
		return f("tms_setting", tmsSettingText(f, setting))
	}
	what, file := detail.Of(err, lang)
	if what == "" {
		return ""
	}
	if subject = orName(subject, file); subject == "" {
		return f("cannot_import_plain", what)
	}
	return f("cannot_import", subject, what)
}

// tmsSettingText says which TMS setting is wrong and how, with its value
// as the library shows it (secrets redacted).
func tmsSettingText(f func(string, ...any) string, e *tms.ConfigError) string {
	switch e.Problem {
	case tms.ProblemEmpty:
		return f("tms." + e.Setting + ".empty")
	case tms.ProblemPort, tms.ProblemMethod:
		return f("tms."+e.Problem, e.Value, e.Part)
	case tms.ProblemTooLong:
		return f("tms.too_long", e.Value, e.Length, e.Max)
	case tms.ProblemNegative, tms.ProblemInsecureTLS:
		return f("tms." + e.Problem)
	}
	return f("tms."+e.Problem, e.Value)
}

// goErrorWords is how Go's and the network's error messages read, for errors
// that reached the command line as text (wrapped with %v).
var goErrorWords = regexp.MustCompile(`dial tcp|connection refused|connect:|:\d+: connect|context deadline|context canceled|Client\.Timeout|\bEOF\b|i/o timeout|no such host|broken pipe|reset by peer|x509|tls:|permission denied|no such file|not a directory|no space left|read-only file system|is a directory|\bpq:|SQLSTATE|failed to connect|zip: |xml: |invalid argument|bad file descriptor`)

// goError reports whether err is, or holds, an error of Go's or the
// network's (a file system, network, TLS, time-out or end-of-file error):
// text for --verbose and JSON logs, not for the terminal.
func goError(err error) bool {
	var (
		pathErr *fs.PathError
		linkErr *os.LinkError
		sysErr  *os.SyscallError
		errno   syscall.Errno
	)
	switch {
	case errors.As(err, &pathErr), errors.As(err, &linkErr), errors.As(err, &sysErr), errors.As(err, &errno),
		isNetwork(err), isTLS(err),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return goErrorWords.MatchString(err.Error())
}

// quotedValue is a value a library's English sentence quotes
// ("客戶識別碼"): the data of an error that carries no fields yet (see
// libraryLine for those that do), shown in any language.
var quotedValue = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

// details are the values err's own text quotes, in lang's quotes
// ("「foo」、「bar」"), "" when it quotes none; the file (subject) is named
// by the line already.
func details(err error, lang, subject string) string {
	sep := "、"
	if msg.Lang(lang) == "en" {
		sep = ", "
	}
	seen := map[string]bool{}
	var values []string
	for _, m := range quotedValue.FindAllStringSubmatch(err.Error(), -1) {
		v, uerr := strconv.Unquote(`"` + m[1] + `"`)
		if uerr != nil {
			v = m[1]
		}
		if v == "" || seen[v] || v == subject || v == filepath.Base(subject) || len(values) == 6 {
			continue
		}
		seen[v] = true
		values = append(values, msg.Quote(lang, v))
	}
	return strings.Join(values, sep)
}

// pathLine names the file of a file system error and what went wrong.
func pathLine(f func(string, ...any) string, pe *fs.PathError) string {
	name := pe.Path
	switch {
	case errors.Is(pe, fs.ErrNotExist):
		return f("not_exist", name)
	case errors.Is(pe, fs.ErrPermission):
		return f("permission", name)
	case errors.Is(pe, syscall.ENOSPC):
		return f("disk_full", name)
	case errors.Is(pe, syscall.EROFS):
		return f("read_only", name)
	case errors.Is(pe, syscall.EISDIR):
		return f("is_dir", name)
	}
	return f("path", name)
}

// orName is a when it is set, else b.
func orName(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// isTLS reports whether err is a TLS handshake or certificate failure.
func isTLS(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		host     x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
		recordHd tls.RecordHeaderError
	)
	return errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &alert) || errors.As(err, &recordHd)
}

// isNetwork reports whether err is the network's: a connection refused,
// a host not found, a time-out.
func isNetwork(err error) bool {
	var (
		op  *net.OpError
		dns *net.DNSError
		ue  *url.Error
	)
	return errors.As(err, &op) || errors.As(err, &dns) || errors.As(err, &ue)
}

// urlOf is the address a network error was about, without its secrets;
// "TMS" when it names none.
func urlOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != "" {
		return tms.RedactURL(ue.URL)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.Name != "" {
		return dns.Name
	}
	return "TMS"
}
