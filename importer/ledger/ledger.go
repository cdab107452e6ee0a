// Package ledger owns the ledger of one TMS tenant (one server URL,
// company PNO and ProNum): an SQLite file (Open), or a schema in a team's
// PostgreSQL database (OpenURL, pg.go), that remembers every customer
// create custimport claimed and how it ended, the content TMS last accepted
// (and the content in flight) for each customer code with the names it was
// sent with, the list of the customers TMS already had (loaded from TMS's
// own export), and the runs that wrote it. It also owns the per-tenant lock that keeps two runs from
// using one ledger at once (on PostgreSQL, an advisory lock: one import
// per tenant across every PC), moving a ledger when TMS moves to a new
// URL, and copying (merging) one ledger into another (Copy). Both stores
// run the same statements (dialect.go) behind the one *DB.
//
// It knows nothing of rows, spreadsheets, HTTP or the rules that decide
// what to send: callers hand it fingerprints, payloads and outcomes and
// read them back.
//
// Writes go through one writer goroutine that commits whatever is queued
// in one transaction (group commit), so concurrent workers share one fsync.
package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// Tenant names one TMS company: where it is served and which company and
// project it is.
type Tenant struct {
	URL    string // normalised (see NormalizeURL)
	PNO    string
	ProNum string
}

// NormalizeURL returns the canonical form of a TMS base URL, so that one
// server spelled two ways shares one ledger: scheme and host in lower
// case (a host name's final dot dropped, an IPv6 address in its shortest
// form), the port as a plain number (031401 is 31401) and the scheme's
// default port dropped, no trailing slash, and no user info, query or
// fragment. A port outside 1-65535 is an error.
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("TMS URL %q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("TMS URL %q: want an http:// or https:// URL", raw)
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String()
	} else if strings.HasSuffix(host, ".") && !strings.HasSuffix(host, "..") {
		host = host[:len(host)-1] // "erp.example.com." is the fully qualified erp.example.com
	}
	if host == "" || u.Opaque != "" {
		return "", fmt.Errorf("TMS URL %q: no host", raw)
	}
	if isLoopback(host) {
		host = "127.0.0.1" // localhost, ::1 and 127.x are one machine: one ledger
	}
	port, err := canonicalPort(scheme, u.Port())
	if err != nil {
		return "", fmt.Errorf("TMS URL %q: %w", raw, err)
	}
	switch {
	case port != "":
		host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		host = "[" + host + "]" // IPv6
	}
	return scheme + "://" + host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// canonicalPort returns a URL's port (digits, as url.Parse checked) as a
// plain number, "" for none or the scheme's default.
func canonicalPort(scheme, port string) (string, error) {
	if port == "" {
		return "", nil
	}
	n, err := strconv.ParseUint(port, 10, 64)
	if err != nil || n == 0 || n > 65535 {
		return "", fmt.Errorf("port %s is not a port number (1 to 65535)", port)
	}
	if (scheme == "https" && n == 443) || (scheme == "http" && n == 80) {
		return "", nil
	}
	return strconv.FormatUint(n, 10), nil
}

// NewTenant returns the tenant of a TMS URL, company PNO and project
// ProNum; an empty ProNum means the PNO, as TMS takes it.
func NewTenant(rawURL, pno, proNum string) (Tenant, error) {
	u, err := NormalizeURL(rawURL)
	if err != nil {
		return Tenant{}, err
	}
	pno, proNum = strings.TrimSpace(pno), strings.TrimSpace(proNum)
	if pno == "" {
		return Tenant{}, errors.New("TMS tenant: no PNO (company number)")
	}
	if proNum == "" {
		proNum = pno
	}
	return Tenant{URL: u, PNO: pno, ProNum: proNum}, nil
}

// ID returns a short stable name for the tenant: the first 16 hex digits
// of the SHA-256 of its URL, PNO and ProNum. Ledger and lock files are
// named after it.
func (t Tenant) ID() string {
	sum := sha256.Sum256([]byte(t.URL + "\n" + t.PNO + "\n" + t.ProNum))
	return hex.EncodeToString(sum[:])[:16]
}

func (t Tenant) String() string {
	return fmt.Sprintf("%s pno=%s ProNum=%s", t.URL, t.PNO, t.ProNum)
}

// DefaultDir returns where ledgers live by default, for an OS (a GOOS
// value), its environment and the user's home directory:
// ~/.local/state/custimport on Linux and other Unixes,
// %LOCALAPPDATA%\custimport on Windows (local, never the roaming
// profile), ~/Library/Application Support/custimport on macOS. It
// depends on the home directory alone, never on XDG_STATE_HOME: a
// scheduled task, which has no XDG_* variables, must find the ledger a
// desktop session made (XDGStateDir is where older versions put it).
func DefaultDir(goos string, getenv func(string) string, home string) (string, error) {
	switch goos {
	case "windows":
		v := getenv("LOCALAPPDATA")
		if v == "" {
			return "", errors.New("ledger directory: %LOCALAPPDATA% is not set")
		}
		return strings.TrimRight(v, `\/`) + `\custimport`, nil
	case "darwin", "ios":
		if home == "" {
			return "", errors.New("ledger directory: no home directory")
		}
		return filepath.Join(home, "Library", "Application Support", "custimport"), nil
	}
	if home == "" {
		return "", errors.New("ledger directory: no home directory")
	}
	return filepath.Join(home, ".local", "state", "custimport"), nil
}

// XDGStateDir is $XDG_STATE_HOME/custimport, where earlier versions kept
// ledgers when XDG_STATE_HOME was set (a relative value is invalid and
// ignored); "" when it is not set.
func XDGStateDir(getenv func(string) string) string {
	if v := getenv("XDG_STATE_HOME"); v != "" && strings.HasPrefix(v, "/") {
		return filepath.Join(v, "custimport")
	}
	return ""
}

// FilePath returns the path of a tenant's ledger in dir.
func FilePath(dir string, t Tenant) string {
	return filepath.Join(dir, t.ID()+".ledger.db")
}

// LockPath returns the path of a tenant's lock file in dir.
func LockPath(dir string, t Tenant) string {
	return filepath.Join(dir, t.ID()+".lock")
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
