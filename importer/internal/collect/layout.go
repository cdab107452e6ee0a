package collect

import (
	"strings"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// Layout is the shape of the results sheet: the input's columns, unchanged
// and in their order, then the five Import* columns. The Import* columns of
// a results file used as input are replaced, not repeated.
type Layout struct {
	Header  []string
	keep    []int  // input column indexes written, in order
	numeric []bool // per kept column: the field is a number
	Text    []int  // results columns of text fields (codes, phones, 統編): formatted as text
	Status  int    // input column of ImportStatus, -1 when none
	CCODE   int    // input column of ImportCCODE, -1 when none
	buf     []results.Cell
}

// NewLayout returns the layout of the results of an input under h.
func NewLayout(h mapping.Header) *Layout {
	l := &Layout{Status: h.ResultColumn("ImportStatus"), CCODE: h.ResultColumn("ImportCCODE")}
	for _, c := range h.Columns {
		if c.Result != "" {
			continue
		}
		l.keep = append(l.keep, c.Index)
		l.Header = append(l.Header, c.Header)
		l.numeric = append(l.numeric, c.Field != nil && c.Field.Kind != mapping.String)
		if c.Field != nil && c.Field.Kind == mapping.String {
			// A 統編 04595257 retyped in a red cell keeps its zero.
			l.Text = append(l.Text, len(l.keep)-1)
		}
	}
	l.Header = append(l.Header, mapping.ResultColumns...)
	return l
}

// Plain maps an input row that is not data (a title row above the
// header, a sub-header row) onto the results columns, as it is.
func (l *Layout) Plain(cells []string) []string {
	out := make([]string, len(l.keep))
	for k, i := range l.keep {
		if i < len(cells) {
			out[k] = cells[i]
		}
	}
	return out
}

// Above is the rows of the input above its header, blank ones included,
// as the results show them above theirs: results row N is input row N.
func (l *Layout) Above(lead []source.Record, headerLine int) [][]string {
	rows := make([][]string, headerLine-1)
	for _, rec := range lead {
		if rec.Line >= 1 && rec.Line < headerLine {
			rows[rec.Line-1] = l.Plain(rec.Cells)
		}
	}
	return rows
}

// cells builds one results row, in a slice valid until the next call
// (one goroutine, the writer's, calls it).
func (l *Layout) cells(it *row.Item) []results.Cell {
	var byColumn map[int][]string
	for _, ps := range [][]validate.Problem{it.Outcome.Problems, it.Extra} {
		for _, p := range ps {
			if p.Severity == validate.Error && p.Column >= 0 {
				if byColumn == nil {
					byColumn = map[int][]string{}
				}
				byColumn[p.Column] = append(byColumn[p.Column], p.Message)
			}
		}
	}
	// Each cell is written in place, field by field: a cell built on its
	// own and then appended was copied with wider loads than the stores
	// that had just built it, which stalled (store forwarding) and cost
	// about half of this function.
	r := it.Result()
	imports := [...]string{string(r.Status), r.CCODE, r.ErrorCode, r.Message, r.Warnings}
	n := len(l.keep) + len(imports)
	if cap(l.buf) < n {
		l.buf = make([]results.Cell, n)
	}
	out := l.buf[:n]
	for k, i := range l.keep {
		c := &out[k]
		c.Value, c.Numeric, c.Problem = "", l.numeric[k], ""
		if i < len(it.Rec.Cells) {
			c.Value = it.Rec.Cells[i]
		}
		if byColumn == nil { // a row without errors: no map to look in
			continue
		}
		if ms := byColumn[i]; len(ms) > 0 {
			c.Problem = strings.Join(ms, "; ")
		}
	}
	for k, v := range imports {
		c := &out[len(l.keep)+k]
		c.Value, c.Numeric, c.Problem = v, false, ""
	}
	return out
}
