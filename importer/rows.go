package importer

import (
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/source"
)

// item is one data row travelling through the pipeline (row.Item).
type item = row.Item

// rowsFrom reads the data rows of src from its start (plan's pass).
func (r *run) rowsFrom(src source.Reader) *prepare.DataRows {
	return prepare.NewDataRows(src, nil, r.in.hdr.Last+1, r.opts.Input, r.in.hdr)
}

// rowsAfterHeader reads the data rows of the opened input, the header
// already found (produce's pass).
func (r *run) rowsAfterHeader() *prepare.DataRows {
	return prepare.NewDataRows(r.in.src, r.in.lead, 0, r.opts.Input, r.in.hdr)
}
