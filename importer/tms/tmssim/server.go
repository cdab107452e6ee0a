package tmssim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

// DefaultMaxBody is the request body limit when Config.MaxBody is 0.
const DefaultMaxBody = 1 << 20

// TimestampWindow is how far api-timestamp may be from the server's clock.
const TimestampWindow = 300 * time.Second

// DefaultSaveInterval is how often a dirty store is written to
// Config.StatePath when Config.SaveInterval is 0.
const DefaultSaveInterval = time.Second

// Config configures a simulator. The zero value of every field but PNO and
// Key is usable.
type Config struct {
	// PNO is the expected api-pno header.
	PNO string
	// ProNum is the expected body ProNum; PNO when empty.
	ProNum string
	// Key is the signing key (never logged).
	Key string
	// Recipe is how api-ClientSign is checked; the zero value is
	// tms.DefaultRecipe.
	Recipe tms.Recipe
	// Now is the clock; time.Now when nil. It also drives the rate limiter.
	Now func() time.Time
	// ClockSkew makes the simulator's clock run this far off Now: the
	// timestamp window and the Date header use Now()+ClockSkew.
	ClockSkew time.Duration
	// Latency is added to every POST /Cust/Add; Jitter varies it uniformly
	// by ±Jitter (never below zero).
	Latency, Jitter time.Duration
	// FailRate is the probability of HTTP 500 AFTER processing: the change
	// is stored but the client sees an error.
	FailRate float64
	// RejectRate is the probability of HTTP 503 BEFORE processing: nothing
	// is stored.
	RejectRate float64
	// ResetRate is the probability of dropping the connection (TCP reset)
	// AFTER processing: the change is stored, the client sees a connection
	// error and no answer. Behind a ResponseWriter that cannot be hijacked
	// (HTTP/2, httptest.ResponseRecorder) the handler panics with
	// http.ErrAbortHandler instead, which net/http turns into an aborted
	// response.
	ResetRate float64
	// RateLimit, when > 0, allows this many requests per second (burst
	// ceil(RateLimit)); above it the answer is 429 with Retry-After
	// (whole seconds, at least 1) and nothing is stored.
	RateLimit float64
	// RedirectRate is the probability of HTTP 303 See Other AFTER
	// processing (POST-redirect-GET, a login proxy): the change is stored
	// but the client sees a redirect.
	RedirectRate float64
	// DuplicateKeyRate is the probability of an answer that names Status
	// twice, AFTER processing: the usual answer, then "status" again with
	// the opposite value. A reader that keeps the last key reads the
	// opposite of what happened.
	DuplicateKeyRate float64
	// AlwaysBusy, when > 0, answers every request HTTP 429 with this
	// Retry-After (whole seconds, at least 1) BEFORE processing: nothing
	// is ever stored.
	AlwaysBusy time.Duration
	// Seed seeds the generator of the random faults (0 is a seed too).
	Seed int64
	// StatePath, when not empty, is a JSON file the store is loaded from at
	// start and saved to (temp file + rename) every SaveInterval when it
	// changed, and on Close.
	StatePath string
	// SaveInterval is how often a changed store is saved; 0 means
	// DefaultSaveInterval, negative means after every change.
	SaveInterval time.Duration
	// DefaultCwebS is the system default of CwebS (基本運費), filled in on
	// add when CwebS is not sent.
	DefaultCwebS int
	// StrictEditItem makes a missing EditItem an error even with
	// AutoCCODE 1 (the specification's own add example omits it).
	StrictEditItem bool
	// MaxBody is the request body limit in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// Logger receives one Debug line per request (never the key or the
	// signature); nil discards.
	Logger *slog.Logger
	// Products are what POST /Product/QueryList finds; none by default,
	// so every code asked for is unknown.
	Products []Product
}

// Product is one product POST /Product/QueryList knows.
type Product struct {
	ICODE string `json:"ICODE"`
	INAME string `json:"INAME"`
}

// Stats counts what the simulator did.
type Stats struct {
	Requests       int64 // POST /Cust/Add received
	Added          int64 // customers created
	Updated        int64 // customers edited
	BusinessErrors int64 // Status E answers (including header errors)
	Failed         int64 // HTTP 500 after processing (FailRate)
	Rejected       int64 // HTTP 503 before processing (RejectRate)
	Resets         int64 // connections dropped after processing (ResetRate)
	RateLimited    int64 // HTTP 429 (RateLimit or AlwaysBusy)
	Redirected     int64 // HTTP 303 after processing (RedirectRate)
	DuplicateKeys  int64 // answers naming Status twice (DuplicateKeyRate)
	// Queries counts POST /Product/QueryList received. Of the counters
	// above only the faults' (Failed, Rejected, Resets, RateLimited,
	// Redirected, DuplicateKeys) count queries too.
	Queries int64
}

// Server is the simulator; it is an http.Handler. Create it with New and
// release it with Close.
type Server struct {
	cfg    Config
	proNum string
	recipe tms.Recipe
	now    func() time.Time
	log    *slog.Logger

	st *store

	rndMu sync.Mutex
	rnd   *rand.Rand

	lim limiter

	stats struct {
		requests, added, updated, business, failed, rejected, resets, limited, redirected, dupKeys, queries atomic.Int64
	}

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New checks cfg, loads the state file if there is one, and returns a
// simulator.
func New(cfg Config) (*Server, error) {
	if cfg.PNO == "" {
		return nil, errors.New("tmssim: Config.PNO is empty")
	}
	recipe := cfg.Recipe
	if recipe == (tms.Recipe{}) {
		recipe = tms.DefaultRecipe
	}
	recipe, err := tms.ParseRecipe(recipe.String())
	if err != nil {
		return nil, fmt.Errorf("tmssim: %w", err)
	}
	for _, r := range []float64{cfg.FailRate, cfg.RejectRate, cfg.ResetRate, cfg.RateLimit, cfg.RedirectRate, cfg.DuplicateKeyRate} {
		if math.IsNaN(r) || r < 0 {
			return nil, fmt.Errorf("tmssim: fault rates must be >= 0, got %v", r)
		}
	}
	if cfg.AlwaysBusy < 0 {
		return nil, fmt.Errorf("tmssim: AlwaysBusy must be >= 0, got %v", cfg.AlwaysBusy)
	}
	s := &Server{
		cfg:    cfg,
		proNum: cfg.ProNum,
		recipe: recipe,
		now:    cfg.Now,
		log:    cfg.Logger,
		rnd:    rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	if s.proNum == "" {
		s.proNum = cfg.PNO
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.cfg.MaxBody <= 0 {
		s.cfg.MaxBody = DefaultMaxBody
	}
	s.lim = limiter{rate: cfg.RateLimit, burst: math.Max(1, math.Ceil(cfg.RateLimit))}
	s.st, err = openStore(cfg.StatePath)
	if err != nil {
		return nil, err
	}
	interval := cfg.SaveInterval
	if interval == 0 {
		interval = DefaultSaveInterval
	}
	s.st.syncSave = interval < 0
	if cfg.StatePath != "" && interval > 0 {
		go s.saver(interval)
	} else {
		close(s.done)
	}
	return s, nil
}

func (s *Server) saver(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := s.st.saveIfDirty(); err != nil {
				s.log.Error("tmssim: saving state", "path", s.cfg.StatePath, "err", err)
			}
		}
	}
}

// Save writes the store to Config.StatePath now (a no-op without one).
func (s *Server) Save() error { return s.st.save() }

// Close stops the periodic saver and saves the state if Config.StatePath
// is set. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.closeErr = s.st.save()
	})
	return s.closeErr
}

// Customers returns a snapshot of the store, sorted by CCODE: each the
// stored Main record including "CCODE". Numeric fields are json.Number.
func (s *Server) Customers() []map[string]any { return s.st.snapshot() }

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{
		Requests:       s.stats.requests.Load(),
		Added:          s.stats.added.Load(),
		Updated:        s.stats.updated.Load(),
		BusinessErrors: s.stats.business.Load(),
		Failed:         s.stats.failed.Load(),
		Rejected:       s.stats.rejected.Load(),
		Resets:         s.stats.resets.Load(),
		RateLimited:    s.stats.limited.Load(),
		Redirected:     s.stats.redirected.Load(),
		DuplicateKeys:  s.stats.dupKeys.Load(),
		Queries:        s.stats.queries.Load(),
	}
}

// clock is the simulator's own (possibly skewed) time.
func (s *Server) clock() time.Time { return s.now().Add(s.cfg.ClockSkew) }

// ServeHTTP routes POST /Cust/Add, POST /Product/QueryList, GET
// /_sim/customers and GET /_sim/stats;
// anything else is 404 (405 for a known path with the wrong method).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", s.clock().UTC().Format(http.TimeFormat))
	route := func(method string, h func(http.ResponseWriter, *http.Request)) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h(w, r)
	}
	switch {
	case strings.EqualFold(r.URL.Path, "/Cust/Add"):
		route(http.MethodPost, s.serveAdd)
	case strings.EqualFold(r.URL.Path, tms.ProductQuery.Path):
		route(http.MethodPost, s.serveQuery)
	case r.URL.Path == "/_sim/customers":
		route(http.MethodGet, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.Customers()) })
	case r.URL.Path == "/_sim/stats":
		route(http.MethodGet, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.Stats()) })
	default:
		http.NotFound(w, r)
	}
}

// Response is the body of every /Cust/Add business answer, fields in the
// specification's order.
type Response struct {
	Status       string `json:"Status"`
	CCODE        string `json:"CCODE"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

func ok(ccode string) Response { return Response{Status: "S", CCODE: ccode, ErrorCode: CodeOK} }

func fail(code, detail string) Response {
	msg := Message(code)
	if detail != "" {
		msg += ":" + detail
	}
	return Response{Status: "E", ErrorCode: code, ErrorMessage: msg}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// chance draws once from the seeded generator; rates <= 0 never fire and
// never draw, rates >= 1 always fire.
func (s *Server) chance(rate float64) bool {
	if rate <= 0 {
		return false
	}
	s.rndMu.Lock()
	defer s.rndMu.Unlock()
	return s.rnd.Float64() < rate
}

func (s *Server) delay() time.Duration {
	d := s.cfg.Latency
	if s.cfg.Jitter > 0 {
		s.rndMu.Lock()
		j := time.Duration(s.rnd.Int64N(int64(2*s.cfg.Jitter)+1)) - s.cfg.Jitter
		s.rndMu.Unlock()
		d += j
	}
	return max(d, 0)
}

func (s *Server) serveAdd(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	s.serve(w, r, func(w http.ResponseWriter, r *http.Request) (Response, any, int) {
		resp, status := s.handle(w, r)
		return resp, resp, status
	})
}

// serveQuery answers POST /Product/QueryList: the same headers,
// signature and faults as /Cust/Add, then the products asked for.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	s.stats.queries.Add(1)
	s.serve(w, r, s.handleQuery)
}

// serve applies the faults around one API request; h authenticates and
// answers it, returning the answer for the log, the body to write and
// its HTTP status.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request) (Response, any, int)) {
	start := time.Now()
	fault := ""
	var resp Response
	status := http.StatusOK
	defer func() {
		s.log.Debug("tmssim request", "path", r.URL.Path, "remote", r.RemoteAddr, "status", status, "result", resp.Status,
			"code", resp.ErrorCode, "ccode", resp.CCODE, "fault", fault, "dur", time.Since(start))
	}()

	if d := s.delay(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			fault, status = "client gone", 0
			return
		}
	}
	if s.cfg.AlwaysBusy > 0 {
		fault, status = "always busy", http.StatusTooManyRequests
		s.tooMany(w, s.cfg.AlwaysBusy)
		return
	}
	if s.cfg.RateLimit > 0 {
		if wait, allowed := s.lim.take(s.now()); !allowed {
			fault, status = "rate limited", http.StatusTooManyRequests
			s.tooMany(w, wait)
			return
		}
	}
	if s.chance(s.cfg.RejectRate) {
		s.stats.rejected.Add(1)
		fault, status = "reject 503", http.StatusServiceUnavailable
		writeText(w, status, "<html><body><h1>503 Service Unavailable</h1></body></html>")
		return
	}

	resp, body, status := h(w, r)

	if s.chance(s.cfg.ResetRate) {
		s.stats.resets.Add(1)
		fault, status = "reset", 0
		reset(w)
		return
	}
	if s.chance(s.cfg.FailRate) {
		s.stats.failed.Add(1)
		fault, status = "fail 500", http.StatusInternalServerError
		writeText(w, status, "<html><body><h1>500 - Internal server error.</h1></body></html>")
		return
	}
	if s.chance(s.cfg.RedirectRate) {
		s.stats.redirected.Add(1)
		fault, status = "redirect 303", http.StatusSeeOther
		w.Header().Set("Location", "/Cust/List")
		writeText(w, status, "<html><body>See <a href=\"/Cust/List\">the list</a>.</body></html>")
		return
	}
	if s.chance(s.cfg.DuplicateKeyRate) {
		s.stats.dupKeys.Add(1)
		fault = "duplicate key"
		writeDuplicateKey(w, status, body, resp.Status)
		return
	}
	writeJSON(w, status, body)
}

// tooMany answers HTTP 429 asking to wait d (whole seconds, at least 1);
// nothing is processed.
func (s *Server) tooMany(w http.ResponseWriter, d time.Duration) {
	s.stats.limited.Add(1)
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
	writeText(w, http.StatusTooManyRequests, "<html><body><h1>429 Too Many Requests</h1></body></html>")
}

// writeDuplicateKey writes body (a JSON object whose Status is
// answered), then names Status again (in lower case) with the opposite
// value: {"Status":"S",…,"status":"E"}.
func writeDuplicateKey(w http.ResponseWriter, status int, body any, answered string) {
	b, _ := json.Marshal(body)
	other := map[string]string{"S": "E", "E": "S"}[answered]
	b = append(b[:len(b)-1], `,"status":"`+other+`"}`...)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// reset drops the connection without an answer: a TCP reset when the
// connection can be hijacked, otherwise an aborted handler.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// handle authenticates and processes one request; it returns the answer
// and its HTTP status without writing it.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) (Response, int) {
	resp, status := s.authAndProcess(w, r)
	if resp.Status != "S" {
		s.stats.business.Add(1)
	}
	return resp, status
}

func (s *Server) authAndProcess(w http.ResponseWriter, r *http.Request) (Response, int) {
	body, refusal, status := s.authenticate(w, r)
	if refusal != nil {
		return *refusal, status
	}
	return s.process(body), http.StatusOK
}

// authenticate checks the headers, the timestamp and the signature of a
// request and returns its body, or the refusal and its HTTP status.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) ([]byte, *Response, int) {
	refuse := func(code, detail string, status int) ([]byte, *Response, int) {
		resp := fail(code, detail)
		return nil, &resp, status
	}
	pno := r.Header.Get("api-pno")
	ts := r.Header.Get("api-timestamp")
	sign := r.Header.Get("api-ClientSign")
	var missing []string
	for _, h := range [][2]string{{"api-pno", pno}, {"api-timestamp", ts}, {"api-ClientSign", sign}} {
		if strings.TrimSpace(h[1]) == "" {
			missing = append(missing, h[0])
		}
	}
	if len(missing) > 0 {
		return refuse(CodeMissingHeader, strings.Join(missing, ", "), http.StatusOK)
	}
	if pno != s.cfg.PNO {
		return refuse(CodePNO, "", http.StatusOK)
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
	if err != nil {
		return refuse(CodeBadTimestamp, "", http.StatusOK)
	}
	if d := s.clock().Sub(time.Unix(sec, 0)); d > TimestampWindow || d < -TimestampWindow {
		return refuse(CodeExpired, "", http.StatusOK)
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return refuse(CodeTooLarge, "", http.StatusRequestEntityTooLarge)
		}
		return refuse(CodeBadJSON, "讀取失敗", http.StatusOK)
	}
	want := s.recipe.Sign(s.cfg.Key, pno, ts, body)
	if subtle.ConstantTimeCompare([]byte(strings.ToUpper(strings.TrimSpace(sign))), []byte(want)) != 1 {
		return refuse(CodeBadSign, "", http.StatusOK)
	}
	return body, nil, http.StatusOK
}

// QueryResponse is the body of a /Product/QueryList answer: Status,
// ErrorCode and ErrorMessage as /Cust/Add's, and the products found.
type QueryResponse struct {
	Status       string    `json:"Status"`
	ErrorCode    string    `json:"ErrorCode"`
	ErrorMessage string    `json:"ErrorMessage"`
	Data         []Product `json:"Data"`
}

// handleQuery authenticates a /Product/QueryList request and answers
// the products of its ICODES that are in Config.Products (none found is
// a success with an empty list). It changes nothing.
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) (Response, any, int) {
	body, refusal, status := s.authenticate(w, r)
	var q struct{ ICODES []string }
	if refusal == nil {
		switch err := decodeStrict(body, &q); {
		case err != nil:
			resp := fail(CodeBadJSON, err.Error())
			refusal = &resp
		case q.ICODES == nil:
			resp := fail(CodeBadJSON, "缺少ICODES")
			refusal = &resp
		}
	}
	if refusal != nil {
		return *refusal, QueryResponse{Status: refusal.Status, ErrorCode: refusal.ErrorCode, ErrorMessage: refusal.ErrorMessage, Data: []Product{}}, status
	}
	found := []Product{}
	for _, code := range q.ICODES {
		for _, p := range s.cfg.Products {
			if p.ICODE == strings.TrimSpace(code) {
				found = append(found, p)
			}
		}
	}
	return ok(""), QueryResponse{Status: "S", ErrorCode: CodeOK, Data: found}, http.StatusOK
}

// limiter is a token bucket driven by the caller's clock.
type limiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	primed bool
}

// take spends a token if there is one; otherwise it reports how long until
// one is available.
func (l *limiter) take(now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.primed {
		l.tokens, l.last, l.primed = l.burst, now, true
	}
	if el := now.Sub(l.last).Seconds(); el > 0 {
		l.tokens = math.Min(l.burst, l.tokens+el*l.rate)
		l.last = now
	}
	if l.tokens >= 1 {
		l.tokens--
		return 0, true
	}
	return time.Duration((1 - l.tokens) / l.rate * float64(time.Second)), false
}
