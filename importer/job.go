package importer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/custimport/custimport/importer/internal/prepare"
)

// ErrStoppedByUser is the Stopped event's error when Stop was called or
// Run's context ended.
var ErrStoppedByUser = errors.New("the import was stopped")

// Job is one import or check of one input. Build it with NewJob, subscribe
// to its events, then Run it once; Pause, Resume, Stop and Abort may be
// called from any goroutine while it runs.
//
//	job := importer.NewJob(opts)
//	job.Subscribe(func(ev importer.Event) { ... })
//	sum, err := job.Run(ctx)
type Job struct {
	opts Options

	subMu sync.Mutex // serialises the calls to subscribers
	subs  map[int]func(Event)
	nSubs atomic.Int32 // len(subs), read without the lock
	nextS int

	gate gate

	stopOnce  sync.Once
	stopCh    chan struct{} // closed by Stop
	abortOnce sync.Once
	abortCh   chan struct{} // closed by Abort

	runOnce sync.Once

	// replay, when set, replaces reading and checking the rows: a
	// Checker's rows, each checked once (checker.go).
	replay *prepare.Replay
	// checked, when set, is told every row's check instead of the
	// subscribers (a Checker's, which wants nothing else).
	checked func(RowChecked)
}

// NewJob returns a job for opts; nothing is opened until Run.
func NewJob(opts Options) *Job {
	return &Job{opts: opts, subs: map[int]func(Event){}, stopCh: make(chan struct{}), abortCh: make(chan struct{})}
}

// Subscribe calls fn with every event from now on, until the returned
// function is called. Calls are serialised (fn needs no lock of its own)
// and made from the job's goroutines: fn must return quickly, copying what
// it keeps (a slow subscriber slows the import).
func (j *Job) Subscribe(fn func(Event)) (unsubscribe func()) {
	j.subMu.Lock()
	defer j.subMu.Unlock()
	id := j.nextS
	j.nextS++
	j.subs[id] = fn
	j.nSubs.Store(int32(len(j.subs)))
	return func() {
		j.subMu.Lock()
		defer j.subMu.Unlock()
		delete(j.subs, id)
		j.nSubs.Store(int32(len(j.subs)))
	}
}

// emit sends ev to every subscriber.
// listening reports whether anyone subscribed: the events of every row
// are not even made when nobody listens.
func (j *Job) listening() bool { return j.nSubs.Load() > 0 }

func (j *Job) emit(ev Event) {
	j.subMu.Lock()
	defer j.subMu.Unlock()
	for _, fn := range j.subs {
		fn(ev)
	}
}

// Pause lets the requests in flight finish and sends no new one until
// Resume. Reading and checking go on up to the pipeline's window.
func (j *Job) Pause() {
	if j.gate.set(true) {
		j.emit(Paused{})
	}
}

// Resume undoes Pause.
func (j *Job) Resume() {
	if j.gate.set(false) {
		j.emit(Resumed{})
	}
}

// Paused reports whether the job is paused.
func (j *Job) Paused() bool { return j.gate.closed() }

// Stop ends the job gracefully: requests in flight finish, no new one
// leaves, and every row not sent finishes as NOT_SENT in the results.
// Ending Run's context does the same.
func (j *Job) Stop() { j.stopOnce.Do(func() { close(j.stopCh) }) }

// Stopping reports whether Stop (or Abort) was called.
func (j *Job) Stopping() bool {
	select {
	case <-j.stopCh:
		return true
	default:
		return false
	}
}

// Abort stops the job and cancels the requests in flight: a create in
// flight ends UNKNOWN (TMS may have made it), a row with a code FAILED
// (resending it is safe).
func (j *Job) Abort() {
	j.Stop()
	j.abortOnce.Do(func() { close(j.abortCh) })
}

// Run runs the job once (a second call returns an error at once). The
// returned error is about the run as a whole (unreadable file, bad
// header, results not writable, the ledger); row problems are in the
// results and the Summary. The last event is Finished.
func (j *Job) Run(ctx context.Context) (sum Summary, err error) {
	err = errors.New("importer: a Job runs once")
	j.runOnce.Do(func() {
		sum, err = j.run(ctx)
		j.emit(Finished{Summary: sum, Err: err})
	})
	return sum, err
}

func (j *Job) run(ctx context.Context) (Summary, error) {
	// stopCtx ends at Stop, Abort or the end of ctx; abortCtx only at
	// Abort: requests in flight run under it.
	stopCtx, cancelStop := context.WithCancel(ctx)
	defer cancelStop()
	abortCtx, cancelAbort := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelAbort()
	go func() {
		select {
		case <-j.stopCh:
			cancelStop()
		case <-stopCtx.Done():
		}
		select {
		case <-j.abortCh:
			cancelAbort()
		case <-abortCtx.Done():
		}
	}()
	r, err := newRun(j, j.opts)
	if err != nil {
		return r.sum, err
	}
	defer r.close()
	r.abortCtx = abortCtx
	if err := r.openInput(); err != nil {
		return r.sum, err
	}
	if err := r.plan(stopCtx); err != nil {
		return r.sum, err
	}
	if err := r.openResults(); err != nil {
		return r.sum, err
	}
	return r.execute(stopCtx)
}

// Run imports one file: NewJob(opts).Run(ctx) with no subscriber.
func Run(ctx context.Context, opts Options) (Summary, error) {
	return NewJob(opts).Run(ctx)
}

// gate holds workers while the job is paused.
type gate struct {
	mu     sync.Mutex
	paused bool
	open   chan struct{} // closed while not paused
}

// set pauses (true) or resumes; it reports whether that changed anything.
func (g *gate) set(paused bool) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		g.open = make(chan struct{})
		close(g.open)
	}
	if g.paused == paused {
		return false
	}
	g.paused = paused
	if paused {
		g.open = make(chan struct{})
	} else {
		close(g.open)
	}
	return true
}

func (g *gate) closed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused
}

// Wait returns when the gate is open, or ctx's error when ctx ends first.
func (g *gate) Wait(ctx context.Context) error {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	if open == nil {
		return ctx.Err()
	}
	select {
	case <-open:
		return ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}
