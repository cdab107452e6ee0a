package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/notify"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
)

// settings are the effective options of an import: defaults, overridden by
// the config file, overridden by the environment, overridden by flags.
type settings struct {
	URL          string         `yaml:"url"`
	PNO          string         `yaml:"pno"`
	ProNum       string         `yaml:"pronum"`
	SignRecipe   string         `yaml:"sign_recipe"`
	KeyFile      string         `yaml:"key_file"`
	Workers      int            `yaml:"workers"`
	Rate         float64        `yaml:"rate"`
	Timeout      time.Duration  `yaml:"timeout"`
	MaxAttempts  int            `yaml:"max_attempts"`
	MaxRetryWait time.Duration  `yaml:"max_retry_wait"`
	StopAfter    int            `yaml:"stop_after"`
	Mapping      string         `yaml:"mapping"`
	Out          string         `yaml:"out"`
	ResultsDir   string         `yaml:"results_dir"`
	Lang         string         `yaml:"lang"`
	LengthUnit   string         `yaml:"length_unit"`
	Mode         string         `yaml:"mode"`
	Encoding     string         `yaml:"encoding"`
	Delimiter    string         `yaml:"delimiter"`
	Sheet        string         `yaml:"sheet"`
	MaxInputMB   int64          `yaml:"max_input_mb"`
	AllowHTTP    bool           `yaml:"allow_http"`
	Insecure     bool           `yaml:"insecure_skip_verify"`
	LogFormat    string         `yaml:"log_format"`
	Quiet        bool           `yaml:"quiet"`
	Defaults     map[string]any `yaml:"defaults"`
	SummaryJSON  string         `yaml:"summary_json"`
	StateDir     string         `yaml:"state_dir"`
	Wait         time.Duration  `yaml:"wait"`
	SkipHidden   bool           `yaml:"skip_hidden"`
	NewLedger    bool           `yaml:"new_ledger"`
	// LedgerURL is a shared ledger on PostgreSQL (postgres://…, no
	// password in it): several PCs import into one TMS through it.
	LedgerURL string `yaml:"ledger_url"`
	// AllowNetworkLedger opens an SQLite ledger on a network folder.
	AllowNetworkLedger bool `yaml:"allow_network_ledger"`
	// The list of the customers TMS already has (TMS's own export),
	// reloaded into the ledger before each run when the file changed.
	ExistingCustomers string `yaml:"existing_customers"`
	// UpdateExisting sends rows without a code that have an existing
	// customer's 統編 as updates of it.
	UpdateExisting bool `yaml:"update_existing"`
	// ExistingMaxAge: an older list gets a warning.
	ExistingMaxAge days `yaml:"existing_max_age"`
	// ResultsFormat is the default results file's format: xlsx or csv.
	ResultsFormat string `yaml:"results_format"`
	// MaxInvalid is the budget of INVALID rows of an import ("" off):
	// "25" rows or "10%" of them (importer.ParseBudget).
	MaxInvalid string `yaml:"max_invalid"`
	// Notify is where a run's message goes (notify: in the config).
	Notify notify.Config `yaml:"notify"`

	// keyFileFlag: --key-file was given on the command line, so it wins
	// over TMS_API_KEY; a key_file from the config file does not.
	keyFileFlag bool
	// trace records the run's requests (--trace-http); nil: none.
	trace *tms.Tracer
}

func defaultSettings() settings {
	return settings{
		SignRecipe:   tms.DefaultRecipe.String(),
		Workers:      4,
		Rate:         10,
		Timeout:      30 * time.Second,
		MaxAttempts:  5,
		MaxRetryWait: tms.DefaultMaxRetryWait,
		StopAfter:    20,
		Lang:         "", // from the locale (localeLang) unless a flag or the config says
		LengthUnit:   "char",
		Mode:         "upsert",
		LogFormat:    "text",
		MaxInputMB:   source.DefaultMaxBytes >> 20,
		// What the importer defaults to, shown by config check.
		ExistingMaxAge: days(importer.DefaultExistingMaxAge),
		ResultsFormat:  importer.FormatXLSX,
	}
}

// days is a duration written in days ("30d", or "30") or as a Go
// duration ("720h"), in the config file and on the command line.
type days time.Duration

func (d *days) Set(s string) error {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok || isNumber(s) {
		v, err := strconv.ParseFloat(n, 64)
		if err != nil || v <= 0 {
			return fmt.Errorf("%q: want a number of days such as 30d", s)
		}
		*d = days(time.Duration(v * float64(24*time.Hour)))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q: want a number of days such as 30d", s)
	}
	*d = days(v)
	return nil
}

func (d days) String() string {
	if v := time.Duration(d); v%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	}
	return time.Duration(d).String()
}

func (d *days) UnmarshalYAML(n *yaml.Node) error { return d.Set(n.Value) }

func (d days) MarshalYAML() (any, error) { return d.String(), nil }

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// flagNames maps each setting to its flag; the same names are the config
// file's keys with dashes for underscores.
func (s *settings) register(fs *flag.FlagSet, send bool) {
	fs.StringVar(&s.Mapping, "mapping", s.Mapping, "mapping `FILE.yaml`: explicit columns, defaults, date_formats")
	fs.StringVar(&s.Out, "out", s.Out, "results `PATH` (.xlsx or .csv; default <input>.results.xlsx/.csv)")
	fs.StringVar(&s.Lang, "lang", s.Lang, "message language: zh (Traditional Chinese) or en (default: from the locale: zh for zh_TW/zh_HK, else en)")
	fs.StringVar(&s.LengthUnit, "length-unit", s.LengthUnit, "count S(n) lengths in char (characters) or big5 (Big5 bytes)")
	fs.StringVar(&s.Mode, "mode", s.Mode, "upsert (EditItem 2 for rows with a code), create (EditItem 0) or update (EditItem 1)")
	fs.StringVar(&s.Encoding, "encoding", s.Encoding, "CSV encoding: utf-8 or big5 (default: detected)")
	fs.StringVar(&s.Delimiter, "delimiter", s.Delimiter, "CSV delimiter: , ; or tab (default: detected)")
	fs.StringVar(&s.Sheet, "sheet", s.Sheet, "XLSX sheet `NAME`; several: 北區,南區, or all for every sheet holding a customer list (default: the one list sheet)")
	fs.Int64Var(&s.MaxInputMB, "max-input-mb", s.MaxInputMB, "refuse a CSV, or an XLSX that unpacks to, more than `MB` megabytes")
	fs.StringVar(&s.LogFormat, "log-format", s.LogFormat, "log format: text or json")
	fs.BoolVar(&s.Quiet, "quiet", s.Quiet, "log warnings and errors only")
	fs.StringVar(&s.SummaryJSON, "summary-json", s.SummaryJSON, "write the run's summary as JSON to `PATH`")
	fs.StringVar(&s.ResultsDir, "results-dir", s.ResultsDir, "folder for results files (default: beside the input)")
	fs.BoolVar(&s.SkipHidden, "skip-hidden", s.SkipHidden, "leave out the rows hidden in Excel (by hand or by a filter); by default they are imported, with a warning")
	fs.StringVar(&s.StateDir, "state-dir", s.StateDir, "folder of the ledgers (env CUSTIMPORT_STATE_DIR; default: the user's local state folder)")
	fs.StringVar(&s.LedgerURL, "ledger-url", s.LedgerURL, "a shared ledger on PostgreSQL, for several PCs importing into one TMS: postgres://user@host/db (env CUSTIMPORT_LEDGER_URL; the password from a passfile, PGPASSFILE or PGPASSWORD)")
	fs.BoolVar(&s.AllowNetworkLedger, "allow-network-ledger", s.AllowNetworkLedger, "keep the ledger file in a folder on a network share although its locking is unreliable there (better: --ledger-url)")
	fs.StringVar(&s.ExistingCustomers, "existing-customers", s.ExistingCustomers, "the list of the customers TMS already has (TMS's customer export, `FILE` .xlsx/.csv): loaded into the ledger before each run when it changed")
	fs.BoolVar(&s.UpdateExisting, "update-existing", s.UpdateExisting, "send rows without a code that have the 統編 of an existing customer as updates of that customer (default: INVALID, EXISTS)")
	fs.Var(&s.ExistingMaxAge, "existing-max-age", "warn when the list of existing customers is older than this (`DAYS`, e.g. 30d)")
	fs.StringVar(&s.ResultsFormat, "results-format", s.ResultsFormat, "format of the default results file: xlsx (keeps leading zeros through Excel) or csv")
	if !send {
		return
	}
	fs.StringVar(&s.URL, "url", s.URL, "TMS API base `URL` (env TMS_URL); requests go to URL/Cust/Add")
	fs.StringVar(&s.PNO, "pno", s.PNO, "api-pno header (env TMS_PNO)")
	fs.StringVar(&s.ProNum, "pronum", s.ProNum, "ProNum in the body (env TMS_PRONUM; default: the pno)")
	fs.StringVar(&s.SignRecipe, "sign-recipe", s.SignRecipe, "api-ClientSign recipe: sha512[:TEMPLATE] or hmac-sha512[:TEMPLATE] over {pno} {timestamp} {key} {body} (env TMS_SIGN_RECIPE)")
	fs.StringVar(&s.KeyFile, "key-file", s.KeyFile, "read the API key from `FILE` (mode 600); default: env TMS_API_KEY")
	fs.IntVar(&s.Workers, "workers", s.Workers, "concurrent requests")
	fs.Float64Var(&s.Rate, "rate", s.Rate, "at most this many requests per second")
	fs.DurationVar(&s.Timeout, "timeout", s.Timeout, "timeout of one request")
	fs.IntVar(&s.MaxAttempts, "max-attempts", s.MaxAttempts, "attempts per row for retryable failures")
	fs.DurationVar(&s.MaxRetryWait, "max-retry-wait", s.MaxRetryWait, "honour a server's Retry-After up to this long; a longer one waits this and counts as a failed attempt")
	fs.IntVar(&s.StopAfter, "stop-after", s.StopAfter, "stop sending after `N` rows in a row got no answer from TMS (0: never)")
	fs.BoolVar(&s.AllowHTTP, "allow-http", s.AllowHTTP, "allow plain http:// to a host that is not loopback (the key's signatures travel in clear)")
	fs.BoolVar(&s.NewLedger, "new-ledger", s.NewLedger, "start a new ledger: for this TMS URL although the same pno has one under another URL (it is another TMS), or where this TMS's ledger is missing or empty (customers imported before may be created again)")
	fs.DurationVar(&s.Wait, "wait", s.Wait, "when another run uses the same TMS's ledger, wait this long for it (default 0: exit 2 at once)")
	fs.BoolVar(&s.Insecure, "insecure-skip-verify", s.Insecure, "do not verify the TLS certificate (test servers only)")
	fs.StringVar(&s.MaxInvalid, "max-invalid", s.MaxInvalid, "send nothing (exit 2) when more than `N` rows, or N% of them, are INVALID: a file that is mostly invalid is usually the wrong file (default: off)")
}

// loadConfig reads a config file into s. The key never goes in it.
func loadConfig(path string, s *settings) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var probe map[string]any
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	for _, k := range []string{"key", "api_key", "tms_api_key"} {
		if _, ok := probe[k]; ok {
			return fmt.Errorf("config %s: %q is not allowed: the key goes in the environment (TMS_API_KEY) or a --key-file, never in a config file", path, k)
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %w", path, err)
	}
	relativeTo(filepath.Dir(path), s.configPaths()...)
	if s.LedgerURL != "" && ledger.URLHasPassword(s.LedgerURL) {
		return fmt.Errorf("config %s: %w", path, errLedgerPassword)
	}
	return nil
}

// errLedgerPassword refuses a config file whose ledger_url carries a
// password.
var errLedgerPassword = errors.New("ledger_url must not carry a password: a config file is read by whoever can read the folder; " +
	"put the password in a passfile (passfile=FILE in the URL, or PGPASSFILE) or in PGPASSWORD")

// configPaths are the settings that name files or folders. In a config
// file they are relative to the file's own folder, so a nightly job
// started from any folder reads the same files; on the command line and
// in the environment they are relative to the current folder, as a
// shell user expects.
func (s *settings) configPaths() []*string {
	return []*string{&s.KeyFile, &s.Mapping, &s.Out, &s.ResultsDir, &s.SummaryJSON, &s.StateDir, &s.ExistingCustomers}
}

// relativeTo joins each relative, non-empty path onto dir.
func relativeTo(dir string, paths ...*string) {
	for _, p := range paths {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// resolve applies config, environment and flags in that order of
// increasing precedence. fs has been parsed; cfgPath may be "".
func resolveSettings(fs *flag.FlagSet, cfgPath string, getenv func(string) string) (settings, error) {
	eff := defaultSettings()
	if cfgPath != "" {
		if err := loadConfig(cfgPath, &eff); err != nil {
			return eff, err
		}
	}
	env := map[string]*string{"TMS_URL": &eff.URL, "TMS_PNO": &eff.PNO, "TMS_PRONUM": &eff.ProNum, "TMS_SIGN_RECIPE": &eff.SignRecipe,
		"CUSTIMPORT_STATE_DIR": &eff.StateDir, "CUSTIMPORT_LEDGER_URL": &eff.LedgerURL}
	for name, dst := range env {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	eff.keyFileFlag = flagsSet(fs)["key-file"]
	// Flags given on the command line win: replay them onto eff.
	bound := flag.NewFlagSet("", flag.ContinueOnError)
	eff.register(bound, true)
	var err error
	fs.Visit(func(f *flag.Flag) {
		if bound.Lookup(f.Name) != nil && err == nil {
			err = bound.Set(f.Name, f.Value.String())
		}
	})
	if err != nil {
		return eff, err
	}
	if eff.Lang == "" {
		eff.Lang = localeLang(getenv)
	}
	if eff.Workers < 1 || eff.Workers > 64 {
		return eff, fmt.Errorf("--workers %d: want 1 to 64", eff.Workers)
	}
	if eff.Rate <= 0 {
		return eff, fmt.Errorf("--rate %v: want more than 0", eff.Rate)
	}
	if eff.MaxAttempts < 1 {
		return eff, fmt.Errorf("--max-attempts %d: want at least 1", eff.MaxAttempts)
	}
	if eff.MaxInputMB < 1 {
		return eff, fmt.Errorf("--max-input-mb %d: want more than 0", eff.MaxInputMB)
	}
	if eff.StopAfter < 0 {
		return eff, fmt.Errorf("--stop-after %d: want 0 (never) or more", eff.StopAfter)
	}
	if eff.LedgerURL != "" && !ledger.IsURL(eff.LedgerURL) {
		return eff, fmt.Errorf("--ledger-url (ledger_url) %q: want a postgres:// URL", eff.LedgerURL)
	}
	if eff.Wait < 0 {
		return eff, fmt.Errorf("--wait %v: want 0 or more", eff.Wait)
	}
	if eff.MaxRetryWait <= 0 {
		return eff, fmt.Errorf("--max-retry-wait %v: want more than 0", eff.MaxRetryWait)
	}
	if eff.Timeout <= 0 {
		return eff, fmt.Errorf("--timeout %v: want more than 0", eff.Timeout)
	}
	switch f := strings.ToLower(strings.TrimSpace(eff.ResultsFormat)); f {
	case "", importer.FormatXLSX, importer.FormatCSV:
		eff.ResultsFormat = f
	default:
		return eff, fmt.Errorf("results_format %q: want xlsx or csv", eff.ResultsFormat)
	}
	if eff.ExistingMaxAge <= 0 {
		return eff, fmt.Errorf("existing_max_age %v: want more than 0 days", eff.ExistingMaxAge)
	}
	if _, err := importer.ParseBudget(eff.MaxInvalid); err != nil {
		return eff, fmt.Errorf("--max-invalid (max_invalid): %w", err)
	}
	if err := eff.Notify.Check(); err != nil {
		return eff, fmt.Errorf("config %s: %w", cfgPath, err)
	}
	return eff, nil
}

func (s settings) delimiter() (rune, error) {
	switch strings.ToLower(s.Delimiter) {
	case "":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	return 0, fmt.Errorf("--delimiter %q: want , ; or tab", s.Delimiter)
}

// readKey returns the API key: from --key-file, else TMS_API_KEY, else
// the config file's key_file (the same order as every other setting).
func readKey(s settings, getenv func(string) string) (string, error) {
	return connect.ReadKey(s.KeyFile, s.keyFileFlag, getenv)
}

// connection is the settings' part that reaches TMS, without the key.
func (s settings) connection(io IO, log *slog.Logger) connect.Settings {
	c := connect.Settings{
		URL: s.URL, PNO: s.PNO, ProNum: s.ProNum, SignRecipe: s.SignRecipe,
		Workers: s.Workers, Rate: s.Rate, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts, MaxRetryWait: s.MaxRetryWait, StopAfter: s.StopAfter,
		AllowHTTP: s.AllowHTTP, Insecure: s.Insecure, StateDir: s.StateDir, Wait: s.Wait, NewLedger: s.NewLedger, Logger: log,
		LedgerURL: s.LedgerURL, AllowNetworkLedger: s.AllowNetworkLedger,
		Trace: s.trace,
	}
	if io.HTTPClient != nil {
		c.HTTPClient = io.HTTPClient()
	}
	return c
}

func (s settings) defaults() map[string]string {
	if len(s.Defaults) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range s.Defaults {
		switch x := v.(type) {
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			out[k] = strings.TrimSpace(fmt.Sprint(v))
		}
	}
	return out
}

// effectiveYAML prints settings in the config file's own keys, so the
// output of `config check` is itself a valid config file.
func effectiveYAML(s settings) string {
	// The webhook's address holds its secret: show its host only.
	if s.Notify.URL != "" {
		s.Notify.URL = notify.Redact(s.Notify.URL)
	}
	var node yaml.Node
	if err := node.Encode(s); err != nil {
		return err.Error() + "\n"
	}
	// time.Duration encodes as nanoseconds: show it as the config takes it.
	for i := 0; i+1 < len(node.Content); i += 2 {
		switch node.Content[i].Value {
		case "timeout":
			node.Content[i+1].Value = s.Timeout.String()
			node.Content[i+1].Tag = "!!str"
		case "max_retry_wait":
			node.Content[i+1].Value = s.MaxRetryWait.String()
			node.Content[i+1].Tag = "!!str"
		}
	}
	out, err := yaml.Marshal(&node)
	if err != nil {
		return err.Error() + "\n"
	}
	return string(out)
}
