package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
)

// gauge counts what is in progress and remembers the most at once.
type gauge struct {
	mu       sync.Mutex
	now, max int
}

func (g *gauge) add(d int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now += d
	g.max = max(g.max, g.now)
}

func (g *gauge) read() (now, most int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.now, g.max
}

// boundLedger counts the creates claimed and not yet settled, and the
// rows a crash could leave UNKNOWN in flight (those creates, and adds
// with a code: codes starting with A), and records which ids were
// settled how.
type boundLedger struct {
	fakeLedger
	mu        sync.Mutex
	next      int64
	settled   map[int64]string
	open      gauge // creates claimed, not settled
	uncertain gauge // open, and adds with a code noted and not accepted
}

func (l *boundLedger) Claim(context.Context, ledger.Create) (int64, error) {
	l.open.add(1)
	l.uncertain.add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next++
	return l.next, nil
}

func (l *boundLedger) Settle(id int64, state, _, _, _ string) error {
	l.mu.Lock()
	if l.settled == nil {
		l.settled = map[int64]string{}
	}
	l.settled[id] = state
	l.mu.Unlock()
	l.open.add(-1)
	l.uncertain.add(-1)
	return nil
}

func (l *boundLedger) SendingCode(code string, _ string, _ ledger.Names, _ int64) error {
	if strings.HasPrefix(code, "A") {
		l.uncertain.add(1)
	}
	return nil
}

func (l *boundLedger) Accepted(code string, _ string, _ int64) error {
	if strings.HasPrefix(code, "A") {
		l.uncertain.add(-1)
	}
	return nil
}

// wireSender holds every request until release is closed, counting the
// requests on the wire.
type wireSender struct {
	release chan struct{}
	wire    gauge
}

func (f *wireSender) Ready(ctx context.Context) error { return ctx.Err() }
func (f *wireSender) Send(_ context.Context, req tms.Request) tms.Outcome {
	f.wire.add(1)
	defer f.wire.add(-1)
	<-f.release
	code := fmt.Sprint(req.Main["CCODE"])
	if code == "" || code == "<nil>" {
		code = "N1"
	}
	return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: code}}
}

// boundItem is a row: a create (no code), an add with a code (A…) or an
// upsert (any other code).
func boundItem(line int, code string) *row.Item {
	it := &row.Item{Rec: source.Record{Line: line}}
	it.Outcome.Code, it.Outcome.Payload = code, map[string]any{"CNAM1": fmt.Sprint("甲", line), "CCODE": code, "EditItem": "2"}
	if code == "" || strings.HasPrefix(code, "A") {
		it.Outcome.Payload["EditItem"] = "0"
	}
	it.To(row.Move{Status: row.StatusValid})
	return it
}

func boundStage(workers int, l *boundLedger, snd *wireSender) *Stage {
	return &Stage{Sender: snd, Ledger: l, Texts: texts{}, Log: slog.New(slog.DiscardHandler), Brake: NewHalt(0, nil),
		Gate: open{}, Abort: context.Background(), Workers: workers}
}

// TestSendBounds: however many goroutines send at once, at most Workers
// requests are on the wire and at most Workers creates are claimed and
// not yet settled (with the adds with a code noted and not accepted); a
// create's claim does not wait for a request to end.
func TestSendBounds(t *testing.T) {
	const workers = 3
	for _, tc := range []struct {
		name string
		code func(i int) string // the code of row i; "" a create
		// when every goroutine is blocked
		wantWire, wantOpen int
	}{
		// Adds with a code could be left UNKNOWN by a crash too: they
		// hold the creates back.
		{"adds with a code first, then creates", func(i int) string {
			if i < workers {
				return fmt.Sprint("A", i)
			}
			return ""
		}, workers, 0},
		{"only creates", func(int) string { return "" }, workers, workers},
		{"only rows with a code", func(i int) string { return fmt.Sprint("C", i) }, workers, 0},
		{"only adds with a code", func(i int) string { return fmt.Sprint("A", i) }, workers, 0},
		// Rows with a code fill the wire first; the creates are claimed
		// meanwhile, waiting for a send slot.
		{"rows with a code first, then creates", func(i int) string {
			if i < workers {
				return fmt.Sprint("C", i)
			}
			return ""
		}, workers, workers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := &boundLedger{}
				snd := &wireSender{release: make(chan struct{})}
				s := boundStage(workers, l, snd)
				rows := 5 * workers
				got := make([]row.Move, rows)
				var wg sync.WaitGroup
				start := func(i int) {
					wg.Go(func() { got[i] = s.Send(context.Background(), context.Background(), boundItem(i+2, tc.code(i))) })
				}
				// The first rows go first (the later ones only once they
				// are blocked), then every other row at once.
				for i := range workers {
					start(i)
				}
				synctest.Wait()
				for i := workers; i < rows; i++ {
					start(i)
				}
				synctest.Wait()
				if wire, _ := snd.wire.read(); wire != tc.wantWire {
					t.Errorf("%d requests on the wire with every row waiting, want %d", wire, tc.wantWire)
				}
				if open, _ := l.open.read(); open != tc.wantOpen {
					t.Errorf("%d creates claimed and not settled with every row waiting, want %d", open, tc.wantOpen)
				}
				close(snd.release)
				wg.Wait()
				if _, most := snd.wire.read(); most > workers {
					t.Errorf("%d requests were on the wire at once, want at most --workers %d", most, workers)
				}
				if _, most := l.open.read(); most > workers {
					t.Errorf("%d creates were claimed and not settled at once, want at most --workers %d", most, workers)
				}
				if _, most := l.uncertain.read(); most > workers {
					t.Errorf("%d creates and adds with a code were in flight at once, want at most --workers %d", most, workers)
				}
				for i, m := range got {
					if m.Status != row.StatusOK {
						t.Errorf("row %d: %s %s, want OK", i+2, m.Status, m.Message)
					}
				}
			})
		})
	}
}

// TestSendStoppedAfterClaim: a create claimed while the wire was full is
// not sent once the run stops (sending stopped, or Ctrl-C); its claim is
// settled as nothing created, and the row is NOT_SENT.
func TestSendStoppedAfterClaim(t *testing.T) {
	for _, tc := range []struct {
		name     string
		stop     func(s *Stage, ctrlC context.CancelFunc)
		endWaits bool // the waits end with the stop (the wire frees only after)
		wantText string
	}{
		{"sending stopped", func(s *Stage, _ context.CancelFunc) { s.Brake.Stop(ErrResults) }, true, texts{}.NotSent(ErrResults)},
		{"sending stopped as the wire frees", func(s *Stage, _ context.CancelFunc) { s.Brake.Stop(ErrResults) }, false, texts{}.NotSent(ErrResults)},
		{"Ctrl-C", func(_ *Stage, ctrlC context.CancelFunc) { ctrlC() }, true, texts{}.Interrupted()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := &boundLedger{}
				snd := &wireSender{release: make(chan struct{})}
				s := boundStage(1, l, snd)
				ctx, ctrlC := context.WithCancel(context.Background())
				waits, endWaits := context.WithCancel(ctx)
				var wg sync.WaitGroup
				wg.Go(func() { s.Send(ctx, waits, boundItem(2, "C1")) }) // holds the wire
				synctest.Wait()
				var m row.Move
				wg.Go(func() { m = s.Send(ctx, waits, boundItem(3, "")) })
				synctest.Wait()
				if open, _ := l.open.read(); open != 1 {
					t.Fatalf("the create waiting for the wire: %d claims open, want 1", open)
				}
				tc.stop(s, ctrlC)
				if tc.endWaits {
					endWaits() // as the run does when sending stops
				}
				synctest.Wait()
				close(snd.release)
				wg.Wait()
				endWaits()
				if m.Status != row.StatusNotSent || m.Message != tc.wantText {
					t.Errorf("the create: %s %q, want NOT_SENT %q", m.Status, m.Message, tc.wantText)
				}
				if _, most := snd.wire.read(); most != 1 {
					t.Errorf("%d requests on the wire at most, want 1: the create left after the stop", most)
				}
				if l.settled[1] != ledger.Refused {
					t.Errorf("the create's claim settled %q, want %q (nothing created)", l.settled[1], ledger.Refused)
				}
			})
		})
	}
}

// TestGoroutines: one worker sends one row at a time, in order; more
// keep as many creates waiting for their claims as requests on the wire.
func TestGoroutines(t *testing.T) {
	for _, tc := range []struct{ workers, want int }{{0, 1}, {1, 1}, {2, 4}, {8, 16}} {
		t.Run(fmt.Sprint(tc.workers), func(t *testing.T) {
			if got := (&Stage{Workers: tc.workers}).Goroutines(); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// slowLedger's claims take claim (a commit); slowSender's requests take
// wire.
type slowLedger struct {
	boundLedger
	claim time.Duration
}

func (l *slowLedger) Claim(ctx context.Context, c ledger.Create) (int64, error) {
	time.Sleep(l.claim)
	return l.boundLedger.Claim(ctx, c)
}

type slowSender struct{ wire time.Duration }

func (f *slowSender) Ready(ctx context.Context) error { return ctx.Err() }
func (f *slowSender) Send(context.Context, tms.Request) tms.Outcome {
	time.Sleep(f.wire)
	return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "N1"}}
}

// BenchmarkSendOverlap sends rows, a third of them creates whose claim
// takes 6 ms, with 8 workers and a 5 ms server: as many goroutines as
// workers (each holds its row's send slot through the claim, as before)
// against Goroutines (the claims overlap the requests).
func BenchmarkSendOverlap(b *testing.B) {
	const workers, rows = 8, 400
	for _, tc := range []struct {
		name       string
		goroutines int
	}{{"one per worker", workers}, {"Goroutines", (&Stage{Workers: workers}).Goroutines()}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				l := &slowLedger{claim: 6 * time.Millisecond}
				s := &Stage{Sender: &slowSender{wire: 5 * time.Millisecond}, Ledger: l, Texts: texts{}, Log: slog.New(slog.DiscardHandler),
					Brake: NewHalt(0, nil), Gate: open{}, Abort: context.Background(), Workers: workers, EarlierCodes: map[string]bool{}}
				jobs := make(chan *row.Item)
				var wg sync.WaitGroup
				for range tc.goroutines {
					wg.Go(func() {
						for it := range jobs {
							s.Send(context.Background(), context.Background(), it)
						}
					})
				}
				for i := range rows {
					code := fmt.Sprint("C", i)
					if i%3 == 0 {
						code = ""
					}
					jobs <- boundItem(i+2, code)
				}
				close(jobs)
				wg.Wait()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
