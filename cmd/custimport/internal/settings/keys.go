package settings

import (
	"flag"
	"fmt"
	"time"
)

// Key is one setting: its config file key, its flag and environment
// variable (when it has them), and where it lives in Settings.
type Key struct {
	Name string // the config file's key
	Flag string // the flag's name ("" config file only)
	Env  string // the environment variable ("" none)
	// Send: the flag is only on commands that can reach TMS (import,
	// config check, ledger, ui), not on check, notify or demo.
	Send bool
	// Path: a file or folder; in a config file, relative to its folder.
	Path  bool
	Usage string // the flag's help
	field func(*Settings) any
}

// Field returns a pointer to the key's field in s.
func (k Key) Field(s *Settings) any { return k.field(s) }

// keys lists every setting, in the order config check prints them. It
// is the one list flags, environment variables, config keys, config
// check's output and the README's table are checked against.
var keys = []Key{
	{Name: "url", Flag: "url", Env: "TMS_URL", Send: true,
		Usage: "TMS API base `URL` (env TMS_URL); requests go to URL/Cust/Add",
		field: func(s *Settings) any { return &s.URL }},
	{Name: "pno", Flag: "pno", Env: "TMS_PNO", Send: true,
		Usage: "api-pno header (env TMS_PNO)",
		field: func(s *Settings) any { return &s.PNO }},
	{Name: "pronum", Flag: "pronum", Env: "TMS_PRONUM", Send: true,
		Usage: "ProNum in the body (env TMS_PRONUM; default: the pno)",
		field: func(s *Settings) any { return &s.ProNum }},
	{Name: "sign_recipe", Flag: "sign-recipe", Env: "TMS_SIGN_RECIPE", Send: true,
		Usage: "api-ClientSign recipe: sha512[:TEMPLATE] or hmac-sha512[:TEMPLATE] over {pno} {timestamp} {key} {body} (env TMS_SIGN_RECIPE)",
		field: func(s *Settings) any { return &s.SignRecipe }},
	{Name: "key_file", Flag: "key-file", Send: true, Path: true,
		Usage: "read the API key from `FILE` (mode 600); default: env TMS_API_KEY",
		field: func(s *Settings) any { return &s.KeyFile }},
	{Name: "workers", Flag: "workers", Send: true,
		Usage: "concurrent requests",
		field: func(s *Settings) any { return &s.Workers }},
	{Name: "rate", Flag: "rate", Send: true,
		Usage: "at most this many requests per second",
		field: func(s *Settings) any { return &s.Rate }},
	{Name: "timeout", Flag: "timeout", Send: true,
		Usage: "timeout of one request",
		field: func(s *Settings) any { return &s.Timeout }},
	{Name: "max_attempts", Flag: "max-attempts", Send: true,
		Usage: "attempts per row for retryable failures",
		field: func(s *Settings) any { return &s.MaxAttempts }},
	{Name: "max_retry_wait", Flag: "max-retry-wait", Send: true,
		Usage: "honour a server's Retry-After up to this long; a longer one waits this and counts as a failed attempt",
		field: func(s *Settings) any { return &s.MaxRetryWait }},
	{Name: "stop_after", Flag: "stop-after", Send: true,
		Usage: "stop sending after `N` rows in a row got no answer from TMS (0: never)",
		field: func(s *Settings) any { return &s.StopAfter }},
	{Name: "mapping", Flag: "mapping", Path: true,
		Usage: "mapping `FILE.yaml`: explicit columns, defaults, date_formats",
		field: func(s *Settings) any { return &s.Mapping }},
	{Name: "out", Flag: "out", Path: true,
		Usage: "results `PATH` (.xlsx or .csv; default <input>.results.xlsx/.csv)",
		field: func(s *Settings) any { return &s.Out }},
	{Name: "results_dir", Flag: "results-dir", Path: true,
		Usage: "folder for results files (default: beside the input)",
		field: func(s *Settings) any { return &s.ResultsDir }},
	{Name: "lang", Flag: "lang",
		Usage: "message language: zh (Traditional Chinese) or en (default: from the locale: zh for zh_TW/zh_HK, else en)",
		field: func(s *Settings) any { return &s.Lang }},
	{Name: "length_unit", Flag: "length-unit",
		Usage: "count S(n) lengths in char (characters) or big5 (Big5 bytes)",
		field: func(s *Settings) any { return &s.LengthUnit }},
	{Name: "mode", Flag: "mode",
		Usage: "upsert (EditItem 2 for rows with a code), create (EditItem 0) or update (EditItem 1)",
		field: func(s *Settings) any { return &s.Mode }},
	{Name: "encoding", Flag: "encoding",
		Usage: "CSV encoding: utf-8 or big5 (default: detected)",
		field: func(s *Settings) any { return &s.Encoding }},
	{Name: "delimiter", Flag: "delimiter",
		Usage: "CSV delimiter: , ; or tab (default: detected)",
		field: func(s *Settings) any { return &s.Delimiter }},
	{Name: "sheet", Flag: "sheet",
		Usage: "XLSX sheet `NAME`; several: 北區,南區, or all for every sheet holding a customer list (default: the one list sheet)",
		field: func(s *Settings) any { return &s.Sheet }},
	{Name: "max_input_mb", Flag: "max-input-mb",
		Usage: "refuse a CSV, or an XLSX that unpacks to, more than `MB` megabytes",
		field: func(s *Settings) any { return &s.MaxInputMB }},
	{Name: "allow_http", Flag: "allow-http", Send: true,
		Usage: "allow plain http:// to a host that is not loopback (the key's signatures travel in clear)",
		field: func(s *Settings) any { return &s.AllowHTTP }},
	{Name: "insecure_skip_verify", Flag: "insecure-skip-verify", Send: true,
		Usage: "do not verify the TLS certificate (test servers only)",
		field: func(s *Settings) any { return &s.Insecure }},
	{Name: "log_format", Flag: "log-format",
		Usage: "log format: text or json",
		field: func(s *Settings) any { return &s.LogFormat }},
	{Name: "quiet", Flag: "quiet",
		Usage: "log warnings and errors only",
		field: func(s *Settings) any { return &s.Quiet }},
	{Name: "defaults",
		field: func(s *Settings) any { return &s.Defaults }},
	{Name: "summary_json", Flag: "summary-json", Path: true,
		Usage: "write the run's summary as JSON to `PATH`",
		field: func(s *Settings) any { return &s.SummaryJSON }},
	{Name: "state_dir", Flag: "state-dir", Env: "CUSTIMPORT_STATE_DIR", Path: true,
		Usage: "folder of the ledgers (env CUSTIMPORT_STATE_DIR; default: the user's local state folder)",
		field: func(s *Settings) any { return &s.StateDir }},
	{Name: "wait", Flag: "wait", Send: true,
		Usage: "when another run uses the same TMS's ledger, wait this long for it (default 0: exit 2 at once)",
		field: func(s *Settings) any { return &s.Wait }},
	{Name: "skip_hidden", Flag: "skip-hidden",
		Usage: "leave out the rows hidden in Excel (by hand or by a filter); by default they are imported, with a warning",
		field: func(s *Settings) any { return &s.SkipHidden }},
	{Name: "new_ledger", Flag: "new-ledger", Send: true,
		Usage: "start a new ledger: for this TMS URL although the same pno has one under another URL (it is another TMS), or where this TMS's ledger is missing or empty (customers imported before may be created again)",
		field: func(s *Settings) any { return &s.NewLedger }},
	{Name: "ledger_url", Flag: "ledger-url", Env: "CUSTIMPORT_LEDGER_URL",
		Usage: "a shared ledger on PostgreSQL, for several PCs importing into one TMS: postgres://user@host/db (env CUSTIMPORT_LEDGER_URL; the password from a passfile, PGPASSFILE or PGPASSWORD)",
		field: func(s *Settings) any { return &s.LedgerURL }},
	{Name: "allow_network_ledger", Flag: "allow-network-ledger",
		Usage: "keep the ledger file in a folder on a network share although its locking is unreliable there (better: --ledger-url)",
		field: func(s *Settings) any { return &s.AllowNetworkLedger }},
	{Name: "existing_customers", Flag: "existing-customers", Path: true,
		Usage: "the list of the customers TMS already has (TMS's customer export, `FILE` .xlsx/.csv): loaded into the ledger before each run when it changed",
		field: func(s *Settings) any { return &s.ExistingCustomers }},
	{Name: "update_existing", Flag: "update-existing",
		Usage: "send rows without a code that have the 統編 of an existing customer as updates of that customer (default: INVALID, EXISTS)",
		field: func(s *Settings) any { return &s.UpdateExisting }},
	{Name: "existing_max_age", Flag: "existing-max-age",
		Usage: "warn when the list of existing customers is older than this (`DAYS`, e.g. 30d)",
		field: func(s *Settings) any { return &s.ExistingMaxAge }},
	{Name: "results_format", Flag: "results-format",
		Usage: "format of the default results file: xlsx (keeps leading zeros through Excel) or csv",
		field: func(s *Settings) any { return &s.ResultsFormat }},
	{Name: "max_invalid", Flag: "max-invalid", Send: true,
		Usage: "send nothing (exit 2) when more than `N` rows, or N% of them, are INVALID: a file that is mostly invalid is usually the wrong file (default: off)",
		field: func(s *Settings) any { return &s.MaxInvalid }},
	{Name: "notify",
		field: func(s *Settings) any { return &s.Notify }},
}

// Keys returns every setting, in config check's order.
func Keys() []Key { return append([]Key(nil), keys...) }

// Lookup returns the setting of a config key.
func Lookup(name string) (Key, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Register defines a flag for every setting that has one (those that
// reach TMS only when send), bound to s: its current values are the
// flags' defaults. Load reads back only the flags given.
func Register(fs *flag.FlagSet, s *Settings, send bool) {
	for _, k := range keys {
		if k.Flag == "" || (k.Send && !send) {
			continue
		}
		switch p := k.field(s).(type) {
		case *string:
			fs.StringVar(p, k.Flag, *p, k.Usage)
		case *int:
			fs.IntVar(p, k.Flag, *p, k.Usage)
		case *int64:
			fs.Int64Var(p, k.Flag, *p, k.Usage)
		case *float64:
			fs.Float64Var(p, k.Flag, *p, k.Usage)
		case *bool:
			fs.BoolVar(p, k.Flag, *p, k.Usage)
		case *time.Duration:
			fs.DurationVar(p, k.Flag, *p, k.Usage)
		case flag.Value:
			fs.Var(p, k.Flag, k.Usage)
		default:
			panic(fmt.Sprintf("settings: key %s: no flag for %T", k.Name, p))
		}
	}
}
