package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	sent    atomic.Int32
}

func (f *wireSender) Ready(ctx context.Context) error { return ctx.Err() }
func (f *wireSender) Send(_ context.Context, req tms.Request) tms.Outcome {
	f.sent.Add(1)
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

// driver sends rows through a stage: feed starts rows, end waits for
// every row fed to reach its next state.
type driver interface {
	feed(items ...*row.Item)
	end()
}

// drivers are the two ways rows go through a stage: Send from a
// goroutine per row, and Pipe (what a run does).
var drivers = []struct {
	name string
	new  func(ctx, waits context.Context, s *Stage) driver
}{
	{"Send", func(ctx, waits context.Context, s *Stage) driver { return &sendDriver{ctx: ctx, waits: waits, s: s} }},
	{"Pipe", newPipeDriver},
}

type sendDriver struct {
	ctx, waits context.Context
	s          *Stage
	wg         sync.WaitGroup
}

func (d *sendDriver) feed(items ...*row.Item) {
	for _, it := range items {
		d.wg.Go(func() { it.To(d.s.Send(d.ctx, d.waits, it)) })
	}
}

func (d *sendDriver) end() { d.wg.Wait() }

type pipeDriver struct {
	jobs    chan *row.Item
	feeders sync.WaitGroup
	piped   chan struct{}
}

func newPipeDriver(ctx, waits context.Context, s *Stage) driver {
	d := &pipeDriver{jobs: make(chan *row.Item), piped: make(chan struct{})}
	go func() {
		defer close(d.piped)
		s.Pipe(ctx, waits, d.jobs, func(*row.Item) {})
	}()
	return d
}

func (d *pipeDriver) feed(items ...*row.Item) {
	d.feeders.Go(func() {
		for _, it := range items {
			d.jobs <- it
		}
	})
}

func (d *pipeDriver) end() {
	d.feeders.Wait()
	close(d.jobs)
	<-d.piped
}

// TestSendBounds: however many goroutines send at once, at most Workers
// requests are on the wire and at most Workers creates are claimed and
// not yet settled (with the adds with a code noted and not accepted); a
// create's claim does not wait for a request to end. The same holds in
// Pipe.
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
		for _, dr := range drivers {
			t.Run(tc.name+"/"+dr.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					l := &boundLedger{}
					snd := &wireSender{release: make(chan struct{})}
					s := boundStage(workers, l, snd)
					d := dr.new(context.Background(), context.Background(), s)
					items := make([]*row.Item, 5*workers)
					for i := range items {
						items[i] = boundItem(i+2, tc.code(i))
					}
					// The first rows go first (the later ones only once
					// they are blocked), then every other row at once.
					d.feed(items[:workers]...)
					synctest.Wait()
					d.feed(items[workers:]...)
					synctest.Wait()
					if wire, _ := snd.wire.read(); wire != tc.wantWire {
						t.Errorf("%d requests on the wire with every row waiting, want %d", wire, tc.wantWire)
					}
					if open, _ := l.open.read(); open != tc.wantOpen {
						t.Errorf("%d creates claimed and not settled with every row waiting, want %d", open, tc.wantOpen)
					}
					close(snd.release)
					d.end()
					if _, most := snd.wire.read(); most > workers {
						t.Errorf("%d requests were on the wire at once, want at most --workers %d", most, workers)
					}
					if _, most := l.open.read(); most > workers {
						t.Errorf("%d creates were claimed and not settled at once, want at most --workers %d", most, workers)
					}
					if _, most := l.uncertain.read(); most > workers {
						t.Errorf("%d creates and adds with a code were in flight at once, want at most --workers %d", most, workers)
					}
					for _, it := range items {
						if r := it.Result(); r.Status != row.StatusOK {
							t.Errorf("row %d: %s %s, want OK", it.Rec.Line, r.Status, r.Message)
						}
					}
				})
			})
		}
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
		for _, dr := range drivers {
			t.Run(tc.name+"/"+dr.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					l := &boundLedger{}
					snd := &wireSender{release: make(chan struct{})}
					s := boundStage(1, l, snd)
					ctx, ctrlC := context.WithCancel(context.Background())
					waits, endWaits := context.WithCancel(ctx)
					d := dr.new(ctx, waits, s)
					d.feed(boundItem(2, "C1")) // holds the wire
					synctest.Wait()
					create := boundItem(3, "")
					d.feed(create)
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
					d.end()
					endWaits()
					if r := create.Result(); r.Status != row.StatusNotSent || r.Message != tc.wantText {
						t.Errorf("the create: %s %q, want NOT_SENT %q", r.Status, r.Message, tc.wantText)
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
}

// pauseGate is a run's pause: closed while paused.
type pauseGate struct {
	mu   sync.Mutex
	open chan struct{} // nil: not paused
}

func (g *pauseGate) pause() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = make(chan struct{})
}

func (g *pauseGate) resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.open)
	g.open = nil
}

func (g *pauseGate) Wait(ctx context.Context) error {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	if open != nil {
		select {
		case <-open:
		case <-ctx.Done():
		}
	}
	return ctx.Err()
}

// TestPausedRowsWait: a pause holds every row that has not left, those
// already through their waits (claimed, waiting for the wire) included:
// only the request in flight at the pause ends, and the rest leave after
// the resume.
func TestPausedRowsWait(t *testing.T) {
	for _, dr := range drivers {
		for _, code := range []string{"C", ""} { // rows with a code, creates
			t.Run(fmt.Sprintf("%s/code %q", dr.name, code), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					l := &boundLedger{}
					snd := &wireSender{release: make(chan struct{})}
					s := boundStage(1, l, snd)
					gate := &pauseGate{}
					s.Gate = gate
					d := dr.new(context.Background(), context.Background(), s)
					items := make([]*row.Item, 4)
					for i := range items {
						items[i] = boundItem(i+2, code)
						if code != "" {
							items[i] = boundItem(i+2, fmt.Sprint(code, i))
						}
					}
					d.feed(items[0]) // on the wire
					synctest.Wait()
					d.feed(items[1:]...) // the next one through its waits
					synctest.Wait()
					gate.pause()
					close(snd.release) // the request in flight ends
					synctest.Wait()
					if n := snd.sent.Load(); n != 1 {
						t.Errorf("%d requests left by the time the run was paused, want only the one in flight (1)", n)
					}
					gate.resume()
					d.end()
					if n := snd.sent.Load(); n != int32(len(items)) {
						t.Errorf("%d requests after the resume, want %d", n, len(items))
					}
					for _, it := range items {
						if r := it.Result(); r.Status != row.StatusOK {
							t.Errorf("row %d: %s %s, want OK", it.Rec.Line, r.Status, r.Message)
						}
					}
				})
			})
		}
	}
}

// orderSender records the lines of the requests, in the order they
// leave, and the most on the wire at once.
type orderSender struct {
	mu    sync.Mutex
	lines []string
	wire  gauge
}

func (f *orderSender) Ready(ctx context.Context) error { return ctx.Err() }
func (f *orderSender) Send(_ context.Context, req tms.Request) tms.Outcome {
	f.wire.add(1)
	defer f.wire.add(-1)
	f.mu.Lock()
	f.lines = append(f.lines, fmt.Sprint(req.Main["CNAM1"]))
	f.mu.Unlock()
	time.Sleep(time.Millisecond)
	return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "N1"}}
}

// TestPipeOneWorker: with one worker, Pipe sends one row at a time, in
// the order of jobs (TMS numbers its creates in that order), and hands
// every row to finished once, the rows not to send included.
func TestPipeOneWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		snd := &orderSender{}
		s := &Stage{Sender: snd, Ledger: &boundLedger{}, Texts: texts{}, Log: slog.New(slog.DiscardHandler), Brake: NewHalt(0, nil),
			Gate: open{}, Abort: context.Background(), Workers: 1}
		jobs := make(chan *row.Item)
		var want []string
		var mu sync.Mutex
		finished := map[int]int{}
		go func() {
			defer close(jobs)
			for i := range 30 {
				code := fmt.Sprint("C", i)
				if i%3 == 0 {
					code = ""
				}
				it := boundItem(i+2, code)
				if i%7 == 6 {
					it.Send = false // invalid, say
				} else {
					want = append(want, fmt.Sprint("甲", i+2))
				}
				jobs <- it
			}
		}()
		s.Pipe(context.Background(), context.Background(), jobs, func(it *row.Item) {
			mu.Lock()
			finished[it.Rec.Line]++
			mu.Unlock()
		})
		if !slices.Equal(snd.lines, want) {
			t.Errorf("requests left in this order:\n%v\nwant\n%v", snd.lines, want)
		}
		if _, most := snd.wire.read(); most != 1 {
			t.Errorf("%d requests on the wire at once, want 1", most)
		}
		for line := 2; line < 32; line++ {
			if finished[line] != 1 {
				t.Errorf("row %d finished %d times, want once", line, finished[line])
			}
		}
	})
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
// against Pipe (the claims overlap the requests, and each sender goes
// from one request to the next without waking another goroutine).
func BenchmarkSendOverlap(b *testing.B) {
	const workers, rows = 8, 400
	for _, tc := range []struct {
		name string
		run  func(s *Stage, jobs <-chan *row.Item)
	}{
		{"one per worker", func(s *Stage, jobs <-chan *row.Item) {
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for it := range jobs {
						s.Send(context.Background(), context.Background(), it)
					}
				})
			}
			wg.Wait()
		}},
		{"Pipe", func(s *Stage, jobs <-chan *row.Item) {
			s.Pipe(context.Background(), context.Background(), jobs, func(*row.Item) {})
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				l := &slowLedger{claim: 6 * time.Millisecond}
				s := &Stage{Sender: &slowSender{wire: 5 * time.Millisecond}, Ledger: l, Texts: texts{}, Log: slog.New(slog.DiscardHandler),
					Brake: NewHalt(0, nil), Gate: open{}, Abort: context.Background(), Workers: workers, EarlierCodes: map[string]bool{}}
				jobs := make(chan *row.Item)
				go func() {
					defer close(jobs)
					for i := range rows {
						code := fmt.Sprint("C", i)
						if i%3 == 0 {
							code = ""
						}
						jobs <- boundItem(i+2, code)
					}
				}()
				tc.run(s, jobs)
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
