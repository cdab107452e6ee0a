package collect

import "github.com/custimport/custimport/importer/internal/row"

// reorder gives back finished rows in input order; it holds only the
// rows that finished before an earlier one.
type reorder struct {
	next    int
	pending map[int]*row.Item
	ready   []*row.Item // add's result, reused
}

// add takes a finished row and returns the rows now ready, in order,
// in a slice valid until the next call.
func (b *reorder) add(it *row.Item) []*row.Item {
	if b.pending == nil {
		b.pending = map[int]*row.Item{}
	}
	ready := b.ready[:0]
	if it.Seq == b.next && len(b.pending) == 0 {
		b.next++ // in order, the common case: no map
		b.ready = append(ready, it)
		return b.ready
	}
	b.pending[it.Seq] = it
	for {
		next, ok := b.pending[b.next]
		if !ok {
			b.ready = ready
			return ready
		}
		delete(b.pending, b.next)
		b.next++
		ready = append(ready, next)
	}
}
