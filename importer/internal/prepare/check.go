package prepare

import (
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/custimport/custimport/importer/internal/row"
	"golang.org/x/sync/errgroup"
)

// BatchRows is how many rows travel together between the reader, the
// checkers and the settler: enough to make a channel operation per row
// cheap, few enough that memory stays small.
const BatchRows = 128

// batch is a run of consecutive rows. done is closed when every row of
// it is checked. A batch whose rows are kept after CheckRows hands them
// on is each row's Holder: the last row released puts it back in the
// pool, whose batches the reader fills again (an item is large: reading
// a million rows into new batches allocated 700 MB).
type batch struct {
	items []item
	done  chan struct{}
	// left is decremented once per row, by the writer's goroutine,
	// while the others read items and done: on a cache line of its own,
	// which it would otherwise take from them each time.
	_    [64]byte
	left atomic.Int32 // rows handed on and not released yet
	_    [60]byte
}

var batches = sync.Pool{New: func() any { return &batch{items: make([]item, BatchRows)} }}

// Release releases one row of the batch; the last puts the batch back.
func (b *batch) Release() {
	if b.left.Add(-1) == 0 {
		batches.Put(b)
	}
}

// CheckRows reads the data rows, checks them on several goroutines (one
// per processor, each with its own fork of prep) and then, in file order
// on the calling goroutine, settles each (prep.settle) and hands them to
// settled, a batch at a time. Memory is bounded: at most a few batches
// per checker are between the reader and settled. With keep, the rows
// handed on are used after settled returns, and each must be released
// (row.Item.Release) when done with; without, their memory is used again
// once settled returns. The error is the input's, after every row before
// it was handed on.
func CheckRows(rows *DataRows, prep *Preparer, keep bool, settled func([]item)) error {
	checkers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *batch, checkers)
	inOrder := make(chan *batch, 2*checkers+2)
	var g errgroup.Group
	var readErr error
	g.Go(func() error {
		defer close(inOrder)
		defer close(work)
		readErr = readBatches(rows, keep, work, inOrder)
		return nil
	})
	for range checkers {
		p := prep.Fork()
		g.Go(func() error {
			for b := range work {
				for i := range b.items {
					p.Check(&b.items[i])
				}
				close(b.done)
			}
			return nil
		})
	}
	first := true
	for b := range inOrder {
		<-b.done
		if first {
			first = false
			prep.expect(b.items)
		}
		for i := range b.items {
			prep.touch(&b.items[i])
		}
		for i := range b.items {
			prep.Settle(&b.items[i])
		}
		settled(b.items)
		if !keep {
			batches.Put(b)
		}
	}
	_ = g.Wait() // no goroutine returns an error: the read error is readErr
	return readErr
}

// readBatches reads the rows into batches and queues each twice: to be
// checked, and to be settled in order. With keep, each batch is its rows'
// Holder.
func readBatches(rows *DataRows, keep bool, work, inOrder chan<- *batch) error {
	for {
		b := batches.Get().(*batch)
		b.items, b.done = b.items[:BatchRows], make(chan struct{})
		var holder row.Holder
		if keep {
			holder = b
		}
		n := 0
		var err error
		for n < BatchRows {
			// In place: an item is large. (Assigning an item{...} with
			// its fields built it on the stack first, then copied its
			// 728 bytes.) The cells of the row the item held before,
			// released, are storage for this row's, which is read into
			// the item itself.
			it := &b.items[n]
			cells := it.Rec.Cells
			*it = item{}
			it.Rec.Cells = cells
			seq, e := rows.nextRecord(&it.Rec)
			if e != nil {
				err = e
				break
			}
			it.Seq, it.Holder = seq, holder
			n++
		}
		b.items = b.items[:n]
		b.left.Store(int32(n))
		if n == 0 {
			batches.Put(b)
		} else {
			work <- b
			inOrder <- b
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// expect makes room in the code set for the codes of the file, as many
// as expectedRows estimates from its first rows, items: without, the
// set's table is built again each time it doubles, a third of what
// settling a million rows cost. The plan pass of a send counts the rows
// instead (Reserve).
func (p *Preparer) expect(items []item) {
	if p.cols.code < 0 || p.cfg.TextBytes <= 0 {
		return
	}
	if n := expectedRows(p.cfg.TextBytes, items); n > 0 {
		p.v.Expect(n)
	}
}

// expectedRows estimates the rows of a text of size bytes from its first
// rows, items: size over their mean length as text (cells, delimiters,
// line end). A file whose first rows are shorter than the rest is
// overestimated, which costs memory, not time; 0 when items are too few
// to go by.
func expectedRows(size int64, items []item) int {
	if len(items) < BatchRows/2 {
		return 0 // a small file: the set stays small anyway
	}
	var text int64
	for i := range items {
		cells := items[i].Rec.Cells
		text += int64(len(cells)) + 1 // delimiters, CRLF
		for _, c := range cells {
			text += int64(len(c))
		}
	}
	return int(size * int64(len(items)) / text)
}
