package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// handlerTransport serves requests with an http.Handler in memory: no
// network, so a synctest bubble's clock can run the whole import.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	res := rec.Result()
	res.Request = req
	return res, nil
}

// simSending is the sending side a run gets from connect.NewSending, with
// the default retry policy, rate and limiter, talking to sim in memory.
func simSending(t *testing.T, sim *tmssim.Server, pno, key string) (*tms.Sender, *tms.AdaptiveLimiter) {
	t.Helper()
	c, err := tms.New(tms.Config{BaseURL: "http://127.0.0.1:1", PNO: pno, Key: key, HTTPClient: &http.Client{Transport: handlerTransport{sim}}})
	if err != nil {
		t.Fatal(err)
	}
	lim := tms.NewAdaptiveLimiter(10)
	return &tms.Sender{Client: c, Throttle: lim}, lim
}

// An always-busy TMS (HTTP 429, Retry-After: 86400) with the default
// settings (4 workers, 10 req/s, 5 attempts, 60 s max retry wait, stop
// after 20): the run ends in minutes, not days, with the rows given up as
// busy FAILED, the rest NOT_SENT, nothing stored, and the summary saying
// TMS kept answering busy and how long it asked to wait. The clock is
// synctest's: the minutes pass at once.
func TestAlwaysBusyEndsInMinutes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim, err := tmssim.New(tmssim.Config{PNO: "P", Key: "busy-key", AlwaysBusy: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		defer sim.Close()
		sender, lim := simSending(t, sim, "P", "busy-key")
		var b strings.Builder
		b.WriteString("CCODE,CNAM1,CBELE\n")
		for i := range 200 {
			code := ""
			if i%2 == 0 {
				code = fmt.Sprintf("B%04d", i)
			}
			fmt.Fprintf(&b, "%s,客戶%d,1\n", code, i)
		}
		in := writeFile(t, "in.csv", b.String())
		out := filepath.Join(filepath.Dir(in), "out.csv")
		start := time.Now()
		sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: sender, RateReport: lim.Rate, Ledger: newLedger(t)})
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		t.Logf("took %v: %v, %d requests", took, sum.Counts, sim.Stats().Requests) // 4 to 5 minutes; 36 when every row was retried
		if took > 8*time.Minute {
			t.Errorf("the run took %v; an always-busy TMS must stop it in minutes", took)
		}
		if n := len(sim.Customers()); n != 0 {
			t.Errorf("the simulator stored %d customers, want 0", n)
		}
		failed, notSent := sum.Counts[StatusFailed], sum.Counts[StatusNotSent]
		if failed < DefaultMaxConsecutiveFailures || failed > DefaultMaxConsecutiveFailures+4 || failed+notSent != 200 {
			t.Errorf("got %v; want 20 to 24 rows FAILED (given up as busy) and the rest NOT_SENT", sum.Counts)
		}
		if !sum.Interrupted || sum.AllGood() || sum.BusyWait != 24*time.Hour {
			t.Errorf("summary: interrupted %t, all good %t, busy wait %v; want an interrupted run, not all good, TMS asking 24h", sum.Interrupted, sum.AllGood(), sum.BusyWait)
		}
		if !strings.Contains(sum.Stopped, "busy") || !strings.Contains(sum.Stopped, "24h") {
			t.Errorf("Stopped: %q, want it to say TMS kept answering busy and asked for 24h", sum.Stopped)
		}
		if got := sim.Stats().Requests; got > int64(failed) {
			t.Errorf("the simulator got %d requests for %d rows given up: a row asked to wait a day is not retried", got, failed)
		}
		rows := readCSV(t, out)
		for i, r := range rows[1:] {
			switch r[3] {
			case "NOT_SENT":
				if !strings.Contains(r[6], "忙碌") || !strings.Contains(r[6], "24 小時") {
					t.Errorf("row %d NOT_SENT message %q: want it to say TMS kept answering busy and asked to wait 24 小時", i+2, r[6])
				}
			case "FAILED":
				if r[5] != "HTTP429" || !strings.Contains(r[6], "24 小時") {
					t.Errorf("row %d FAILED %s %q: want HTTP429 and the wait TMS asked for", i+2, r[5], r[6])
				}
			default:
				t.Errorf("row %d: status %s, want FAILED or NOT_SENT", i+2, r[3])
			}
		}
	})
}
