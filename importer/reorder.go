package importer

// reorder gives back finished rows in input order; it holds only the
// rows that finished before an earlier one.
type reorder struct {
	next    int
	pending map[int]*item
}

// add takes a finished row and returns the rows now ready, in order.
func (b *reorder) add(it *item) []*item {
	if b.pending == nil {
		b.pending = map[int]*item{}
	}
	b.pending[it.seq] = it
	var ready []*item
	for {
		next, ok := b.pending[b.next]
		if !ok {
			return ready
		}
		delete(b.pending, b.next)
		b.next++
		ready = append(ready, next)
	}
}
