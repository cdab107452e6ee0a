// Package probe owns the connection test of a TMS: one signed read-only
// request (POST /Product/QueryList for a product code that cannot
// exist), the Verdict its answer or failure comes to, naming the setting
// to check, the search for the signing recipe TMS accepts among
// tms.Presets, and what a run does with a verdict (Action).
//
// Every verdict has a stable Code, the Settings to check and its
// arguments; its words, in Traditional Chinese and English side by side,
// are in one table (texts.go). Classify, Action and Hint are pure
// functions; Check and FindRecipe send through a *tms.Client.
//
// It knows nothing of flags, config files or pages: Settings are named
// in words, and callers add where each is set. It never sends to
// /Cust/Add.
package probe

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Code names a verdict. Codes are stable: they appear in JSON records
// and on the page.
type Code string

// Verdicts.
const (
	// Accepted: TMS accepted the signature (Status S, or an answer about
	// the query itself).
	Accepted Code = "accepted"
	// ClockOff: TMS refused the timestamp (9003) and accepted the same
	// request signed from its own clock: only the clock is wrong.
	ClockOff Code = "clock_off"
	// Clock: TMS refused the timestamp and sent no Date header to tell
	// how far off this computer's clock is.
	Clock Code = "clock"
	// Signature: TMS refused the signature: the key or the recipe.
	Signature Code = "signature"
	// RecipeFound: another known recipe was accepted (FindRecipe).
	RecipeFound Code = "recipe_found"
	// NoRecipe: no known recipe was accepted: most likely the key.
	NoRecipe Code = "no_recipe"
	// PNO: TMS does not know the api-pno.
	PNO Code = "pno"
	// ProNum: TMS does not know the ProNum (only /Cust/Add carries it).
	ProNum Code = "pronum"
	// MissingHeader: TMS saw a header missing, although all are sent.
	MissingHeader Code = "missing_header"
	// TimestampFormat: TMS does not read api-timestamp as sent.
	TimestampFormat Code = "timestamp_format"
	// Refused: another request-level refusal (9xxx): TMS's own words.
	Refused Code = "refused"
	// DNS: the host name is not found.
	DNS Code = "dns"
	// Connect: no connection could be made.
	Connect Code = "connect"
	// Timeout: no answer in time.
	Timeout Code = "timeout"
	// Reset: the connection broke.
	Reset Code = "reset"
	// TLSCertificate: the server's certificate is not trusted.
	TLSCertificate Code = "tls_certificate"
	// TLS: the TLS handshake failed.
	TLS Code = "tls"
	// Proxy: the proxy could not be used.
	Proxy Code = "proxy"
	// Redirect: the server answered with a redirect.
	Redirect Code = "redirect"
	// NotFound: HTTP 404, 405 or 501: a wrong path, or a TMS without the
	// read-only endpoint.
	NotFound Code = "not_found"
	// HTTPStatus: another HTTP error status.
	HTTPStatus Code = "http_status"
	// Busy: HTTP 429 or 503.
	Busy Code = "busy"
	// BadAnswer: the answer is not TMS's JSON.
	BadAnswer Code = "bad_answer"
	// Cancelled: the test was stopped.
	Cancelled Code = "cancelled"
	// Failed: anything else (see Err).
	Failed Code = "failed"
)

// Setting is what a verdict asks to check. The values of the connection
// settings are their config file keys.
type Setting string

// Settings a verdict may name.
const (
	SettingURL         Setting = "url"
	SettingPNO         Setting = "pno"
	SettingProNum      Setting = "pronum"
	SettingKey         Setting = "key"
	SettingRecipe      Setting = "sign_recipe"
	SettingClock       Setting = "clock"
	SettingNetwork     Setting = "network"
	SettingCertificate Setting = "certificate"
	SettingProxy       Setting = "proxy"
	SettingVendor      Setting = "vendor" // only TMS's vendor can tell
)

// Verdict is what a connection test found.
type Verdict struct {
	Code Code
	// Settings are what to check, most likely first.
	Settings []Setting
	// URL is the request's URL, redacted (no user info or query values).
	URL string
	// HTTPStatus is the answer's HTTP status when it was an error.
	HTTPStatus int
	// TMSCode and TMSMessage are TMS's ErrorCode and ErrorMessage as it
	// answered them (its message with the key redacted).
	TMSCode, TMSMessage string
	// Clock compares the server's Date header with this computer's clock.
	Clock ClockReading
	// ClockRefused: TMS refused the timestamp too; this verdict is of
	// the request sent again from TMS's clock.
	ClockRefused bool
	// Recipe is the recipe TMS accepted (Accepted, ClockOff,
	// RecipeFound); Current is the recipe the settings name.
	Recipe, Current string
	// Tried is how many recipes FindRecipe sent (RecipeFound, NoRecipe).
	Tried int
	// RetryAfter is the wait a busy server asked for.
	RetryAfter time.Duration
	// Attempts is how many requests the verdict took.
	Attempts int
	// Err is the failure underneath, for logs (never shown to users).
	Err error
}

// OK reports whether TMS accepted the signature of the settings as they
// are: the only verdict a connection test exits 0 with.
func (v Verdict) OK() bool { return v.Code == Accepted }

// ClockReading is the server's clock against ours, from the Date header
// of an answer.
type ClockReading struct {
	Known  bool
	Server time.Time     // the server's Date (whole seconds)
	Local  time.Time     // this computer's clock when the answer came
	Offset time.Duration // Server minus Local, whole seconds
}

// readClock compares a Date header with the local time.
func readClock(date string, local time.Time) ClockReading {
	t, err := http.ParseTime(date)
	if err != nil || local.IsZero() {
		return ClockReading{}
	}
	// Date has whole seconds: the server's clock was half a second past
	// it on average.
	return ClockReading{Known: true, Server: t, Local: local, Offset: t.Add(time.Second / 2).Sub(local).Round(time.Second)}
}

// host is the host of a redacted URL, or the URL itself.
func host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return raw
}

// seconds writes a duration as whole seconds with a sign: "+600 s".
func seconds(d time.Duration) string {
	n := int64(d.Round(time.Second) / time.Second)
	if n > 0 {
		return "+" + strconv.FormatInt(n, 10) + " s"
	}
	return strconv.FormatInt(n, 10) + " s"
}

// magnitude writes the size of an offset for a sentence: "600 秒 (10
// 分鐘)" / "600 seconds (10 minutes)".
func magnitude(d time.Duration, lang string) string {
	if d < 0 {
		d = -d
	}
	n := int64(d.Round(time.Second) / time.Second)
	s := strconv.FormatInt(n, 10)
	if lang == "en" {
		s += " seconds"
		if n >= 120 {
			s += " (" + strconv.FormatInt((n+30)/60, 10) + " minutes)"
		}
		return s
	}
	s += " 秒"
	if n >= 120 {
		s += " (約 " + strconv.FormatInt((n+30)/60, 10) + " 分鐘)"
	}
	return s
}

// tmsSaid writes TMS's code and message as it answered them.
func tmsSaid(code, message string) string {
	return strings.TrimSpace(code + " " + message)
}
