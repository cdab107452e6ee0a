package ledger

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

// op is one queued write.
type op struct {
	apply func(ctx context.Context, tx *txn) error // nil: only waits (Flush)
	done  chan error                               // nil: nobody waits (an async write)
	err   error                                    // its own failure, undone alone (writer only)
	taken bool                                     // the writer took it (writer.mu)
	skip  bool                                     // its caller gave up before that (writer.mu)
}

// writer owns the write connection: it commits whatever is queued in one
// transaction, so concurrent writers share one commit, and one fsync
// (group commit). Its first failure is sticky: every later write returns
// it.
type writer struct {
	d       *DB
	mu      sync.Mutex
	wake    *sync.Cond    // the queue has work, or the writer closes
	room    *sync.Cond    // the queue has room again
	urgent  chan struct{} // a waited write was queued (ends the async gap)
	queue   []*op
	err     error // the first failure
	closing bool
	stopped chan struct{}
	stmts   *stmtCache // SQLite's statements, prepared once; nil on PostgreSQL
}

func newWriter(d *DB) *writer {
	w := &writer{d: d, stopped: make(chan struct{}), urgent: make(chan struct{}, 1)}
	if d.pg == nil {
		w.stmts = &stmtCache{db: d.wdb}
	}
	w.wake = sync.NewCond(&w.mu)
	w.room = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

// asyncGap is the least time between two commits of writes nobody waits
// for: they gather meanwhile, so a fast import commits (and syncs the
// disk) about a hundred times a second instead of once every few rows. A
// write someone waits for (a create's claim) is committed at once.
const asyncGap = 10 * time.Millisecond

func (w *writer) loop() {
	defer close(w.stopped)
	if w.stmts != nil {
		defer w.stmts.closeAll()
	}
	var last time.Time // the last commit's start
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.closing {
			w.wake.Wait()
		}
		if len(w.queue) == 0 {
			w.mu.Unlock()
			return
		}
		if wait := asyncGap - time.Since(last); wait > 0 && !w.closing && !waited(w.queue) {
			w.mu.Unlock()
			select {
			case <-time.After(wait):
			case <-w.urgent: // a waited write came meanwhile: no gap for it
			}
			w.mu.Lock()
		}
		last = time.Now()
		batch := w.queue
		w.queue = nil
		select {
		case <-w.urgent: // this batch's waited write, if any: not the next one's
		default:
		}
		w.room.Broadcast()
		for _, o := range batch {
			o.taken = true
		}
		err := w.err
		w.mu.Unlock()
		if err == nil {
			if err = w.commit(batch); err != nil {
				w.mu.Lock()
				if w.err == nil {
					w.err = err
				}
				err = w.err
				w.mu.Unlock()
			}
		}
		if err == nil && w.stmts != nil {
			// The connection is free: prepare what the batch met
			// for the first time, for the next batches.
			w.stmts.prepareWanted(context.Background())
		}
		for _, o := range batch {
			switch {
			case o.done == nil:
			case err != nil:
				o.done <- err
			default:
				o.done <- o.err
			}
		}
	}
}

// waited reports whether someone waits for one of the writes.
func waited(ops []*op) bool {
	for _, o := range ops {
		if o.done != nil {
			return true
		}
	}
	return false
}

// commit applies a batch in one transaction. A write whose caller waits
// for it and that fails on its own (say, ending a run not in the
// ledger) is undone alone and its error goes to that caller; any other
// failure fails the whole batch.
func (w *writer) commit(batch []*op) error {
	ctx := context.Background()
	var tx *txn
	for _, o := range batch {
		if o.skip || o.apply == nil {
			continue
		}
		if tx == nil {
			sqlTx, err := w.d.begin(ctx)
			if err != nil {
				return w.d.wrap(err)
			}
			defer sqlTx.Rollback()
			tx = &txn{Tx: sqlTx, d: w.d, cache: w.stmts}
		}
		if err := w.apply(ctx, tx, o); err != nil {
			return err
		}
	}
	if tx == nil {
		return nil
	}
	if hook := w.d.opts.BeforeCommit; hook != nil {
		if err := hook(); err != nil {
			return w.d.wrap(err)
		}
	}
	return w.d.wrap(tx.Commit())
}

// apply applies one write; one whose caller waits inside a savepoint, so
// that its own failure can be undone alone (o.err).
func (w *writer) apply(ctx context.Context, tx *txn, o *op) error {
	if o.done == nil {
		return w.d.wrap(o.apply(ctx, tx))
	}
	if _, err := tx.exec(ctx, "SAVEPOINT op"); err != nil {
		return w.d.wrap(err)
	}
	if err := o.apply(ctx, tx); err != nil {
		o.err = w.d.wrap(err)
		if _, rerr := tx.exec(ctx, "ROLLBACK TO op"); rerr != nil {
			return o.err // SQLite ended the transaction: the batch is lost
		}
	}
	_, err := tx.exec(ctx, "RELEASE op")
	return w.d.wrap(err)
}

// maxQueued bounds the writes waiting for the next commit: a write
// nobody waits for (an async one) waits for room instead, so memory stays
// bounded however fast rows are sent.
const maxQueued = 8192

func (w *writer) enqueue(o *op) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for o.done == nil && len(w.queue) >= maxQueued && w.err == nil && !w.closing {
		w.room.Wait()
	}
	if w.err != nil {
		return w.err
	}
	if w.closing {
		return fmt.Errorf("ledger %s: %w", w.d.path, os.ErrClosed)
	}
	w.queue = append(w.queue, o)
	w.wake.Signal()
	if o.done != nil {
		select {
		case w.urgent <- struct{}{}:
		default:
		}
	}
	return nil
}

// do queues o and waits until it is committed. When ctx ends first, o is
// dropped if the writer has not taken it yet (ctx's error then means it
// was not written); otherwise do waits for the commit and reports it.
func (w *writer) do(ctx context.Context, o *op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.done = make(chan error, 1)
	if err := w.enqueue(o); err != nil {
		return err
	}
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
	}
	w.mu.Lock()
	if !o.taken {
		o.skip = true
		w.mu.Unlock()
		return ctx.Err()
	}
	w.mu.Unlock()
	return <-o.done
}

// stop commits what is queued, ends the writer and returns its first
// failure.
func (w *writer) stop() error {
	w.mu.Lock()
	w.closing = true
	w.wake.Signal()
	w.room.Broadcast()
	select {
	case w.urgent <- struct{}{}:
	default:
	}
	w.mu.Unlock()
	<-w.stopped
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
