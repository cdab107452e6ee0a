package settings

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms"
)

// Check validates the settings every command refuses alone: limits,
// formats, the notification. What needs a file read (the mapping, the
// results folder) is Job's; what reaches TMS is Connection.Check's.
// Load runs it; so do `config check`, import, check, folder mode and the
// page, through Load.
func (s Settings) Check() error {
	if err := s.Connection.checkLimits(); err != nil {
		return err
	}
	if s.LedgerURL != "" && !ledger.IsURL(s.LedgerURL) {
		return newErr(MsgLedgerURL, s.LedgerURL)
	}
	switch {
	case s.MaxInputMB < 1:
		return newErr(MsgMaxInputMB, s.MaxInputMB)
	case s.ExistingMaxAge <= 0:
		return newErr(MsgExistingMaxAge, s.ExistingMaxAge)
	}
	switch strings.ToLower(strings.TrimSpace(s.ResultsFormat)) {
	case "", importer.FormatXLSX, importer.FormatCSV:
	default:
		return newErr(MsgResultsFormat, s.ResultsFormat)
	}
	switch strings.ToLower(s.LogFormat) {
	case "", "text", "json":
	default:
		return newErr(MsgLogFormat, s.LogFormat)
	}
	if _, err := importer.ParseBudget(s.MaxInvalid); err != nil {
		return newErr(MsgMaxInvalid, err)
	}
	if _, err := s.delimiter(); err != nil {
		return err
	}
	if err := s.Notify.Check(); err != nil {
		return newErr(MsgNotify, err)
	}
	return nil
}

// errNotify matches Check's error about the notify: section.
var errNotify = &Error{Code: MsgNotify}

// checkLimits validates how hard the connection pushes TMS.
func (c Connection) checkLimits() error {
	switch {
	case c.Workers < 1 || c.Workers > 64:
		return newErr(MsgWorkers, c.Workers)
	case c.Rate <= 0:
		return newErr(MsgRate, c.Rate)
	case c.MaxAttempts < 1:
		return newErr(MsgMaxAttempts, c.MaxAttempts)
	case c.StopAfter < 0:
		return newErr(MsgStopAfter, c.StopAfter)
	case c.Wait < 0:
		return newErr(MsgWait, c.Wait)
	case c.MaxRetryWait <= 0:
		return newErr(MsgMaxRetryWait, c.MaxRetryWait)
	case c.Timeout <= 0:
		return newErr(MsgTimeout, c.Timeout)
	}
	return nil
}

// Check validates the connection as the run that sends would, without
// the key: one validation for `config check`, the page's form and the
// import.
func (c Connection) Check() error {
	switch {
	case c.URL == "":
		return newErr(MsgNoURL)
	case c.PNO == "":
		return newErr(MsgNoPNO)
	}
	if err := c.checkLimits(); err != nil {
		return err
	}
	cfg, err := c.TMSConfig("stand-in key: checking the rest")
	if err != nil {
		return err
	}
	_, err = NewClient(cfg)
	return err
}

// NewClient builds a TMS client, saying how to send over plain http
// anyway when the URL is refused for it.
func NewClient(cfg tms.Config) (*tms.Client, error) {
	c, err := tms.New(cfg)
	var ce *tms.ConfigError
	if errors.As(err, &ce) && errors.Is(err, tms.ErrInsecureURL) {
		return nil, &Error{Code: MsgAllowHTTP, Args: []any{ce.Value}, Err: err}
	}
	return c, err
}

// TMSConfig is the TMS client's configuration of the connection and key
// (the caller adds its HTTP client, logger and tracer).
func (c Connection) TMSConfig(key string) (tms.Config, error) {
	recipe, err := tms.ParseRecipe(c.SignRecipe)
	if err != nil {
		return tms.Config{}, err
	}
	return tms.Config{
		BaseURL: c.URL, PNO: c.PNO, ProNum: c.ProNum, Key: key, Recipe: recipe,
		Timeout: c.Timeout, AllowHTTP: c.AllowHTTP, InsecureSkipVerify: c.Insecure,
	}, nil
}

// ReadKey returns the API key: from key_file when --key-file named it or
// the environment has none, else TMS_API_KEY. A key file others can read
// is refused.
func (c Connection) ReadKey(getenv func(string) string) (string, error) {
	if c.KeyFromFile(getenv) {
		return readKeyFile(c.KeyFile)
	}
	if env := strings.TrimSpace(getenv(KeyEnv)); env != "" {
		return env, nil
	}
	return "", newErr(MsgNoKey)
}

// KeyEnv is the environment variable that holds the API key.
const KeyEnv = "TMS_API_KEY"

// KeyFromFile reports whether the key is read from KeyFile: --key-file
// named it, or the environment has no key.
func (c Connection) KeyFromFile(getenv func(string) string) bool {
	return c.KeyFile != "" && (c.KeyFileFromFlag || strings.TrimSpace(getenv(KeyEnv)) == "")
}

func readKeyFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", newErr(MsgKeyFile, err)
	}
	// Windows has no such mode bits (files show as 0666): ACLs guard them.
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return "", newErr(MsgKeyFileMode, path, st.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", newErr(MsgKeyFile, err)
	}
	key := strings.TrimSpace(string(data))
	if key == "" {
		return "", newErr(MsgKeyFileEmpty, path)
	}
	return key, nil
}

// delimiter is the CSV delimiter setting as a rune (0: detected).
func (s Settings) delimiter() (rune, error) {
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
	return 0, newErr(MsgDelimiter, s.Delimiter)
}

// isFolder reports why path is not an existing folder.
func isFolder(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newErr(MsgNoFolder, path)
	} else if err != nil {
		return err
	}
	if !fi.IsDir() {
		return newErr(MsgNotFolder, path)
	}
	return nil
}
