package prepare

import (
	"errors"
	"io"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// BatchRows is how many rows travel together between the reader, the
// checkers and the settler: enough to make a channel operation per row
// cheap, few enough that memory stays small.
const BatchRows = 128

// batch is a run of consecutive rows. done is closed when every row of
// it is checked.
type batch struct {
	items []item
	done  chan struct{}
}

// CheckRows reads the data rows, checks them on several goroutines (one
// per processor, each with its own fork of prep) and then, in file order
// on the calling goroutine, settles each (prep.settle) and hands them to
// settled, a batch at a time. Memory is bounded: at most a few batches
// per checker are between the reader and settled. The error is the
// input's, after every row before it was handed on.
func CheckRows(rows *DataRows, prep *Preparer, settled func([]item)) error {
	checkers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *batch, checkers)
	inOrder := make(chan *batch, 2*checkers+2)
	var g errgroup.Group
	var readErr error
	g.Go(func() error {
		defer close(inOrder)
		defer close(work)
		readErr = readBatches(rows, work, inOrder)
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
	for b := range inOrder {
		<-b.done
		for i := range b.items {
			prep.Settle(&b.items[i])
		}
		settled(b.items)
	}
	_ = g.Wait() // no goroutine returns an error: the read error is readErr
	return readErr
}

// readBatches reads the rows into batches and queues each twice: to be
// checked, and to be settled in order.
func readBatches(rows *DataRows, work, inOrder chan<- *batch) error {
	for {
		b := &batch{items: make([]item, BatchRows), done: make(chan struct{})}
		n := 0
		var err error
		for n < BatchRows {
			rec, seq, e := rows.next()
			if e != nil {
				err = e
				break
			}
			it := &b.items[n] // filled in place: an item is large
			it.Seq, it.Rec = seq, rec
			n++
		}
		b.items = b.items[:n]
		if len(b.items) > 0 {
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
