package tmssim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

// send posts a signed request to a real listening server.
func send(t *testing.T, url, main string) (*http.Response, error) {
	t.Helper()
	req := signed(tms.Recipe{}, testKey, testNow, body(main))
	out, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/Cust/Add", req.Body)
	if err != nil {
		t.Fatal(err)
	}
	out.Header = req.Header
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return noFollow.Do(out)
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		cfg        func(*Config)
		wantStatus int // 0: connection error
		wantStored bool
	}{
		{"none", func(*Config) {}, http.StatusOK, true},
		{"FailRate 1: 500 after processing", func(c *Config) { c.FailRate = 1 }, http.StatusInternalServerError, true},
		{"RejectRate 1: 503 before processing", func(c *Config) { c.RejectRate = 1 }, http.StatusServiceUnavailable, false},
		{"ResetRate 1: reset after processing", func(c *Config) { c.ResetRate = 1 }, 0, true},
		{"RejectRate wins over FailRate", func(c *Config) { c.RejectRate, c.FailRate = 1, 1 }, http.StatusServiceUnavailable, false},
		{"RedirectRate 1: 303 after processing", func(c *Config) { c.RedirectRate = 1 }, http.StatusSeeOther, true},
		{"DuplicateKeyRate 1: 200 after processing", func(c *Config) { c.DuplicateKeyRate = 1 }, http.StatusOK, true},
		{"AlwaysBusy: 429 before processing", func(c *Config) { c.AlwaysBusy = 24 * time.Hour }, http.StatusTooManyRequests, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, func(c *Config) { tt.cfg(c); c.Seed = 1 })
			ts := httptest.NewServer(s)
			defer ts.Close()
			resp, err := send(t, ts.URL, `{"CCODE":"F1","EditItem":0,"CBELE":0}`)
			if tt.wantStatus == 0 {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("got HTTP %d, want a connection error", resp.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatalf("got %v, want HTTP %d", err, tt.wantStatus)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("got HTTP %d %q, want %d", resp.StatusCode, b, tt.wantStatus)
				}
			}
			if stored := customer(s, "F1") != nil; stored != tt.wantStored {
				t.Errorf("stored: got %v, want %v", stored, tt.wantStored)
			}
		})
	}
}

func TestFaultRatesAreSeeded(t *testing.T) {
	// With a fixed seed, a sequential run sees the same faults every time,
	// and a rate of 0.5 fails some requests but not all.
	run := func() []int {
		s := newSim(t, func(c *Config) { c.FailRate = 0.5; c.Seed = 42 })
		var codes []int
		for i := range 40 {
			_, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(`{"AutoCCODE":1,"CBELE":0,"CNAM1":"`+string(rune('a'+i%26))+`"}`)))
			codes = append(codes, rec.Code)
		}
		if got := len(s.Customers()); got != 40 {
			t.Errorf("stored %d, want 40 (FailRate fails after processing)", got)
		}
		return codes
	}
	a, b := run(), run()
	fails := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: got %d then %d, want the same with the same seed", i, a[i], b[i])
		}
		if a[i] == http.StatusInternalServerError {
			fails++
		}
	}
	if fails == 0 || fails == len(a) {
		t.Errorf("got %d failures of %d at rate 0.5, want some but not all", fails, len(a))
	}
}

func TestRateLimit(t *testing.T) {
	now := testNow
	s := newSim(t, func(c *Config) { c.RateLimit = 2; c.Now = func() time.Time { return now } })
	statuses := func(n int) []int {
		var out []int
		for range n {
			_, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(`{"AutoCCODE":1,"CBELE":0}`)))
			out = append(out, rec.Code)
			if rec.Code == http.StatusTooManyRequests {
				if got := rec.Header().Get("Retry-After"); got != "1" {
					t.Errorf("Retry-After: got %q, want %q", got, "1")
				}
			}
		}
		return out
	}
	got := statuses(3)
	if want := []int{200, 200, 429}; !equalInts(got, want) {
		t.Errorf("burst: got %v, want %v", got, want)
	}
	now = now.Add(500 * time.Millisecond) // one token back
	if got, want := statuses(2), []int{200, 429}; !equalInts(got, want) {
		t.Errorf("after 0.5 s: got %v, want %v", got, want)
	}
	if got, want := len(s.Customers()), 3; got != want {
		t.Errorf("stored %d, want %d (429 stores nothing)", got, want)
	}
	if got := s.Stats().RateLimited; got != 2 {
		t.Errorf("Stats.RateLimited: got %d, want 2", got)
	}

	slow := newSim(t, func(c *Config) { c.RateLimit = 0.1; c.Now = func() time.Time { return now } })
	serve(t, slow, signed(tms.Recipe{}, testKey, testNow, body(`{"AutoCCODE":1,"CBELE":0}`)))
	_, rec := serve(t, slow, signed(tms.Recipe{}, testKey, testNow, body(`{"AutoCCODE":1,"CBELE":0}`)))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "10" {
		t.Errorf("got %d Retry-After %q, want 429 and 10", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLatency(t *testing.T) {
	s := newSim(t, func(c *Config) { c.Latency = 30 * time.Millisecond; c.Jitter = 10 * time.Millisecond })
	start := time.Now()
	mustAdd(t, s, `{"AutoCCODE":1,"CBELE":0}`)
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("took %v, want at least Latency-Jitter = 20ms", d)
	}
	// A client that gives up during the delay gets nothing and stores nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := signed(tms.Recipe{}, testKey, testNow, body(`{"CCODE":"L1","EditItem":0,"CBELE":0}`)).WithContext(ctx)
	s.ServeHTTP(httptest.NewRecorder(), req)
	if customer(s, "L1") != nil {
		t.Errorf("stored a request whose client left, want nothing")
	}
}

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	for _, interval := range []time.Duration{0, -1} {
		t.Run(map[bool]string{true: "periodic", false: "every change"}[interval == 0], func(t *testing.T) {
			os.Remove(path)
			s1 := newSim(t, func(c *Config) { c.StatePath = path; c.SaveInterval = interval })
			mustAdd(t, s1, `{"AutoCCODE":1,"CBELE":"12.5","CNAM1":"王小明"}`)
			mustAdd(t, s1, `{"CCODE":"K1","EditItem":0,"CBELE":0,"CPhone":"0933555666"}`)
			if interval < 0 {
				if _, err := os.Stat(path); err != nil {
					t.Fatalf("state not written after a change: %v", err)
				}
			}
			if err := s1.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			want := s1.Customers()

			s2 := newSim(t, func(c *Config) { c.StatePath = path; c.SaveInterval = interval })
			got := s2.Customers()
			if len(got) != len(want) {
				t.Fatalf("got %d customers, want %d", len(got), len(want))
			}
			for i := range want {
				if g, w := text(got[i]), text(want[i]); !mapsEqual(g, w) {
					t.Errorf("customer %d:\n got %v\nwant %v", i, g, w)
				}
			}
			if code := mustAdd(t, s2, `{"AutoCCODE":1,"CBELE":0}`); code != "000002" {
				t.Errorf("numbering after restart: got %q, want %q", code, "000002")
			}
			if resp := post(t, s2, `{"CCODE":"K1","EditItem":0,"CBELE":0}`); resp.ErrorCode != CodeExists {
				t.Errorf("re-adding a restored code: got %q, want %q", resp.ErrorCode, CodeExists)
			}
			s2.Close()
			if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".state.json.tmp*")); len(matches) != 0 {
				t.Errorf("temporary files left behind: %v", matches)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func TestStatePeriodicSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := newSim(t, func(c *Config) { c.StatePath = path; c.SaveInterval = 10 * time.Millisecond })
	mustAdd(t, s, `{"CCODE":"P1","EditItem":0,"CBELE":0}`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), `"P1"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state file not saved by the periodic saver: %v %q", err, data)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBadStateFile(t *testing.T) {
	tests := []struct{ name, content string }{
		{"not JSON", "{"},
		{"customer without CCODE", `{"version":1,"seq":0,"customers":[{"CNAM1":"x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := testConfig()
			cfg.StatePath = path
			if _, err := New(cfg); !errors.Is(err, ErrBadState) {
				t.Errorf("got %v, want ErrBadState", err)
			}
		})
	}
}

func TestStateFileFromTestdata(t *testing.T) {
	// testdata/state.json was written by hand, in the documented layout.
	src, err := os.ReadFile(filepath.Join("testdata", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newSim(t, func(c *Config) { c.StatePath = path })
	if got := text(customer(s, "000007")); got["CNAM1"] != "王小明" || got["CBELE"] != "#1000.50" {
		t.Errorf("got %v, want CNAM1 王小明 and CBELE 1000.50", got)
	}
	if code := mustAdd(t, s, `{"AutoCCODE":1,"CBELE":0}`); code != "000008" {
		t.Errorf("got %q, want %q (seq 7 in the file)", code, "000008")
	}
}

func TestListenAndServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(t.Context())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	cfg := testConfig()
	cfg.StatePath = path
	go func() { done <- ListenAndServe(ctx, "127.0.0.1:0", cfg, func(u string) { urls <- u }) }()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("ListenAndServe returned early: %v", err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url: got %q, want http://127.0.0.1:PORT", url)
	}
	resp, err := send(t, url, `{"CCODE":"S1","EditItem":0,"CBELE":0}`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `{"Status":"S","CCODE":"S1","ErrorCode":"0000","ErrorMessage":""}`; strings.TrimSpace(string(b)) != want {
		t.Errorf("got %q, want %q", b, want)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ListenAndServe: got %v, want nil after ctx is done", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not stop")
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), `"S1"`) {
		t.Errorf("state not saved on shutdown: %v %q", err, data)
	}
	if _, err := http.Get(url + "/_sim/customers"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}

func TestLogNeverShowsSecrets(t *testing.T) {
	var buf bytes.Buffer
	s := newSim(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	req := signed(tms.Recipe{}, testKey, testNow, body(`{"CCODE":"G1","EditItem":0,"CBELE":0}`))
	sig := req.Header.Get("api-ClientSign")
	serve(t, s, req)
	bad := signed(tms.Recipe{}, testKey, testNow, body(`{"CCODE":"G2","EditItem":0,"CBELE":0}`))
	bad.Header.Set("api-ClientSign", strings.Repeat("0", 128))
	serve(t, s, bad)
	out := buf.String()
	if !strings.Contains(out, "code=0000") || !strings.Contains(out, "code=9002") {
		t.Errorf("log %q: want one Debug line per request with its code", out)
	}
	for _, secret := range []string{testKey, sig, strings.Repeat("0", 128)} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret %q", secret)
		}
	}
}

// TestFaultAnswers checks what the misbehaving answers say: the redirect's
// target, the duplicated Status, the always-busy Retry-After.
func TestFaultAnswers(t *testing.T) {
	t.Run("duplicate key: Status again, opposite", func(t *testing.T) {
		for _, tt := range []struct{ main, first, second string }{
			{`{"CCODE":"D1","EditItem":0,"CBELE":0}`, `"Status":"S"`, `"status":"E"}`},
			{`{"CCODE":"D2","EditItem":1,"CNAM1":"x"}`, `"Status":"E"`, `"status":"S"}`}, // D2 does not exist
		} {
			s := newSim(t, func(c *Config) { c.DuplicateKeyRate = 1 })
			resp, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(tt.main)))
			got := rec.Body.String()
			if !strings.HasPrefix(got, "{"+tt.first) || !strings.HasSuffix(got, tt.second) {
				t.Errorf("answer %s (%+v): want it to start with %s and end with %s", got, resp, tt.first, tt.second)
			}
			if n := s.Stats().DuplicateKeys; n != 1 {
				t.Errorf("Stats.DuplicateKeys: got %d, want 1", n)
			}
		}
	})
	t.Run("redirect: 303 to the list", func(t *testing.T) {
		s := newSim(t, func(c *Config) { c.RedirectRate = 1 })
		_, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(`{"AutoCCODE":1,"CBELE":0,"CNAM1":"r"}`)))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/Cust/List" {
			t.Errorf("got HTTP %d Location %q, want 303 /Cust/List", rec.Code, rec.Header().Get("Location"))
		}
		if n := len(s.Customers()); n != 1 || s.Stats().Redirected != 1 {
			t.Errorf("got %d customers and %d redirects, want 1 and 1", n, s.Stats().Redirected)
		}
	})
	t.Run("always busy: Retry-After in seconds", func(t *testing.T) {
		s := newSim(t, func(c *Config) { c.AlwaysBusy = 24 * time.Hour })
		for range 3 {
			_, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(`{"AutoCCODE":1,"CBELE":0,"CNAM1":"b"}`)))
			if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "86400" {
				t.Errorf("got HTTP %d Retry-After %q, want 429 86400", rec.Code, rec.Header().Get("Retry-After"))
			}
		}
		if st := s.Stats(); st.RateLimited != 3 || st.Added != 0 || len(s.Customers()) != 0 {
			t.Errorf("got %+v and %d customers, want 3 rate-limited and nothing stored", st, len(s.Customers()))
		}
	})
	t.Run("negative AlwaysBusy refused", func(t *testing.T) {
		if _, err := New(Config{PNO: testPNO, Key: testKey, AlwaysBusy: -time.Second}); err == nil {
			t.Error("got no error")
		}
	})
}
