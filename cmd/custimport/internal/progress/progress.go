// Package progress owns how a running import reports its progress: a
// redrawn bar on a terminal, or a log line every few seconds when stderr
// is not a terminal (nightly jobs, CI).
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/msg"
)

// Reporter draws a job's progress from its events: subscribe Handle.
type Reporter struct {
	w        io.Writer
	tty      bool
	log      *slog.Logger
	every    time.Duration
	now      func() time.Time
	lang     string // "en" or "zh"
	mu       sync.Mutex
	total    int
	done     int
	bad      int
	start    time.Time
	lastDraw time.Time
}

// Handle takes a job's event (importer.Job.Subscribe(r.Handle)).
func (r *Reporter) Handle(ev importer.Event) {
	switch ev := ev.(type) {
	case importer.Started:
		r.Start(ev.Total)
	case importer.RowFinished:
		r.Row(ev.Result)
	case importer.Finished:
		r.Finish()
	}
}

// New returns a reporter drawing a bar on w when tty is true, otherwise
// logging a line every 5 seconds.
func New(w io.Writer, tty bool, log *slog.Logger) *Reporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reporter{w: w, tty: tty, log: log, every: 5 * time.Second, now: time.Now}
}

// Lang sets the language of the bar: "en" for English, anything else
// for Traditional Chinese. It returns r.
func (r *Reporter) Lang(lang string) *Reporter {
	r.lang = msg.Lang(lang)
	return r
}

// Start begins the report; total is -1 when unknown.
func (r *Reporter) Start(total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total, r.start = total, r.now()
	r.lastDraw = r.start
}

// Row counts one finished row.
func (r *Reporter) Row(res importer.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	if !res.Status.Good() {
		r.bad++
	}
	now := r.now()
	interval := r.every
	if r.tty {
		interval = 200 * time.Millisecond
	}
	if now.Sub(r.lastDraw) < interval {
		return
	}
	r.lastDraw = now
	r.report(now, false)
}

// Finish draws the final state.
func (r *Reporter) Finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.report(r.now(), true)
}

func (r *Reporter) report(now time.Time, final bool) {
	elapsed := now.Sub(r.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(r.done) / elapsed.Seconds()
	}
	eta := ""
	if r.total > 0 && rate > 0 && r.done < r.total {
		eta = (time.Duration(float64(r.total-r.done)/rate) * time.Second).Round(time.Second).String()
	}
	if !r.tty {
		if final {
			return // the summary follows
		}
		r.log.Info("progress", "rows", r.done, "total", r.total, "rows_per_sec", fmt.Sprintf("%.1f", rate), "not_ok", r.bad, "eta", eta)
		return
	}
	bar := ""
	if r.total > 0 {
		const width = 30
		filled := r.done * width / r.total
		if filled > width {
			filled = width
		}
		for i := 0; i < width; i++ {
			if i < filled {
				bar += "█"
			} else {
				bar += "░"
			}
		}
		fmt.Fprint(r.w, msg.In(r.lang).Sprint("progress.bar", bar, r.done, r.total, rate, eta, r.bad))
	} else {
		fmt.Fprint(r.w, msg.In(r.lang).Sprint("progress.count", r.done, rate, r.bad))
	}
	if final {
		fmt.Fprintln(r.w)
	}
}

// texts are the bar's words (namespace "progress").
var _ = msg.Register("progress", msg.Table{
	"bar":   {"\r%s %d/%d  %.1f 列/秒  ETA %s  未成功 %d   ", "\r%s %d/%d  %.1f rows/s  ETA %s  not OK %d   "},
	"count": {"\r%d 列  %.1f 列/秒  未成功 %d   ", "\r%d rows  %.1f rows/s  not OK %d   "},
})
