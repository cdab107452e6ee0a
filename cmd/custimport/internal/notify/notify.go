// Package notify owns the message custimport sends when a run ends: to a
// webhook (a generic JSON body, or the formats of Microsoft Teams, Slack
// and Google Chat) and/or by e-mail over SMTP. It decides whether a run
// is worth a message (On), writes the message in the run's language from
// a Report (pure functions: Subject, Text, Body), and sends it at the
// edge (Sender). A message that cannot be sent is an error for the
// caller to log: it never changes the run.
//
// It knows nothing of flags, config files or the importer: the caller
// fills a Config and a Report.
package notify

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// When to send: on failure (the default) or after every run.
const (
	OnFailure = "failure"
	OnAlways  = "always"
)

// Webhook body formats.
const (
	FormatGeneric    = "generic"
	FormatTeams      = "teams"
	FormatSlack      = "slack"
	FormatGoogleChat = "googlechat"
)

// SMTP security.
const (
	TLSStartTLS = "starttls" // STARTTLS on the submission port (587), required
	TLSImplicit = "tls"      // TLS from the first byte (465)
	TLSNone     = "none"     // plain text (a relay on the local network)
)

// PasswordEnv is the environment variable that holds the SMTP password
// when no password_file is given.
const PasswordEnv = "CUSTIMPORT_SMTP_PASSWORD"

// Config is the notify: section of the config file.
type Config struct {
	On     string `yaml:"on,omitempty"`     // failure (default) or always
	URL    string `yaml:"url,omitempty"`    // the webhook
	Format string `yaml:"format,omitempty"` // generic (default), teams, slack, googlechat
	SMTP   *SMTP  `yaml:"smtp,omitempty"`
}

// SMTP is where and how mail is sent. The password is never in the
// config: it is read from PasswordFile, else the environment.
type SMTP struct {
	Host         string    `yaml:"host,omitempty"`
	Port         int       `yaml:"port,omitempty"` // default: 587, 465 with tls, 25 with none
	TLS          string    `yaml:"tls,omitempty"`  // starttls (default), tls, none
	From         string    `yaml:"from,omitempty"`
	To           Addresses `yaml:"to,omitempty"`
	User         string    `yaml:"user,omitempty"`
	PasswordFile string    `yaml:"password_file,omitempty"`
	// Password is refused in a config file: it is here only so that the
	// file's author is told why, instead of "unknown field".
	Password string `yaml:"password,omitempty"`
}

// Addresses is one address or a list of them.
type Addresses []string

// UnmarshalYAML takes a string or a list of strings.
func (a *Addresses) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*a = splitAddresses(one)
		return nil
	}
	var list []string
	if err := unmarshal(&list); err != nil {
		return errors.New("notify.smtp.to: want an address or a list of addresses")
	}
	var out Addresses
	for _, s := range list {
		out = append(out, splitAddresses(s)...)
	}
	*a = out
	return nil
}

// splitAddresses splits "a@x, b@y" into its addresses.
func splitAddresses(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Enabled reports whether any channel is configured.
func (c Config) Enabled() bool { return c.URL != "" || c.SMTP != nil }

// Check reports what is wrong with the config, naming the setting.
func (c Config) Check() error {
	var errs []error
	switch c.On {
	case "", OnFailure, OnAlways:
	default:
		errs = append(errs, fmt.Errorf("notify.on %q: want failure or always", c.On))
	}
	switch c.Format {
	case "", FormatGeneric, FormatTeams, FormatSlack, FormatGoogleChat:
	default:
		errs = append(errs, fmt.Errorf("notify.format %q: want generic, teams, slack or googlechat", c.Format))
	}
	if c.Format != "" && c.URL == "" {
		errs = append(errs, errors.New("notify.format is set but notify.url is not"))
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("notify.url %s: want an http:// or https:// address", Redact(c.URL)))
		}
	}
	if c.SMTP != nil {
		errs = append(errs, c.SMTP.check()...)
	}
	return errors.Join(errs...)
}

func (s *SMTP) check() []error {
	var errs []error
	if s.Password != "" {
		errs = append(errs, fmt.Errorf("notify.smtp.password is not allowed: the password goes in a file (notify.smtp.password_file, mode 600) or the environment (%s), never in a config file", PasswordEnv))
	}
	if strings.TrimSpace(s.Host) == "" {
		errs = append(errs, errors.New("notify.smtp.host is missing"))
	}
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("notify.smtp.port %d: want 1 to 65535", s.Port))
	}
	switch s.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		errs = append(errs, fmt.Errorf("notify.smtp.tls %q: want starttls, tls or none", s.TLS))
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		errs = append(errs, fmt.Errorf("notify.smtp.from %q: not an e-mail address", s.From))
	}
	if len(s.To) == 0 {
		errs = append(errs, errors.New("notify.smtp.to is missing"))
	}
	for _, to := range s.To {
		if _, err := mail.ParseAddress(to); err != nil {
			errs = append(errs, fmt.Errorf("notify.smtp.to %q: not an e-mail address", to))
		}
	}
	if s.User == "" && s.PasswordFile != "" {
		errs = append(errs, errors.New("notify.smtp.password_file is set but notify.smtp.user is not"))
	}
	return errs
}

// port is the SMTP port: the one set, else the security's usual one.
func (s *SMTP) port() int {
	switch {
	case s.Port != 0:
		return s.Port
	case s.TLS == TLSImplicit:
		return 465
	case s.TLS == TLSNone:
		return 25
	}
	return 587
}

// security is the SMTP security, starttls by default.
func (s *SMTP) security() string {
	if s.TLS == "" {
		return TLSStartTLS
	}
	return s.TLS
}

// Redact returns a webhook URL without what makes it a secret (its path,
// query and user): Slack, Teams and Google Chat put the token there.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(a webhook URL)"
	}
	out := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		out += "/…"
	}
	return out
}

// Report is what a run did, as the message tells it.
type Report struct {
	Lang     string // zh (default) or en
	Command  string // import
	Input    string // the file or folder
	Host     string // the computer
	Started  time.Time
	Finished time.Time
	ExitCode int
	// Error is why the run could not run or finish ("" none); Hint, what
	// to do about it, in the run's language.
	Error, Hint string
	Files       []File
	// Test marks the message of `custimport notify test`.
	Test bool
}

// File is one input of the run.
type File struct {
	Input    string
	Results  string // its results file ("" none written)
	MovedTo  string // folder mode: done/… or failed/…
	Stayed   string // folder mode: why it stayed (stopped, changing)
	Rows     int
	Counts   map[string]int // rows per status
	ExitCode int
	Error    string
	Problems []Problem // its first rows that need attention
}

// Problem is a row that needs attention.
type Problem struct {
	Line    int    `json:"line"`
	Status  string `json:"status"`
	Code    string `json:"error_code,omitempty"` // TMS's ErrorCode, or ""
	Message string `json:"message,omitempty"`
}

// Counts are the rows per status over every file.
func (r Report) Counts() map[string]int {
	out := map[string]int{}
	for _, f := range r.Files {
		for st, n := range f.Counts {
			out[st] += n
		}
	}
	return out
}

// Failed reports whether the run is a failure: an exit code other than
// 0, or any FAILED, UNKNOWN or INVALID row.
func (r Report) Failed() bool {
	c := r.Counts()
	return r.ExitCode != 0 || c["FAILED"] > 0 || c["UNKNOWN"] > 0 || c["INVALID"] > 0
}

// Wanted reports whether the run is worth a message under c.On: a test
// always is.
func (c Config) Wanted(r Report) bool {
	return r.Test || c.On == OnAlways || r.Failed()
}

// isLoopback reports whether host names this computer.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
