package importer

import (
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/mapping"
)

// dataRows reads the data rows of the input, in order, the same way for
// the first pass (plan) and the second (produce): row numbers must go
// up, and a row blank but for formulas without results is passed over.
// Hidden rows are counted. Each row gets its sequence number.
type dataRows struct {
	src    source.Reader
	lead   []source.Record // rows already read (after the header)
	skip   int             // rows still to pass over: the header and above
	input  string
	hdr    mapping.Header
	order  rowOrder
	seq    int
	hidden int // hidden rows seen
}

// next returns the next data row and its sequence number, or io.EOF.
func (d *dataRows) next() (source.Record, int, error) {
	for {
		rec, err := d.read()
		if err != nil {
			return rec, 0, err
		}
		if d.skip > 0 {
			d.skip--
			continue
		}
		if err := d.order.check(d.input, rec); err != nil {
			return rec, 0, err
		}
		if formulaOnly(rec, d.hdr) {
			continue // blank but for formulas, without results, in columns not imported
		}
		if rec.Hidden {
			d.hidden++ // with SkipHidden the preparer makes it SKIPPED, kept in the results
		}
		d.seq++
		return rec, d.seq - 1, nil
	}
}

func (d *dataRows) read() (source.Record, error) {
	if len(d.lead) > 0 {
		rec := d.lead[0]
		d.lead = d.lead[1:]
		return rec, nil
	}
	return d.src.Read()
}

// rowsFrom reads the data rows of src from its start (plan's pass).
func (r *run) rowsFrom(src source.Reader) *dataRows {
	return &dataRows{src: src, skip: r.in.hdr.Last + 1, input: r.opts.Input, hdr: r.in.hdr}
}

// rowsAfterHeader reads the data rows of the opened input, the header
// already found (produce's pass).
func (r *run) rowsAfterHeader() *dataRows {
	return &dataRows{src: r.in.src, lead: r.in.lead, input: r.opts.Input, hdr: r.in.hdr}
}
