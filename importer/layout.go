package importer

import (
	"strings"
	"time"

	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// layout is the shape of the results sheet: the input's columns, unchanged
// and in their order, then the five Import* columns. The Import* columns of
// a results file used as input are replaced, not repeated.
type layout struct {
	header  []string
	keep    []int  // input column indexes written, in order
	numeric []bool // per kept column: the field is a number
	text    []int  // results columns of text fields (codes, phones, 統編): formatted as text
	status  int    // input column of ImportStatus, -1 when none
	ccode   int    // input column of ImportCCODE, -1 when none
	buf     []results.Cell
}

func newLayout(h mapping.Header) *layout {
	l := &layout{status: h.ResultColumn("ImportStatus"), ccode: h.ResultColumn("ImportCCODE")}
	for _, c := range h.Columns {
		if c.Result != "" {
			continue
		}
		l.keep = append(l.keep, c.Index)
		l.header = append(l.header, c.Header)
		l.numeric = append(l.numeric, c.Field != nil && c.Field.Kind != mapping.String)
		if c.Field != nil && c.Field.Kind == mapping.String {
			// A 統編 04595257 retyped in a red cell keeps its zero.
			l.text = append(l.text, len(l.keep)-1)
		}
	}
	l.header = append(l.header, mapping.ResultColumns...)
	return l
}

// plain maps an input row that is not data (a title row above the
// header, a sub-header row) onto the results columns, as it is.
func (l *layout) plain(cells []string) []string {
	out := make([]string, len(l.keep))
	for k, i := range l.keep {
		if i < len(cells) {
			out[k] = cells[i]
		}
	}
	return out
}

// above is the rows of the input above its header, blank ones included,
// as the results show them above theirs: results row N is input row N.
func (l *layout) above(lead []source.Record, headerLine int) [][]string {
	rows := make([][]string, headerLine-1)
	for _, rec := range lead {
		if rec.Line >= 1 && rec.Line < headerLine {
			rows[rec.Line-1] = l.plain(rec.Cells)
		}
	}
	return rows
}

// cells builds one results row, in a slice valid until the next call
// (one goroutine, the writer's, calls it).
func (l *layout) cells(it *item) []results.Cell {
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
	out := l.buf[:0]
	defer func() { l.buf = out[:0] }()
	for k, i := range l.keep {
		c := results.Cell{Numeric: l.numeric[k]}
		if i < len(it.Rec.Cells) {
			c.Value = it.Rec.Cells[i]
		}
		if ms := byColumn[i]; len(ms) > 0 {
			c.Problem = strings.Join(ms, "; ")
		}
		out = append(out, c)
	}
	r := it.Result()
	out = append(out,
		results.Cell{Value: string(r.Status)},
		results.Cell{Value: r.CCODE},
		results.Cell{Value: r.ErrorCode},
		results.Cell{Value: r.Message},
		results.Cell{Value: r.Warnings},
	)
	return out
}

// summarySheet is the Summary sheet: counts per status, then per error.
func summarySheet(s Summary, msg catalogMessages) [][]results.Cell {
	text := func(v string) results.Cell { return results.Cell{Value: v} }
	num := func(n int) results.Cell { return results.Cell{Value: itoa(n), Numeric: true} }
	rows := [][]results.Cell{{text(msg.t("Status")), text(msg.t("Rows"))}}
	for _, st := range Statuses {
		if n := s.Counts[st]; n > 0 {
			rows = append(rows, []results.Cell{text(string(st)), num(n)})
		}
	}
	rows = append(rows, []results.Cell{text(msg.t("Total")), num(s.Rows)})
	if len(s.Errors) > 0 {
		rows = append(rows, nil, []results.Cell{text(msg.t("Error")), text(msg.t("Rows"))})
		for _, k := range s.ErrorRanking() {
			rows = append(rows, []results.Cell{text(k), num(s.Errors[k])})
		}
	}
	if len(s.Warnings) > 0 {
		rows = append(rows, nil, []results.Cell{text(msg.t("File warnings"))})
		for _, w := range s.Warnings {
			rows = append(rows, []results.Cell{text(w)})
		}
	}
	rows = append(rows, nil,
		[]results.Cell{text(msg.t("Input")), text(s.Input)},
		[]results.Cell{text(msg.t("Mode")), text(map[bool]string{true: msg.t("dry-run (nothing sent)"), false: msg.t("import")}[s.DryRun])},
	)
	if s.Sheet != "" {
		rows = append(rows, []results.Cell{text(msg.t("Sheet")), text(s.Sheet)})
	}
	if s.Existing != nil {
		rows = append(rows, []results.Cell{text(msg.t("Existing customers")), text(msg.existingLine(*s.Existing))})
	}
	rows = append(rows, []results.Cell{text(msg.t("Rows that create a customer")), num(s.WillCreate)})
	if !s.Started.IsZero() {
		rows = append(rows,
			[]results.Cell{text(msg.t("Started")), text(s.Started.Format("2006-01-02 15:04:05"))},
			[]results.Cell{text(msg.t("Duration")), text(s.Duration.Round(time.Second).String())})
	}
	if s.Interrupted {
		rows = append(rows, []results.Cell{text(msg.t("Interrupted")), text(msg.t("yes"))})
	}
	return rows
}
