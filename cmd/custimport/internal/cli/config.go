package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/existing"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/mapping"
)

const configAbout = `Check a config file and print the effective settings (config < environment < flags), key redacted.
With --online, test the settings against TMS instead: one signed read-only
request (POST /Product/QueryList for a product that cannot exist), then a
verdict naming the setting to check. Exit 0 only when TMS accepted the
signature; nothing is ever sent to /Cust/Add.`

// configOptions are what `config check` runs with.
type configOptions struct {
	config  string // the config file ("" none: --online with the environment)
	online  bool   // --online (or --find-recipe)
	find    bool   // --find-recipe
	trace   string // --trace-http FILE
	verbose bool
	// settings are the effective settings, job their importer options
	// for a stand-in input (set after the flags).
	settings settings.Settings
	job      importer.Options
}

func runConfig(ctx context.Context, io IO, args []string) int {
	return configCmd(io, runConfigOptions)(ctx, args)
}

// configCmd returns `config check` as three steps: its flags
// (configFlags), the settings they resolve to with the same validation
// as import's (loadSettings, then the job's options for a stand-in
// input), and runF.
func configCmd(io IO, runF func(context.Context, IO, *configOptions) int) func(context.Context, []string) int {
	return func(ctx context.Context, args []string) int {
		o, fs, code, ok := configFlags(io, args)
		if !ok {
			return code
		}
		var err error
		if o.settings, err = loadSettings(fs, o.config, io.Getenv); err != nil {
			return settingsFail(io, fs, "", err)
		}
		if o.job, err = o.settings.Job("input.xlsx"); err != nil {
			return settingsFail(io, fs, o.settings.Lang, err)
		}
		return runF(ctx, io, o)
	}
}

// configFlags parses config check's command line; ok false ends the
// command with code (--help, a usage error).
func configFlags(io IO, args []string) (o *configOptions, fs *flag.FlagSet, code int, ok bool) {
	fs = newFlags(io, "config check", "FILE.yaml (optional with --online)")
	o = &configOptions{}
	flagged := settings.Default()
	settings.Register(fs, &flagged, true)
	fs.BoolVar(&o.online, "online", false, "test the settings against TMS with one signed read-only request (nothing is created)")
	fs.BoolVar(&o.find, "find-recipe", false, "with --online: when TMS refuses the signature, try the known signing recipes one request at a time and print the one it accepts")
	fs.StringVar(&o.trace, "trace-http", "", "with --online: write every request and answer to `FILE` (JSON lines, mode 600; key and signature redacted)")
	fs.BoolVar(&o.verbose, "verbose", false, "with --online: log the requests and the errors underneath")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return nil, nil, code, false
	}
	o.online = o.online || o.find
	if len(pos) == 0 || pos[0] != "check" || len(pos) > 2 || (len(pos) == 1 && !o.online) {
		fs.Usage()
		return nil, nil, fail(io, "usage: custimport config check FILE.yaml, or custimport config check [FILE.yaml] --online [--find-recipe]"), false
	}
	if o.trace != "" && !o.online {
		return nil, nil, fail(io, "config check: --trace-http traces the requests of --online"), false
	}
	if len(pos) == 2 {
		o.config = pos[1]
	}
	return o, fs, 0, true
}

// runConfigOptions is config check: the online test, or the offline one.
func runConfigOptions(ctx context.Context, io IO, o *configOptions) int {
	if o.online {
		return onlineCheck(ctx, io, o.settings, o.find, o.trace, o.verbose)
	}
	return offlineCheck(io, o.settings, o.job.Mapping)
}

// offlineCheck validates what the import that sends validates besides
// the job's options: the connection, the key, the list of existing
// customers; and prints the effective settings. What passes here, sends.
func offlineCheck(io IO, s settings.Settings, m *mapping.File) int {
	if err := connection(s, io, nil, nil).Check(); err != nil {
		return fail(io, "%v", err)
	}
	_, keyErr := readKey(s, io.Getenv)
	keyState := "[redacted]"
	if keyErr != nil {
		keyState = "MISSING: " + keyErr.Error()
	}
	keyFrom := "TMS_API_KEY (environment)"
	if s.KeyFromFile(io.Getenv) {
		keyFrom = "key file " + s.KeyFile
	}
	if s.ProNum == "" {
		s.ProNum = s.PNO // what is sent
	}
	fmt.Fprintf(io.Out, "# effective settings (defaults < config < environment < flags)\n%s# key: %s from %s\n",
		effectiveYAML(s), keyState, keyFrom)
	if s.ExistingCustomers != "" {
		if code, ok := checkExisting(io, s, m); !ok {
			return code
		}
	}
	if keyErr != nil {
		return fail(io, "%v", keyErr)
	}
	return ExitOK
}

// checkExisting reads the list of existing customers a run would load,
// and says what it holds.
func checkExisting(io IO, s settings.Settings, m *mapping.File) (int, bool) {
	rep, err := existing.Read(s.ExistingCustomers, existing.Options{Source: source.Options{MaxBytes: s.MaxInputBytes()}, Mapping: m})
	if err != nil {
		return failErr(io, s.Lang, &settingError{"existing_customers", s.ExistingCustomers, err}), false
	}
	fmt.Fprintf(io.Out, "# existing customers: %d (%d with 統編), as of %s\n", len(rep.List.Customers), rep.WithTaxID,
		rep.List.Info.AsOf.Local().Format("2006-01-02"))
	return 0, true
}
