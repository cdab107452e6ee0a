// Package settings owns custimport's one settings model: every setting a
// command reads (the keys table), its default (Default, the only place
// defaults are written), how flags, the environment and a config file
// combine into one Settings (Load), the one validation every command runs
// (Check, Connection.Check, Job), and the one function that turns the
// settings into the importer's options for an input (Job).
//
// Precedence, from lowest to highest:
//
//	defaults < config file < environment < flags
//
// A path in a config file (key_file, mapping, out, results_dir,
// summary_json, state_dir, existing_customers) is relative to the config
// file's folder; on the command line and in the environment, to the
// current folder. The API key is never a setting here: it is read from
// --key-file, else TMS_API_KEY, else the config's key_file
// (Connection.ReadKey), and a config file that holds one is refused.
//
// It knows nothing of commands, terminals or how a run is reported; the
// CLI registers the flags it wants (Register) and the page starts from
// the same Settings. Its messages have codes and zh/en texts (messages.go).
package settings

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/cmd/custimport/internal/notify"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/validate"
)

// Settings are the effective options of a command: Default, overridden
// by the config file, the environment and the flags (Load). Each field is
// one key of the config file (its yaml tag), documented with its flag
// and environment variable in the keys table.
type Settings struct {
	// Connection is how to reach TMS and how hard to push it, and where
	// its ledger is: what the sender and the ledger are built from
	// (connect.Settings is a view of it with the key and the run's parts).
	Connection `yaml:",inline"`

	Mapping    string `yaml:"mapping"`
	Out        string `yaml:"out"`
	ResultsDir string `yaml:"results_dir"`
	// Lang is the messages' language: zh or en; Load fills it from the
	// locale when no flag or config says.
	Lang       string         `yaml:"lang"`
	LengthUnit string         `yaml:"length_unit"`
	Mode       string         `yaml:"mode"`
	Encoding   string         `yaml:"encoding"`
	Delimiter  string         `yaml:"delimiter"`
	Sheet      string         `yaml:"sheet"`
	MaxInputMB int64          `yaml:"max_input_mb"`
	LogFormat  string         `yaml:"log_format"`
	Quiet      bool           `yaml:"quiet"`
	Defaults   map[string]any `yaml:"defaults"`
	// SummaryJSON is where a run's summary goes as JSON ("" nowhere).
	SummaryJSON string `yaml:"summary_json"`
	SkipHidden  bool   `yaml:"skip_hidden"`
	// ExistingCustomers is the list of the customers TMS already has
	// (TMS's own export), reloaded into the ledger before each run when
	// the file changed.
	ExistingCustomers string `yaml:"existing_customers"`
	// UpdateExisting sends rows without a code that have an existing
	// customer's 統編 as updates of it.
	UpdateExisting bool `yaml:"update_existing"`
	// ExistingMaxAge: an older list gets a warning.
	ExistingMaxAge Days `yaml:"existing_max_age"`
	// ResultsFormat is the default results file's format: xlsx or csv.
	ResultsFormat string `yaml:"results_format"`
	// MaxInvalid is the budget of INVALID rows of an import ("" off):
	// "25" rows or "10%" of them (importer.ParseBudget).
	MaxInvalid string `yaml:"max_invalid"`
	// Notify is where a run's message goes (notify: in the config).
	Notify notify.Config `yaml:"notify"`
}

// Connection is the settings' part that reaches one TMS.
type Connection struct {
	URL        string `yaml:"url"`         // the API's base URL; requests go to URL/Cust/Add
	PNO        string `yaml:"pno"`         // the api-pno header
	ProNum     string `yaml:"pronum"`      // the body's ProNum ("" means the PNO)
	SignRecipe string `yaml:"sign_recipe"` // api-ClientSign recipe
	KeyFile    string `yaml:"key_file"`    // the API key's file (mode 600); the key itself is never a setting
	// KeyFileFromFlag: --key-file was given on the command line, so it
	// wins over TMS_API_KEY; a key_file from the config file does not.
	KeyFileFromFlag bool `yaml:"-"`

	Workers      int           `yaml:"workers"`        // concurrent requests
	Rate         float64       `yaml:"rate"`           // requests per second at most
	Timeout      time.Duration `yaml:"timeout"`        // one request
	MaxAttempts  int           `yaml:"max_attempts"`   // per row, for retryable failures
	MaxRetryWait time.Duration `yaml:"max_retry_wait"` // the longest Retry-After honoured
	// StopAfter stops sending after this many rows in a row got no
	// answer; 0 never stops (here and everywhere: Job maps it).
	StopAfter int  `yaml:"stop_after"`
	AllowHTTP bool `yaml:"allow_http"`           // plain http:// to a host that is not loopback
	Insecure  bool `yaml:"insecure_skip_verify"` // skip TLS verification (test servers only)

	StateDir string        `yaml:"state_dir"` // the ledgers' folder ("" the user's default)
	Wait     time.Duration `yaml:"wait"`      // how long to wait for another run's lock on the tenant
	// NewLedger allows starting a ledger for a TMS whose company (PNO and
	// ProNum) already has one under another URL (it is another TMS), and
	// starting over where the TMS's ledger is lost.
	NewLedger bool `yaml:"new_ledger"`
	// LedgerURL is a shared ledger on PostgreSQL (postgres://…, no
	// password in a config file) that several PCs import through; "" is
	// the SQLite file in StateDir.
	LedgerURL string `yaml:"ledger_url"`
	// AllowNetworkLedger opens an SQLite ledger in a folder on a network
	// share, which is otherwise refused.
	AllowNetworkLedger bool `yaml:"allow_network_ledger"`
}

// DefaultRate is the send rate (requests per second) when none is set.
const DefaultRate = 10

// Default returns the settings before any flag, environment or config
// file: the only place custimport's defaults are written (the library's
// own fallbacks are named here, not repeated).
func Default() Settings {
	return Settings{
		Connection: Connection{
			SignRecipe:   tms.DefaultRecipe.String(),
			Workers:      importer.DefaultWorkers,
			Rate:         DefaultRate,
			Timeout:      tms.DefaultTimeout,
			MaxAttempts:  tms.DefaultMaxAttempts,
			MaxRetryWait: tms.DefaultMaxRetryWait,
			StopAfter:    importer.DefaultMaxConsecutiveFailures,
		},
		Lang:           "", // from the locale (Sources.Locale) unless a flag or the config says
		LengthUnit:     validate.UnitChar,
		Mode:           validate.ModeUpsert,
		LogFormat:      "text",
		MaxInputMB:     source.DefaultMaxBytes >> 20,
		ExistingMaxAge: Days(importer.DefaultExistingMaxAge),
		ResultsFormat:  importer.FormatXLSX,
	}
}

// MaxInputBytes is max_input_mb in bytes.
func (s Settings) MaxInputBytes() int64 { return s.MaxInputMB << 20 }

// AllSheets is the sheet setting that names every list sheet of a workbook.
const AllSheets = "all"

// SeveralSheets reports whether a sheet setting names more than one
// sheet ("北區,南區" or "all").
func SeveralSheets(sheet string) bool {
	return strings.EqualFold(strings.TrimSpace(sheet), AllSheets) || strings.Contains(sheet, ",")
}

// Days is a duration written in days ("30d", or "30") or as a Go
// duration ("720h"), in the config file and on the command line.
type Days time.Duration

// Set parses a number of days (a flag.Value).
func (d *Days) Set(s string) error {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok || isNumber(s) {
		v, err := strconv.ParseFloat(n, 64)
		if err != nil || v <= 0 {
			return fmt.Errorf("%q: want a number of days such as 30d", s)
		}
		*d = Days(time.Duration(v * float64(24*time.Hour)))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q: want a number of days such as 30d", s)
	}
	*d = Days(v)
	return nil
}

func (d Days) String() string {
	if v := time.Duration(d); v%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	}
	return time.Duration(d).String()
}

// UnmarshalYAML reads days from the config file.
func (d *Days) UnmarshalYAML(n *yaml.Node) error { return d.Set(n.Value) }

// MarshalYAML writes days as the config file takes them.
func (d Days) MarshalYAML() (any, error) { return d.String(), nil }

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
