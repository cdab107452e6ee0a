package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

const (
	testPNO = "TMSDEMOWEB"
	testKey = "0123456789abcdef-secret"
)

// waits records the waits of a check instead of waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func newSim(t *testing.T, mod func(*tmssim.Config)) (*tmssim.Server, *httptest.Server) {
	t.Helper()
	cfg := tmssim.Config{PNO: testPNO, Key: testKey}
	if mod != nil {
		mod(&cfg)
	}
	sim, err := tmssim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

func newClient(t *testing.T, base string, mod func(*tms.Config)) *tms.Client {
	t.Helper()
	cfg := tms.Config{BaseURL: base, PNO: testPNO, Key: testKey, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := tms.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nothingCreated fails the test when the simulator saw a /Cust/Add or
// stores a customer.
func nothingCreated(t *testing.T, sim *tmssim.Server) {
	t.Helper()
	if st := sim.Stats(); st.Requests != 0 || len(sim.Customers()) != 0 {
		t.Errorf("the test reached /Cust/Add: %+v, %d customers", st, len(sim.Customers()))
	}
}

// TestFindEveryPreset: whatever preset the simulator signs with, a
// client set to the default recipe finds it, sending one query at a
// time, Pace apart, and never anything to /Cust/Add.
func TestFindEveryPreset(t *testing.T) {
	for _, p := range tms.Presets {
		t.Run(p.Recipe.String(), func(t *testing.T) {
			sim, srv := newSim(t, func(c *tmssim.Config) { c.Recipe = p.Recipe })
			c := newClient(t, srv.URL, nil)
			w := &waits{}
			o := Options{URL: srv.URL, Sleep: w.sleep, Pace: 700 * time.Millisecond}
			v := Check(context.Background(), c, o)
			if p.Recipe == tms.DefaultRecipe {
				if v.Code != Accepted || v.Recipe != p.Recipe.String() || !v.OK() {
					t.Fatalf("default recipe: %+v", v)
				}
				nothingCreated(t, sim)
				return
			}
			if v.Code != Signature || v.OK() {
				t.Fatalf("check with the default recipe: %s, want %s", v.Code, Signature)
			}
			found := FindRecipe(context.Background(), c, o, v)
			if found.Code != RecipeFound || found.Recipe != p.Recipe.String() || found.OK() {
				t.Fatalf("FindRecipe: %s %q, want %s %q", found.Code, found.Recipe, RecipeFound, p.Recipe.String())
			}
			if found.Current != tms.DefaultRecipe.String() {
				t.Errorf("Current %q", found.Current)
			}
			if st := sim.Stats(); st.Queries != int64(found.Attempts) || int(st.Queries) != found.Tried+1 {
				t.Errorf("%d queries, verdict says %d attempts and %d recipes tried", st.Queries, found.Attempts, found.Tried)
			}
			if len(w.d) != found.Tried {
				t.Errorf("%d waits for %d recipes tried: one before each", len(w.d), found.Tried)
			}
			for _, d := range w.d {
				if d != o.Pace {
					t.Errorf("waited %v between recipes, want %v", d, o.Pace)
				}
			}
			// Set to the recipe found, the check passes.
			again := Check(context.Background(), newClient(t, srv.URL, func(c *tms.Config) { c.Recipe = p.Recipe }), Options{URL: srv.URL, Recipe: p.Recipe})
			if !again.OK() || again.Recipe != p.Recipe.String() {
				t.Errorf("with the recipe found: %+v", again)
			}
			nothingCreated(t, sim)
		})
	}
}

// TestWrongSettings: each wrong setting, one at a time, gives its own
// verdict against the simulator.
func TestWrongSettings(t *testing.T) {
	tests := []struct {
		name    string
		sim     func(*tmssim.Config)
		client  func(*tms.Config)
		find    bool
		want    Code
		setting Setting
	}{
		{"right", nil, nil, false, Accepted, ""},
		{"pno", nil, func(c *tms.Config) { c.PNO = "OTHER" }, false, PNO, SettingPNO},
		{"pno, searching", nil, func(c *tms.Config) { c.PNO = "OTHER" }, true, PNO, SettingPNO},
		{"key", nil, func(c *tms.Config) { c.Key = "not-the-key" }, false, Signature, SettingKey},
		{"key, searching", nil, func(c *tms.Config) { c.Key = "not-the-key" }, true, NoRecipe, SettingKey},
		{"recipe", func(c *tmssim.Config) { c.Recipe = tms.Recipe{Method: "hmac-sha512", Template: "{body}"} }, nil, false, Signature, SettingRecipe},
		{"recipe, searching", func(c *tmssim.Config) { c.Recipe = tms.Recipe{Method: "hmac-sha512", Template: "{body}"} }, nil, true, RecipeFound, SettingRecipe},
		{"clock", func(c *tmssim.Config) { c.ClockSkew = 10 * time.Minute }, nil, false, ClockOff, SettingClock},
		{"clock behind", func(c *tmssim.Config) { c.ClockSkew = -10 * time.Minute }, nil, false, ClockOff, SettingClock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, srv := newSim(t, tt.sim)
			c := newClient(t, srv.URL, tt.client)
			w := &waits{}
			o := Options{URL: srv.URL, Sleep: w.sleep}
			v := Check(context.Background(), c, o)
			if tt.find {
				v = FindRecipe(context.Background(), c, o, v)
			}
			if v.Code != tt.want {
				t.Fatalf("got %s (%s), want %s", v.Code, v.Text("en"), tt.want)
			}
			if tt.setting != "" && !slices.Contains(v.Settings, tt.setting) {
				t.Errorf("settings %v, want %s among them", v.Settings, tt.setting)
			}
			if !strings.Contains(v.URL, srv.URL+"/Product/QueryList") {
				t.Errorf("URL %q", v.URL)
			}
			nothingCreated(t, sim)
		})
	}
}

// TestClockOffset: a simulator 10 minutes ahead is reported as this
// computer being 600 s behind, in both languages, and the search for a
// recipe signs from TMS's clock.
func TestClockOffset(t *testing.T) {
	_, srv := newSim(t, func(c *tmssim.Config) { c.ClockSkew = 10 * time.Minute })
	v := Check(context.Background(), newClient(t, srv.URL, nil), Options{URL: srv.URL})
	if v.Code != ClockOff || v.Attempts != 2 || v.TMSCode != "9003" {
		t.Fatalf("got %+v", v)
	}
	if off := v.Clock.Offset; off < 595*time.Second || off > 605*time.Second {
		t.Errorf("offset %v, want about 10 minutes", off)
	}
	if got := v.Clock.Text("zh"); !strings.Contains(got, "慢 600 秒") && !strings.Contains(got, "慢 599 秒") && !strings.Contains(got, "慢 601 秒") {
		t.Errorf("zh clock line %q", got)
	}
	if got := v.Text("en"); !strings.Contains(got, "9003 Timestamp已過期") || !strings.Contains(got, "clock") {
		t.Errorf("en %q", got)
	}

	// The clock and the recipe both wrong.
	_, srv = newSim(t, func(c *tmssim.Config) {
		c.ClockSkew = -10 * time.Minute
		c.Recipe = tms.Recipe{Method: "hmac-sha512", Template: "{timestamp}{body}"}
	})
	c := newClient(t, srv.URL, nil)
	o := Options{URL: srv.URL, Sleep: (&waits{}).sleep}
	v = Check(context.Background(), c, o)
	if v.Code != Signature || !v.ClockRefused || !v.Clock.Known {
		t.Fatalf("got %+v", v)
	}
	if got := v.Text("zh"); !strings.Contains(got, "時間") {
		t.Errorf("zh %q does not say the clock is off too", got)
	}
	found := FindRecipe(context.Background(), c, o, v)
	if found.Code != RecipeFound || found.Recipe != "hmac-sha512:{timestamp}{body}" || !found.ClockRefused {
		t.Errorf("FindRecipe: %+v", found)
	}

	// No Date header: the offset cannot be told.
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey, ClockSkew: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	noDate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sim.ServeHTTP(dropDate{w}, r)
	}))
	defer noDate.Close()
	v = Check(context.Background(), newClient(t, noDate.URL, nil), Options{URL: noDate.URL})
	if v.Code != Clock || v.Clock.Known || v.Attempts != 1 {
		t.Errorf("without a Date header: %+v", v)
	}
}

// dropDate removes the Date header an answer would carry.
type dropDate struct{ http.ResponseWriter }

func (d dropDate) WriteHeader(code int) {
	d.Header()["Date"] = nil
	d.ResponseWriter.WriteHeader(code)
}

func (d dropDate) Write(b []byte) (int, error) {
	d.Header()["Date"] = nil
	return d.ResponseWriter.Write(b)
}

// TestRetries: transient failures are retried as a send is, busy
// answers honour Retry-After, and what is not transient is asked once.
func TestRetries(t *testing.T) {
	_, simSrv := newSim(t, nil)
	target, _ := url.Parse(simSrv.URL)
	flaky := func(fails int, status int, header http.Header) *httptest.Server {
		var n atomic.Int32
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if int(n.Add(1)) <= fails {
				for k, v := range header {
					w.Header()[k] = v
				}
				w.WriteHeader(status)
				return
			}
			r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
			res, err := http.DefaultTransport.RoundTrip(r.Clone(r.Context()))
			if err != nil {
				w.WriteHeader(http.StatusTeapot)
				return
			}
			defer res.Body.Close()
			for k, v := range res.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(res.StatusCode)
			buf := make([]byte, 4096)
			n, _ := res.Body.Read(buf)
			w.Write(buf[:n])
		}))
	}
	tests := []struct {
		name     string
		srv      *httptest.Server
		attempts int
		want     Code
		sent     int
		waits    []time.Duration
	}{
		{"502 twice, then an answer", flaky(2, 502, nil), 5, Accepted, 3, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{"502 more than the attempts", flaky(9, 502, nil), 3, HTTPStatus, 3, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{"busy asks for 3 s", flaky(1, 429, http.Header{"Retry-After": {"3"}}), 5, Accepted, 2, []time.Duration{3 * time.Second}},
		{"busy asks for a day", flaky(9, 503, http.Header{"Retry-After": {"86400"}}), 2, Busy, 2, []time.Duration{tms.DefaultMaxRetryWait}},
		{"404 is asked once", flaky(9, 404, nil), 5, NotFound, 1, nil},
		{"403 is asked once", flaky(9, 403, nil), 5, HTTPStatus, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer tt.srv.Close()
			w := &waits{}
			v := Check(context.Background(), newClient(t, tt.srv.URL, nil), Options{URL: tt.srv.URL, Attempts: tt.attempts, Sleep: w.sleep})
			if v.Code != tt.want || v.Attempts != tt.sent {
				t.Fatalf("got %s after %d requests, want %s after %d", v.Code, v.Attempts, tt.want, tt.sent)
			}
			if len(w.d) != len(tt.waits) {
				t.Fatalf("waits %v, want %v", w.d, tt.waits)
			}
			for i := range w.d {
				if w.d[i] != tt.waits[i] {
					t.Errorf("waits %v, want %v", w.d, tt.waits)
				}
			}
		})
	}
}

// TestNetworkVerdicts: real failures from a real client, each named.
func TestNetworkVerdicts(t *testing.T) {
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	handler := func(status int, body string, header http.Header) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
		})
	}
	tlsSrv := httptest.NewTLSServer(handler(200, `{"Status":"S"}`, nil))
	defer tlsSrv.Close()
	plain := httptest.NewServer(handler(200, `{"Status":"S"}`, nil))
	defer plain.Close()
	html := httptest.NewServer(handler(200, "<html><body>歡迎光臨</body></html>", nil))
	defer html.Close()
	redirect := httptest.NewServer(handler(302, "", http.Header{"Location": {"https://elsewhere.example/"}}))
	defer redirect.Close()
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}))
	defer reset.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release) // before Close, which waits for the handler
	proxyTo := closed()

	tests := []struct {
		name string
		base string
		mod  func(*tms.Config)
		want Code
	}{
		{"nothing listens", "http://" + closed(), nil, Connect},
		{"untrusted certificate", tlsSrv.URL, nil, TLSCertificate},
		{"https to plain http", strings.Replace(plain.URL, "http://", "https://", 1), nil, TLS},
		{"a web page", html.URL, nil, BadAnswer},
		{"a redirect", redirect.URL, nil, Redirect},
		{"a reset", reset.URL, nil, Reset},
		{"no answer in time", slow.URL, func(c *tms.Config) { c.Timeout = 100 * time.Millisecond }, Timeout},
		{"a proxy that is not there", "http://tms.example:8080", func(c *tms.Config) {
			c.AllowHTTP = true
			c.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: proxyTo})}}
		}, Proxy},
		{"a host name that is not", "http://tms.invalid", func(c *tms.Config) { c.AllowHTTP = true }, DNS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(context.Background(), newClient(t, tt.base, tt.mod), Options{URL: tt.base})
			if v.Code != tt.want {
				t.Fatalf("got %s (%v), want %s", v.Code, v.Err, tt.want)
			}
			if v.Action() != Stop && v.Code != BadAnswer {
				t.Errorf("action %s", v.Action())
			}
			for _, lang := range []string{"zh", "en"} {
				if got := v.Text(lang); !strings.Contains(got, tms.RedactURL(tt.base)) && tt.want != TLSCertificate && tt.want != DNS {
					t.Errorf("%s: %q does not name the URL", lang, got)
				}
			}
		})
	}
}

// TestURLRedacted: user info in the URL never reaches a verdict.
func TestURLRedacted(t *testing.T) {
	o := Options{URL: "https://user:pass@tms.example/api/"}
	if got := o.shownURL(); got != "https://xxxxx@tms.example/api/Product/QueryList" {
		t.Errorf("shown %q", got)
	}
}

// TestCancelled: a check whose context ends says so, and the search
// stops at once.
func TestCancelled(t *testing.T) {
	_, srv := newSim(t, func(c *tmssim.Config) { c.Recipe = tms.Recipe{Method: "hmac-sha512", Template: "{body}"} })
	c := newClient(t, srv.URL, nil)
	v := Check(context.Background(), c, Options{URL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := FindRecipe(ctx, c, Options{URL: srv.URL}, v); got.Code != Cancelled || got.Tried != 0 {
		t.Errorf("got %+v", got)
	}
	if got := FindRecipe(context.Background(), c, Options{URL: srv.URL}, Verdict{Code: PNO}); got.Code != PNO {
		t.Errorf("FindRecipe after %s searched: %s", PNO, got.Code)
	}
}
