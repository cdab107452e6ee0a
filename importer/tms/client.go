package tms

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/custimport/custimport/internal/flatjson"
)

// Default settings used by New for zero Config fields.
const (
	DefaultTimeout = 30 * time.Second
	DefaultMaxBody = 1 << 20
	// idleConnTimeout is kept below common server keep-alive timeouts
	// (Apache's default is 5 s): a POST written to a connection the server
	// has just closed is an ambiguous failure, which for a create means an
	// UNKNOWN row, so stale connections are dropped first.
	idleConnTimeout = 4 * time.Second
	// maxIdleConns is how many idle connections to the server are kept
	// for reuse: one per worker at the most (--workers allows 64).
	// net/http's default of 2 made every request beyond the second of a
	// concurrent batch dial (and for https, handshake) anew.
	maxIdleConns = 64
	maxProNumLen = 10
	// CodeTimestampExpired is the ErrorCode TMS answers when api-timestamp
	// is too far from its clock ("Timestamp已過期").
	CodeTimestampExpired = "9003"
)

// Config configures a Client. Only BaseURL, PNO and Key are required.
//
// Formatting a Config with any fmt verb prints it with the key redacted.
type Config struct {
	// BaseURL is the API root, e.g. "https://erp.example.com/api";
	// requests go to BaseURL + path, e.g. BaseURL + "/Cust/Add".
	BaseURL string
	// PNO is sent in the api-pno header (TMS_PNO).
	PNO string
	// ProNum is the body's ProNum (TMS_PRONUM, at most 10 characters);
	// empty means PNO.
	ProNum string
	// Key is the API key. It is only used to sign and never appears in
	// logs, errors or the formatted Config or Client.
	Key string
	// Recipe is how api-ClientSign is computed; the zero Recipe means
	// DefaultRecipe.
	Recipe Recipe
	// HTTPClient sends the requests; nil means a client built from the
	// options below. A given client is copied and its CheckRedirect
	// replaced so that redirects are never followed.
	HTTPClient *http.Client
	// Timeout bounds one request, including reading the answer; zero
	// means DefaultTimeout (30 s).
	Timeout time.Duration
	// MaxBody is the largest answer read; zero means DefaultMaxBody
	// (1 MiB). A larger answer is a Permanent error.
	MaxBody int64
	// AllowHTTP permits plain http:// to a host that is not loopback.
	AllowHTTP bool
	// InsecureSkipVerify turns TLS certificate verification off (for test
	// servers); New logs a warning each time.
	InsecureSkipVerify bool
	// Now is the clock for api-timestamp; nil means time.Now.
	Now func() time.Time
	// Logger receives warnings and debug lines; nil discards them.
	Logger *slog.Logger
	// Trace, when set, records every request and answer (NewTracer), the
	// key and the signature redacted.
	Trace *Tracer
}

// String prints the Config with the key redacted.
func (c Config) String() string {
	key := "[empty]"
	if c.Key != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("tms.Config{BaseURL:%q PNO:%q ProNum:%q Key:%s Recipe:%q Timeout:%v MaxBody:%d AllowHTTP:%t InsecureSkipVerify:%t}",
		c.BaseURL, c.PNO, c.ProNum, key, c.Recipe.String(), c.Timeout, c.MaxBody, c.AllowHTTP, c.InsecureSkipVerify)
}

// GoString prints the Config with the key redacted.
func (c Config) GoString() string { return c.String() }

// Format prints the Config with the key redacted, whatever the verb.
func (c Config) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// LogValue logs the Config with the key redacted.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Main is the payload of one customer: field code → value, where values
// are strings or json.Number.
type Main = map[string]any

// Response is the decoded answer of /Cust/Add (and of Do). Status is "S"
// (success) or "E" (business error: see ErrorCode and ErrorMessage).
type Response struct {
	Status       string `json:"Status"`
	CCODE        string `json:"CCODE"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// Client sends signed requests to TMS. It is safe for concurrent use.
type Client struct {
	base    string // BaseURL without a trailing slash
	host    string
	pno     string
	proNum  string
	recipe  Recipe
	sign    func(r Recipe, ts string, body []byte) string // holds the key in a closure so formatting a Client cannot print it
	redact  func(string) string
	keyLen  int
	hc      *http.Client
	timeout time.Duration
	maxBody int64
	now     func() time.Time
	log     *slog.Logger

	skewOnce sync.Once
	offset   atomic.Int64 // server clock minus local clock (ns), learnt from a 9003 answer's Date header
	// lastSig is the last signature of a recipe that does not sign the
	// body: the same for every request of that second.
	lastSig atomic.Pointer[signature]
}

// signature is a signature of a recipe and a timestamp.
type signature struct {
	recipe    Recipe
	timestamp string
	sig       string
}

// signFor returns api-ClientSign for a request: signed afresh when the
// recipe signs the body, else the second's signature (computed once a
// second, not once a request).
func (c *Client) signFor(recipe Recipe, ts string, body []byte) string {
	if recipe.signsBody() {
		return c.sign(recipe, ts, body)
	}
	if s := c.lastSig.Load(); s != nil && s.timestamp == ts && s.recipe == recipe {
		return s.sig
	}
	sig := c.sign(recipe, ts, body)
	c.lastSig.Store(&signature{recipe: recipe, timestamp: ts, sig: sig})
	return sig
}

// String describes the client without its key.
func (c *Client) String() string {
	return fmt.Sprintf("tms.Client{BaseURL:%q PNO:%q ProNum:%q Recipe:%q}", c.base, c.pno, c.proNum, c.recipe.String())
}

// GoString describes the client without its key.
func (c *Client) GoString() string { return c.String() }

// Format describes the client without its key, whatever the verb.
func (c *Client) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// LogValue logs the client without its key.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// New checks cfg and returns a Client. Every error wraps ErrConfig.
func New(cfg Config) (*Client, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	u, err := checkURL(cfg)
	if err != nil {
		return nil, err
	}
	proNum, recipe, err := checkSettings(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:    strings.TrimRight(u.String(), "/"),
		host:    u.Host,
		pno:     cfg.PNO,
		proNum:  proNum,
		recipe:  recipe,
		timeout: cmp.Or(cfg.Timeout, DefaultTimeout),
		maxBody: cmp.Or(cfg.MaxBody, DefaultMaxBody),
		now:     cfg.Now,
		log:     logger,
		keyLen:  len(cfg.Key),
	}
	if c.now == nil {
		c.now = time.Now
	}
	key, pno := cfg.Key, cfg.PNO
	c.sign = func(r Recipe, ts string, body []byte) string { return r.Sign(key, pno, ts, body) }
	c.redact = redactor(key)
	if c.hc, err = httpClient(cfg); err != nil {
		return nil, err
	}
	if cfg.Trace != nil {
		c.hc.Transport = cfg.Trace.wrap(c.hc.Transport, c.redact)
	}
	if cfg.InsecureSkipVerify {
		logger.Warn("TLS certificate verification is OFF: anyone between here and the server can read the customer data and the request signatures", "host", u.Host)
	}
	return c, nil
}

// checkURL parses and checks the TMS URL: http(s), a host, no user, query
// or fragment, and plain HTTP only to this machine unless allowed.
func checkURL(cfg Config) (*url.URL, error) {
	// Messages show the URL without user info, query values or the key.
	shown := redactor(cfg.Key)(RedactURL(strings.TrimSpace(cfg.BaseURL)))
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its message repeats the whole URL
			err = ue.Err
		}
		return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemUnparsable, Value: shown}, "TMS URL %q: %v", shown, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemScheme, Value: shown}, "TMS URL %q must start with https://", shown)
	case u.Host == "":
		return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemNoHost, Value: shown}, "TMS URL %q has no host", shown)
	case u.User != nil:
		return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemUserInfo, Value: shown}, "TMS URL %q must not contain a user name or password", shown)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemQuery, Value: shown}, "TMS URL %q must not have a query or fragment", shown)
	}
	if p := u.Port(); p != "" {
		// A port is a number: 031401 is 31401, sent as such.
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || n == 0 || n > 65535 {
			return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemPort, Value: shown, Part: p}, "TMS URL %q: port %s is not a port number (1 to 65535)", shown, p)
		}
		u.Host = net.JoinHostPort(u.Hostname(), strconv.FormatUint(n, 10))
	}
	if u.Scheme == "http" && !cfg.AllowHTTP && !isLoopback(u.Hostname()) {
		return nil, configError(ConfigError{Setting: SettingURL, Problem: ProblemInsecure, Value: shown, is: []error{ErrInsecureURL}},
			"%v: %s would send the signed request and customer data unencrypted; use https:// or allow plain HTTP explicitly", ErrInsecureURL, shown)
	}
	return u, nil
}

// checkSettings checks the PNO, key, ProNum (default: the PNO), signing
// recipe (default: DefaultRecipe), timeout and body limit.
func checkSettings(cfg Config) (proNum string, recipe Recipe, err error) {
	if strings.TrimSpace(cfg.PNO) == "" {
		return "", Recipe{}, configError(ConfigError{Setting: SettingPNO, Problem: ProblemEmpty}, "PNO (api-pno, TMS_PNO) is empty")
	}
	if cfg.Key == "" {
		return "", Recipe{}, configError(ConfigError{Setting: SettingKey, Problem: ProblemEmpty}, "API key is empty")
	}
	proNum = cmp.Or(cfg.ProNum, cfg.PNO)
	if n := utf8.RuneCountInString(proNum); n > maxProNumLen {
		return "", Recipe{}, configError(ConfigError{Setting: SettingProNum, Problem: ProblemTooLong, Value: proNum, Length: n, Max: maxProNumLen},
			"ProNum %q is %d characters long; the specification allows at most %d (S(10))", proNum, n, maxProNumLen)
	}
	recipe = cfg.Recipe
	if recipe == (Recipe{}) {
		recipe = DefaultRecipe
	} else if err := recipe.valid(); err != nil {
		return "", Recipe{}, err.inConfig(redactor(cfg.Key))
	}
	if cfg.Timeout < 0 || cfg.MaxBody < 0 {
		return "", Recipe{}, configError(ConfigError{Setting: SettingTimeout, Problem: ProblemNegative}, "Timeout and MaxBody must not be negative")
	}
	return proNum, recipe, nil
}

// httpClient is the caller's HTTP client (copied), or one with keep-alive
// connections for TMS; neither follows redirects.
func httpClient(cfg Config) (*http.Client, error) {
	var hc *http.Client
	if cfg.HTTPClient != nil {
		if cfg.InsecureSkipVerify {
			return nil, configError(ConfigError{Setting: SettingHTTPClient, Problem: ProblemInsecureTLS}, "InsecureSkipVerify cannot be applied to a caller-supplied HTTPClient")
		}
		copied := *cfg.HTTPClient
		hc = &copied
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.IdleConnTimeout = idleConnTimeout
		tr.MaxIdleConnsPerHost = maxIdleConns
		if cfg.InsecureSkipVerify {
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
		}
		hc = &http.Client{Transport: tr}
	}
	// The redirect itself is the answer (statusError): it is never
	// followed, so the signed request is never sent elsewhere.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc, nil
}

// isLoopback reports whether host is localhost, 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// custAddRequest is the JSON body of /Cust/Add.
type custAddRequest struct {
	ProNum string `json:"ProNum"`
	Main   Main   `json:"Main"`
}

// AddCustomer sends one /Cust/Add request (CustAdd) for main through Do
// and returns the decoded answer.
func (c *Client) AddCustomer(ctx context.Context, main Main) (Response, error) {
	body, err := c.custAddBody(main)
	if err != nil {
		return Response{}, &Error{Class: Permanent, Kind: KindOther, Err: fmt.Errorf("cannot encode the request as JSON: %w", err)}
	}
	return c.Do(ctx, CustAdd.Path, body)
}

// custAddBody is the JSON of a /Cust/Add request, as encoding/json writes
// custAddRequest without HTML escaping: written directly for a payload of
// strings and numbers (every payload the validator makes), else by
// encoding/json.
func (c *Client) custAddBody(main Main) ([]byte, error) {
	b := make([]byte, 0, 512)
	b = append(b, `{"ProNum":`...)
	b = flatjson.AppendString(b, c.proNum, false)
	b = append(b, `,"Main":`...)
	if b, ok := flatjson.AppendObject(b, main, false, nil); ok {
		return append(b, '}'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(custAddRequest{ProNum: c.proNum, Main: main}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Do POSTs the JSON body, signed, to BaseURL + path (path starts with
// "/") and returns the decoded answer. A business error (Status "E") is a
// Response with a nil error; only the timestamp error 9003 is handled
// here: the request is signed again with a fresh timestamp and sent once
// more (TMS rejected it before acting, so this is safe even for a create),
// and a clock-skew warning is logged once per Client. Any other failure is
// an *Error with its Class and Kind set.
func (c *Client) Do(ctx context.Context, path string, body []byte) (Response, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	resp, date, err := c.attempt(ctx, path, body, c.recipe, time.Duration(c.offset.Load()))
	if err == nil && resp.Status == "E" && resp.ErrorCode == CodeTimestampExpired {
		c.skewOnce.Do(func() { c.warnSkew(date) })
		// Sign from the server's clock from now on: an office PC whose
		// clock is minutes off can still import.
		if t, perr := http.ParseTime(date); perr == nil {
			c.offset.Store(int64(t.Sub(c.now())))
		}
		resp, _, err = c.attempt(ctx, path, body, c.recipe, time.Duration(c.offset.Load()))
	}
	return resp, err
}

// warnSkew logs how far the local clock is from the server's Date header.
func (c *Client) warnSkew(date string) {
	const msg = "TMS rejected the timestamp (9003 Timestamp已過期): check this computer's clock"
	now := c.now()
	t, err := http.ParseTime(date)
	if date == "" || err != nil {
		c.log.Warn(msg+"; the server sent no usable Date header to compare with", "local_time", now.UTC().Format(time.RFC3339))
		return
	}
	skew := now.Sub(t).Round(time.Second)
	dir := "ahead of"
	if skew < 0 {
		dir, skew = "behind", -skew
	}
	c.log.Warn(fmt.Sprintf("%s; the local clock is %d seconds %s the server's", msg, int64(skew/time.Second), dir),
		"local_time", now.UTC().Format(time.RFC3339), "server_time", t.UTC().Format(time.RFC3339), "skew_seconds", int64(skew/time.Second))
}

// attempt sends body to path once, signed with recipe and the current
// time plus offset. It returns the decoded answer and the server's Date
// header.
func (c *Client) attempt(parent context.Context, path string, body []byte, recipe Recipe, offset time.Duration) (Response, string, error) {
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()
	var gotConn, wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { gotConn.Store(true) },
		WroteHeaders: func() { wrote.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return Response{}, "", &Error{Class: Permanent, Kind: KindOther, Err: fmt.Errorf("cannot build the request: %w", err)}
	}
	ts := strconv.FormatInt(c.now().Add(offset).Unix(), 10)
	// Set directly so the names go out spelled as in the specification.
	req.Header["api-pno"] = []string{c.pno}
	req.Header["api-timestamp"] = []string{ts}
	req.Header["api-ClientSign"] = []string{c.signFor(recipe, ts, body)}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "custimport")

	start := time.Now()
	res, err := c.hc.Do(req)
	if err != nil {
		e := c.transportError(parent, err, gotConn.Load(), wrote.Load())
		c.log.Debug("TMS request failed", "path", path, "timestamp", ts, "class", e.Class.String(), "kind", e.Kind.String(), "err", e.Error())
		return Response{}, "", e
	}
	defer res.Body.Close()
	date := res.Header.Get("Date")
	resp, e := c.readResponse(parent, res)
	if c.log.Enabled(parent, slog.LevelDebug) { // the arguments cost allocations on every request
		c.log.Debug("TMS answered", "path", path, "timestamp", ts, "http_status", res.StatusCode, "status", resp.Status, "error_code", resp.ErrorCode, "duration", time.Since(start))
	}
	if e != nil {
		return Response{}, date, e
	}
	return resp, date, nil
}

// transportError classifies a failure of http.Client.Do.
func (c *Client) transportError(parent context.Context, err error, gotConn, wrote bool) *Error {
	msg := c.redact(errorText(err))
	wrap := func(class Class, kind FailureKind, format string, args ...any) *Error {
		return &Error{Class: class, Kind: kind, Err: &redactedError{msg: fmt.Sprintf(format, args...) + ": " + msg, err: err}}
	}
	if e, ok := certError(err); ok {
		return &Error{Class: Permanent, Kind: KindTLS, Err: &redactedError{
			msg: fmt.Sprintf("the TLS certificate of %s is not trusted (%s); if this is a test server you trust, its certificate check can be turned off (insecure_skip_verify)", c.host, c.redact(e.Error())),
			err: fmt.Errorf("%w: %w", ErrCertificate, err)}}
	}
	if tlsError(err) {
		return wrap(Permanent, KindTLS, "the TLS connection to %s failed", c.host)
	}
	ctxErr := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
	var ne net.Error
	timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	reached := wrote || (gotConn && ctxErr)
	switch {
	case parent.Err() != nil && reached:
		return wrap(Ambiguous, causeKind(parent.Err()), "cancelled after the request was sent; TMS may have processed it")
	case parent.Err() != nil:
		return wrap(Retryable, causeKind(parent.Err()), "cancelled before the request was sent")
	case reached && timeout:
		return wrap(Ambiguous, KindTimeout, "TMS did not answer within %s after the request was sent; it may have been processed", c.timeout)
	case reached:
		return wrap(Ambiguous, KindReset, "the connection to TMS failed after the request was sent; it may have been processed")
	case timeout:
		return wrap(Retryable, KindRefused, "could not connect to TMS within %s (the request was not sent)", c.timeout)
	}
	return wrap(Retryable, KindRefused, "could not reach TMS (the request was not sent)")
}

// redactedError carries a message with the key removed while still
// unwrapping to the original error for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// tagged returns an error reading as the formatted message alone but
// matching sentinel with errors.Is.
func tagged(sentinel error, format string, args ...any) error {
	return &redactedError{msg: fmt.Sprintf(format, args...), err: sentinel}
}

// certError finds a certificate verification failure in err.
func certError(err error) (error, bool) {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var he x509.HostnameError
	switch {
	case errors.As(err, &cv):
		return cv.Err, true
	case errors.As(err, &ua):
		return ua, true
	case errors.As(err, &ci):
		return ci, true
	case errors.As(err, &he):
		return he, true
	}
	return nil, false
}

// tlsError reports other TLS handshake failures.
func tlsError(err error) bool {
	var rh tls.RecordHeaderError
	var ae tls.AlertError
	var ee *tls.ECHRejectionError
	return errors.As(err, &rh) || errors.As(err, &ae) || errors.As(err, &ee)
}

// readResponse classifies the HTTP status and decodes a 2xx body.
func (c *Client) readResponse(parent context.Context, res *http.Response) (Response, *Error) {
	code := res.StatusCode
	statusText := strconv.Itoa(code)
	if t := http.StatusText(code); t != "" {
		statusText += " (" + t + ")"
	}
	if code < 200 || code > 299 {
		return Response{}, c.statusError(res, statusText)
	}
	// A success status with an answer too large to read: the server
	// handled the request, so what it did is unknown (Ambiguous), not
	// merely refused.
	if res.ContentLength > c.maxBody {
		return Response{}, &Error{Class: Ambiguous, Kind: KindBadAnswer, HTTPStatus: code, Err: tagged(ErrResponseTooLarge, "response larger than %s (Content-Length %d); the request may have been processed", formatSize(c.maxBody), res.ContentLength)}
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, c.maxBody+1))
	if int64(len(body)) > c.maxBody {
		return Response{}, &Error{Class: Ambiguous, Kind: KindBadAnswer, HTTPStatus: code, Err: tagged(ErrResponseTooLarge, "response larger than %s; the request may have been processed", formatSize(c.maxBody))}
	}
	if err != nil {
		why, kind := "the connection broke", KindReset
		switch {
		case parent.Err() != nil:
			why, kind = "cancelled", causeKind(parent.Err())
		case errors.Is(err, context.DeadlineExceeded):
			why, kind = "no complete answer within "+c.timeout.String(), KindTimeout
		}
		return Response{}, &Error{Class: Ambiguous, Kind: kind, HTTPStatus: code, Err: &redactedError{
			msg: fmt.Sprintf("TMS answered HTTP %s but the answer was cut off after %d bytes (%s); the request may have been processed: %s", statusText, len(body), why, c.redact(err.Error())),
			err: err}}
	}
	resp, err := decodeResponse(body, c.redact)
	if err == nil {
		// A server quoting the key back must not put it in the results.
		resp.ErrorMessage = c.redact(resp.ErrorMessage)
		resp.ErrorCode = c.redact(resp.ErrorCode)
		resp.CCODE = c.redact(resp.CCODE)
	}
	if err != nil {
		e := &Error{Class: Ambiguous, Kind: KindBadAnswer, HTTPStatus: code, Err: &redactedError{
			msg: c.redact(err.Error()) + " (HTTP " + statusText + "; the request may have been processed)",
			err: err}}
		if errors.Is(err, ErrAmbiguousResponse) {
			e.Kind, e.Final = KindAmbiguousAnswer, true
			c.logAmbiguous(code, body)
		}
		return Response{}, e
	}
	return resp, nil
}

// statusError classifies an answer with a status other than 2xx.
func (c *Client) statusError(res *http.Response, statusText string) *Error {
	code := res.StatusCode
	// The whole answer (up to MaxBody) is read, to see whether it claims
	// a success; the key is redacted in what is quoted before it is cut.
	body, _ := io.ReadAll(io.LimitReader(res.Body, c.maxBody))
	about := ""
	if len(bytes.TrimSpace(body)) > 0 {
		start := body[:min(len(body), snippetLen+8+c.keyLen*utf8.UTFMax)]
		about = "; the answer starts with " + quoteStart([]byte(c.redact(string(start))))
	}
	class, what := statusClass(code, statusText)
	e := newError(class, statusKind(code), code, "%s%s", what, about)
	if code >= 300 && code < 400 {
		if loc := res.Header.Get("Location"); loc != "" {
			about = " to " + c.redact(RedactURL(loc)) + about
		}
		e.Final, e.Err = true, tagged(ErrRedirect, "%s%s", what, about)
	}
	if (class != Ambiguous || e.Final) && claimsSuccess(body) {
		// An error status with an answer that says success: whether TMS
		// acted is unknown, and asking again gets the same answer.
		e.Class, e.Kind, e.Final = Ambiguous, KindAmbiguousAnswer, true
		e.Err = tagged(ErrAmbiguousResponse, "the server answered HTTP %s, yet its answer says success; the request may have been processed%s", statusText, about)
		c.logAmbiguous(code, body)
		return e
	}
	if class == Retryable {
		e.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), c.now())
		if e.RetryAfter > 0 {
			e.Err = fmt.Errorf("%w; asked to wait %s", e.Err, e.RetryAfter)
		}
	}
	return e
}

// statusClass is what an HTTP status other than 2xx means, and the
// sentence that says so.
func statusClass(code int, statusText string) (Class, string) {
	mayHave := "the server answered HTTP " + statusText + "; the request may have been processed"
	refused := "TMS refused the request: the server answered HTTP " + statusText
	switch {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		return Retryable, "TMS is busy: the server answered HTTP " + statusText
	case code == http.StatusRequestTimeout:
		// Servers and proxies also answer 408 after the handler ran: for
		// a create, whether the customer was created is unknown.
		return Ambiguous, mayHave
	case code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported:
		return Ambiguous, mayHave
	case code >= 300 && code < 400:
		// Stored, then redirected (POST-redirect-GET, a login proxy) is as
		// likely as refused: what the server did is unknown.
		return Ambiguous, "the server answered HTTP " + statusText + " (a redirect, which is not followed); the request may have been processed; check the TMS URL"
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return Permanent, refused + "; check the PNO, the API key and the signing recipe"
	case code == http.StatusNotFound:
		return Permanent, refused + "; check the TMS URL"
	}
	return Permanent, refused
}

// logAmbiguous logs an answer that can be read both as a success and as
// a failure, as it came (the key redacted, at most 4 KiB), for whoever
// checks the row in TMS.
func (c *Client) logAmbiguous(status int, body []byte) {
	const most = 4 << 10
	text := c.redact(string(body))
	if len(text) > most {
		text = strings.ToValidUTF8(text[:most], "") + "…"
	}
	c.log.Warn("TMS answered ambiguously: the answer can be read as a success and as a failure", "http_status", status, "answer", text)
}

// maxRetryAfter bounds what parseRetryAfter returns, so an absurd header
// (999999999 seconds, a date in year 9999) reads as one day; the Sender
// then waits at most Policy.MaxRetryWait.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date, at
// most maxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d.Round(time.Second), maxRetryAfter)
		}
	}
	return 0
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeResponse decodes a /Cust/Add answer. Field names match
// case-insensitively; CCODE, ErrorCode and ErrorMessage may be strings,
// numbers or null. Status must be "S" or "E". Errors wrap ErrBadResponse,
// or ErrAmbiguousResponse for an answer that can be read both ways: one
// that names Status, CCODE or ErrorCode twice, or whose Status and
// ErrorCode disagree (see contradiction). The start of the body errors
// quote is cut from redact(body), so a key in the body cannot show even
// in part.
func decodeResponse(body []byte, redact func(string) string) (Response, error) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	if len(b) == 0 {
		return Response{}, tagged(ErrBadResponse, "the response body is empty")
	}
	if r, ok := decodePlain(b); ok {
		return r, nil
	}
	return decodeFull(b, redact)
}

// decodeFull is decodeResponse's reading of any answer, b trimmed and
// not empty.
func decodeFull(b []byte, redact func(string) string) (Response, error) {
	quoteStart := func(b []byte) string { return quoteStart([]byte(redact(string(b)))) }
	var raw struct {
		Status, CCODE, ErrorCode, ErrorMessage json.RawMessage
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		var se *json.SyntaxError
		switch {
		case b[0] == '[' && json.Valid(b):
			return Response{}, tagged(ErrBadResponse, "response is a JSON array, not an object (starts with %s)", quoteStart(b))
		case b[0] != '{':
			return Response{}, tagged(ErrBadResponse, "response is not JSON (starts with %s)", quoteStart(b))
		case errors.As(err, &se) && se.Offset >= int64(len(b)):
			return Response{}, tagged(ErrBadResponse, "response JSON is cut off after %d bytes (starts with %s)", len(b), quoteStart(b))
		}
		return Response{}, tagged(ErrBadResponse, "response is not valid JSON (%v; starts with %s)", err, quoteStart(b))
	}
	if field := repeatedField(b); field != "" {
		// encoding/json keeps the last; another reader, the first.
		return Response{}, tagged(ErrAmbiguousResponse, "response names %s more than once (starts with %s)", field, quoteStart(b))
	}
	var r Response
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{
		{"Status", raw.Status, &r.Status},
		{"CCODE", raw.CCODE, &r.CCODE},
		{"ErrorCode", raw.ErrorCode, &r.ErrorCode},
		{"ErrorMessage", raw.ErrorMessage, &r.ErrorMessage},
	} {
		s, err := jsonText(f.raw)
		if err != nil {
			return Response{}, tagged(ErrBadResponse, "response field %s %v (starts with %s)", f.name, err, quoteStart(b))
		}
		*f.dst = strings.TrimSpace(s)
	}
	if raw.Status == nil || r.Status == "" {
		return Response{}, tagged(ErrBadResponse, "response has no Status (starts with %s)", quoteStart(b))
	}
	switch strings.ToUpper(r.Status) {
	case "S", "E":
		r.Status = strings.ToUpper(r.Status)
	default:
		return Response{}, tagged(ErrBadResponse, "response Status %q is neither \"S\" nor \"E\"", r.Status)
	}
	if why := contradiction(r); why != "" {
		return Response{}, tagged(ErrAmbiguousResponse, "response says %s (starts with %s)", why, quoteStart(b))
	}
	return r, nil
}

// jsonText turns a JSON string, number, boolean or null into text.
func jsonText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case 'n':
		return "", nil
	case '{':
		return "", errors.New("is a JSON object, not text")
	case '[':
		return "", errors.New("is a JSON array, not text")
	}
	return string(raw), nil // number or boolean, already validated by json.Unmarshal
}
