package tms

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// TraceBodyLimit is how much of a request or answer body a trace keeps.
const TraceBodyLimit = 4 << 10

// traceSlack is read beyond TraceBodyLimit so that a key starting
// before the cut is redacted whole before the body is cut.
const traceSlack = 1 << 10

// Tracer records every request and answer of the clients it is given to
// (Config.Trace) as JSON lines, for the vendor's support: one "request"
// line when a request leaves and one "answer" line when its answer (or
// failure) comes, with the same id. Headers and bodies are kept with
// the API key, api-ClientSign and credentials redacted; bodies are cut
// at TraceBodyLimit bytes. It is safe for concurrent use.
type Tracer struct {
	mu  sync.Mutex
	w   io.Writer
	err error // the first write error
	seq atomic.Int64
	now func() time.Time
}

// NewTracer returns a Tracer writing to w (the caller opens, protects
// and closes the file).
func NewTracer(w io.Writer) *Tracer { return &Tracer{w: w, now: time.Now} }

// Err returns the first error writing the trace, or nil.
func (t *Tracer) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// TraceRecord is one line of a trace.
type TraceRecord struct {
	Time    string            `json:"time"`
	ID      int64             `json:"id"`
	Event   string            `json:"event"` // "request" or "answer"
	Method  string            `json:"method,omitempty"`
	URL     string            `json:"url,omitempty"`
	Status  int               `json:"status,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// BodyBytes is the body's whole size when known.
	BodyBytes int64 `json:"body_bytes,omitempty"`
	// Truncated means Body holds only the first TraceBodyLimit bytes.
	Truncated  bool    `json:"body_truncated,omitempty"`
	DurationMS float64 `json:"duration_ms,omitempty"`
	Error      string  `json:"error,omitempty"`
}

func (t *Tracer) write(r TraceRecord) {
	line, err := json.Marshal(r)
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return
	}
	_, t.err = t.w.Write(append(line, '\n'))
}

// wrap returns next (nil: http.DefaultTransport) recording through t,
// with redact removing the key.
func (t *Tracer) wrap(next http.RoundTripper, redact func(string) string) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &traceTransport{t: t, next: next, redact: redact}
}

type traceTransport struct {
	t      *Tracer
	next   http.RoundTripper
	redact func(string) string
}

func (tt *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	id := tt.t.seq.Add(1)
	rec := TraceRecord{Time: tt.stamp(), ID: id, Event: "request", Method: req.Method,
		URL: tt.redact(RedactURL(req.URL.String())), Headers: tt.headers(req.Header)}
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(body, TraceBodyLimit+traceSlack))
			body.Close()
			rec.Body, rec.Truncated = tt.cut(data)
			rec.BodyBytes = req.ContentLength
		}
	}
	tt.t.write(rec)

	start := time.Now()
	res, err := tt.next.RoundTrip(req)
	ans := TraceRecord{Time: tt.stamp(), ID: id, Event: "answer"}
	if err != nil {
		ans.DurationMS = ms(time.Since(start))
		ans.Error = tt.redact(errorText(err))
		tt.t.write(ans)
		return res, err
	}
	ans.Status, ans.Headers = res.StatusCode, tt.headers(res.Header)
	if res.ContentLength > 0 {
		ans.BodyBytes = res.ContentLength
	}
	if res.Body != nil {
		data, rerr := io.ReadAll(io.LimitReader(res.Body, TraceBodyLimit+traceSlack))
		ans.Body, ans.Truncated = tt.cut(data)
		rest := io.Reader(res.Body)
		if rerr != nil {
			ans.Error = tt.redact(rerr.Error())
			rest = failingReader{rerr}
		}
		// The client reads the answer as it came: what was read here,
		// then the rest (or the read's failure).
		res.Body = readCloser{io.MultiReader(bytes.NewReader(data), rest), res.Body}
	}
	ans.DurationMS = ms(time.Since(start))
	tt.t.write(ans)
	return res, nil
}

func (tt *traceTransport) stamp() string { return tt.t.now().UTC().Format(time.RFC3339Nano) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// secretHeaders are recorded as "[redacted]" whatever their value.
var secretHeaders = map[string]bool{
	"api-clientsign": true, "authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
}

// headers copies h for a trace, values joined, secrets redacted.
func (tt *traceTransport) headers(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for name, vals := range h {
		v := strings.Join(vals, ", ")
		if secretHeaders[strings.ToLower(name)] {
			v = redactedText
		}
		out[name] = tt.redact(v)
	}
	return out
}

// cut redacts the key in data, then keeps at most TraceBodyLimit bytes
// of it, ending on a whole character.
func (tt *traceTransport) cut(data []byte) (string, bool) {
	s := tt.redact(string(data))
	if len(s) <= TraceBodyLimit {
		return s, false
	}
	n := TraceBodyLimit
	for n > TraceBodyLimit-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

type readCloser struct {
	io.Reader
	io.Closer
}

// failingReader returns err once what was read before it is used up.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) {
	if errors.Is(f.err, io.EOF) {
		return 0, io.ErrUnexpectedEOF
	}
	return 0, f.err
}
