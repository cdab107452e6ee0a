package settings

import "github.com/custimport/custimport/importer/msg"

// Code names one of the settings' messages; messages holds its zh and en
// text side by side.
type Code string

// The settings' messages.
const (
	MsgReadConfig     Code = "settings.read_config"
	MsgInFile         Code = "settings.in_file"
	MsgKeyInConfig    Code = "settings.key_in_config"
	MsgUnknownKey     Code = "settings.unknown_key"
	MsgUnknownKeyNear Code = "settings.unknown_key_near"
	MsgBadEnv         Code = "settings.bad_env"
	MsgWorkers        Code = "settings.workers"
	MsgRate           Code = "settings.rate"
	MsgMaxAttempts    Code = "settings.max_attempts"
	MsgMaxInputMB     Code = "settings.max_input_mb"
	MsgStopAfter      Code = "settings.stop_after"
	MsgWait           Code = "settings.wait"
	MsgMaxRetryWait   Code = "settings.max_retry_wait"
	MsgTimeout        Code = "settings.timeout"
	MsgResultsFormat  Code = "settings.results_format"
	MsgExistingMaxAge Code = "settings.existing_max_age"
	MsgMaxInvalid     Code = "settings.max_invalid"
	MsgNotify         Code = "settings.notify"
	MsgDelimiter      Code = "settings.delimiter"
	MsgLogFormat      Code = "settings.log_format"
	MsgResultsDir     Code = "settings.results_dir"
	MsgNoFolder       Code = "settings.no_folder"
	MsgNotFolder      Code = "settings.not_folder"
	MsgDefaultsField  Code = "settings.defaults_field"
	MsgNoURL          Code = "settings.no_url"
	MsgNoPNO          Code = "settings.no_pno"
	MsgAllowHTTP      Code = "settings.allow_http"
	MsgNoKey          Code = "settings.no_key"
	MsgKeyFile        Code = "settings.key_file"
	MsgKeyFileMode    Code = "settings.key_file_mode"
	MsgKeyFileEmpty   Code = "settings.key_file_empty"
	MsgLedgerURL      Code = "settings.ledger_url"
)

// messages holds every message's zh and en text, registered in the one
// catalog (importer/msg). The arguments are the same in both, in the same
// order; a %q shows the value as typed (「…」 in zh).
var messages = msg.RegisterCodes("settings", map[Code]msg.Text{
	MsgReadConfig: {"設定檔: %v", "config: %v"},
	MsgInFile:     {"設定檔 %s: %v", "config %s: %v"},
	MsgKeyInConfig: {"設定檔 %s: 不可以有 %q: 金鑰放在環境變數 (TMS_API_KEY) 或 --key-file 檔案,絕不放在設定檔",
		"config %s: %q is not allowed: the key goes in the environment (TMS_API_KEY) or a --key-file, never in a config file"},
	MsgUnknownKey: {"設定檔 %s: 不認得的設定 %q (第 %d 行); custimport config check 的輸出列出所有設定",
		"config %s: unknown key %q (line %d); the output of custimport config check lists every key"},
	MsgUnknownKeyNear: {"設定檔 %s: 不認得的設定 %q (第 %d 行),是不是 %q?",
		"config %s: unknown key %q (line %d): did you mean %q?"},
	MsgBadEnv:         {"環境變數 %s: %v", "environment variable %s: %v"},
	MsgWorkers:        {"--workers %d: 請設 1 到 64", "--workers %d: want 1 to 64"},
	MsgRate:           {"--rate %v: 請設大於 0", "--rate %v: want more than 0"},
	MsgMaxAttempts:    {"--max-attempts %d: 至少 1", "--max-attempts %d: want at least 1"},
	MsgMaxInputMB:     {"--max-input-mb %d: 請設大於 0", "--max-input-mb %d: want more than 0"},
	MsgStopAfter:      {"--stop-after %d: 請設 0 (永不停止) 或更多", "--stop-after %d: want 0 (never) or more"},
	MsgWait:           {"--wait %v: 請設 0 或更多", "--wait %v: want 0 or more"},
	MsgMaxRetryWait:   {"--max-retry-wait %v: 請設大於 0", "--max-retry-wait %v: want more than 0"},
	MsgTimeout:        {"--timeout %v: 請設大於 0", "--timeout %v: want more than 0"},
	MsgResultsFormat:  {"results_format %q: 請設 xlsx 或 csv", "results_format %q: want xlsx or csv"},
	MsgExistingMaxAge: {"existing_max_age %v: 請設大於 0 天", "existing_max_age %v: want more than 0 days"},
	MsgMaxInvalid:     {"--max-invalid (max_invalid): %v", "--max-invalid (max_invalid): %v"},
	MsgNotify:         {"%v", "%v"},
	MsgDelimiter:      {"--delimiter %q: 請設 , ; 或 tab", "--delimiter %q: want , ; or tab"},
	MsgLogFormat:      {"--log-format %q: 請設 text 或 json", "--log-format %q: want text or json"},
	MsgResultsDir:     {"results_dir (--results-dir): %v", "results_dir (--results-dir): %v"},
	MsgNoFolder:       {"資料夾 %s 不存在", "the folder %s does not exist"},
	MsgNotFolder:      {"%s 不是資料夾", "%s is not a folder"},
	MsgDefaultsField:  {"設定檔 defaults: 沒有欄位 %q", "config defaults: unknown field %q"},
	MsgNoURL:          {"沒有 TMS 網址: 請設 TMS_URL 或 --url", "no TMS URL: set TMS_URL or --url"},
	MsgNoPNO:          {"沒有 api-pno: 請設 TMS_PNO 或 --pno", "no api-pno: set TMS_PNO or --pno"},
	MsgAllowHTTP: {"TMS 網址%q是未加密的 http://,已簽章的請求與客戶資料會以明文傳送 (若仍要傳送,請加 --allow-http 或在設定檔寫 allow_http: true)",
		"TMS URL %q is plain http://: the signed requests and customer data would travel unencrypted (to send anyway, pass --allow-http or set allow_http: true in the config)"},
	MsgNoKey: {"沒有 API 金鑰: 請設 TMS_API_KEY 或 --key-file (金鑰絕不用參數給: ps 看得到)",
		"no API key: set TMS_API_KEY or pass --key-file (a key is never a flag: it would show in ps)"},
	MsgKeyFile: {"--key-file: %v", "--key-file: %v"},
	MsgKeyFileMode: {"--key-file %s 其他人讀得到 (權限 %s): 請執行 `chmod 600 %s`",
		"--key-file %s is readable by others (mode %s): run `chmod 600 %s`"},
	MsgKeyFileEmpty: {"--key-file %s 是空的", "--key-file %s is empty"},
	MsgLedgerURL:    {"--ledger-url (ledger_url) %q: 請設 postgres:// 網址", "--ledger-url (ledger_url) %q: want a postgres:// URL"},
})

// Error is a settings problem: a message code and its arguments. Error()
// is its English text; Text gives it in a language. An error among the
// arguments is what it wraps.
type Error struct {
	Code Code
	Args []any
	// Err is what it wraps besides the errors among Args, or nil.
	Err error
}

func newErr(code Code, args ...any) *Error { return &Error{Code: code, Args: args} }

// Text is the message in lang ("zh" or "en"; other: en).
func (e *Error) Text(lang string) string {
	m, ok := messages[e.Code]
	if !ok {
		return string(e.Code)
	}
	return msg.In(lang).Format(m, e.Args...)
}

func (e *Error) Error() string { return e.Text("en") }

// Unwrap returns Err and the errors among the arguments.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	for _, a := range e.Args {
		if err, ok := a.(error); ok {
			out = append(out, err)
		}
	}
	return out
}

// Is matches another *Error of the same code: errors.Is(err,
// &settings.Error{Code: settings.MsgNoKey}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Args == nil
}
