package validate

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/custimport/custimport/mapping"
)

// cell is one field's value in a row.
type cell struct {
	f     *mapping.Field
	order int // catalog index (or past it for fields not in the catalog)
	col   int
	raw   string // trimmed text as typed
	text  string // normalised text
	out   any    // payload value; nil when the value has an error
	n     int    // the value of an Int or Bool field
	d     date   // the date of a date field
	hasD  bool
	// conflict is set when several columns give the field different values.
	conflict bool
}

// ordered is a problem with its field's position, for sorting.
type ordered struct {
	Problem
	order int
}

// row is one row's cells while it is checked.
type row struct {
	cells    []*cell        // by catalog index
	extra    []*cell        // fields not in the catalog
	blankCol map[string]int // column of a blank cell, for problems about missing values
	probs    []ordered
}

// get returns the cell of a catalog field, nil when blank or unknown.
func (v *Validator) get(r *row, code string) *cell {
	i, ok := v.cat.Index(code)
	if !ok {
		return nil
	}
	return r.cells[i]
}

// all returns the row's cells, catalog fields first.
func (r *row) all() []*cell {
	out := make([]*cell, 0, len(r.cells)+len(r.extra))
	for _, c := range r.cells {
		if c != nil {
			out = append(out, c)
		}
	}
	for _, c := range r.extra {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// Validate checks one row. line is the row number the user sees (used in
// duplicate messages). Each value is one mapped cell; several values for
// the same field must agree. Fields of Config.Defaults fill blanks.
//
// Validate remembers the row's CCODE: a later row with the same code is
// an error naming this line.
func (v *Validator) Validate(line int, values []Value) Outcome {
	r := v.collect(values)
	all := r.all()
	for _, c := range all {
		if !c.conflict { // a conflict is already reported
			v.checkCell(c, &r.probs)
		}
	}
	o := v.rowChecks(line, r)
	sort.SliceStable(r.probs, func(i, j int) bool {
		if r.probs[i].Severity != r.probs[j].Severity {
			return r.probs[i].Severity < r.probs[j].Severity
		}
		return r.probs[i].order < r.probs[j].order
	})
	if len(r.probs) > 0 {
		o.Problems = make([]Problem, len(r.probs))
		for i, p := range r.probs {
			o.Problems[i] = p.Problem
		}
	}
	if !o.Valid() {
		return o
	}
	p := make(Payload, len(all)+3)
	for _, c := range all {
		if c.out != nil {
			p[c.f.Code] = c.out
		}
	}
	if v.get(r, mapping.CCODE) == nil {
		p[mapping.CCODE] = ""
		p[mapping.AutoCCODE] = json.Number("1")
	}
	p[mapping.EditItem] = json.Number(strconv.Itoa(o.EditItem))
	o.Payload = p
	return o
}

// collect gathers the row's values into cells, one per field; several
// columns with different values for one field are a conflict. Defaults
// fill the fields left without a value.
func (v *Validator) collect(values []Value) *row {
	r := &row{cells: make([]*cell, len(v.fields)), blankCol: make(map[string]int)}
	for _, val := range values {
		raw := trim(val.Text)
		i, known := v.cat.Index(val.Field.Code)
		if raw == "" {
			if known {
				if _, ok := r.blankCol[v.fields[i].Code]; !ok {
					r.blankCol[v.fields[i].Code] = val.Column
				}
			}
			continue
		}
		var slot **cell
		if known {
			slot = &r.cells[i]
		} else {
			slot, i = r.extraSlot(val.Field.Code, len(v.fields))
		}
		if *slot != nil {
			if c := *slot; c.raw != raw {
				r.probs = append(r.probs, ordered{v.problem(c.f, val.Column, Error, msgConflict, c.raw, raw), c.order})
				c.conflict = true // not checked, not sent
			}
			continue
		}
		f := val.Field
		if known {
			f = &v.fields[i]
		}
		*slot = &cell{f: f, order: i, col: val.Column, raw: raw}
	}
	for i, d := range v.defaults {
		if d != nil && r.cells[i] == nil {
			c := *d
			r.cells[i] = &c
		}
	}
	return r
}

// extraSlot returns the slot of a field that is not in the catalog, and
// its order (after the catalog's n fields).
func (r *row) extraSlot(code string, n int) (**cell, int) {
	for j := range r.extra {
		if r.extra[j].f.Code == code {
			return &r.extra[j], r.extra[j].order
		}
	}
	r.extra = append(r.extra, nil)
	return &r.extra[len(r.extra)-1], n + len(r.extra) - 1
}

// rowChecks decides EditItem and checks what involves several fields:
// the code and the automatic code, fields required on add, add-only
// fields on an update, date order and duplicate codes.
func (v *Validator) rowChecks(line int, r *row) Outcome {
	add := func(code string, c *cell, sev Severity, k msgKey, args ...string) {
		i, _ := v.cat.Index(code)
		col, ok := r.blankCol[v.fields[i].Code]
		if c != nil {
			col = c.col
		} else if !ok {
			col = -1
		}
		r.probs = append(r.probs, ordered{v.problem(&v.fields[i], col, sev, k, args...), i})
	}
	var o Outcome
	code := v.get(r, mapping.CCODE)
	o.EditItem = v.editItem(r, add)
	o.Create = code == nil || o.EditItem == mapping.EditAdd
	if code != nil {
		o.Code = code.text
	}
	for i, f := range v.fields {
		c := r.cells[i]
		if c == nil {
			if f.RequiredOnAdd && o.Create {
				add(f.Code, nil, Error, msgCreditRequired)
			}
			continue
		}
		if f.AddOnly && f.Code != mapping.AutoCCODE && c.out != nil && !o.Create {
			add(f.Code, c, Warning, msgPosBonus, strconv.Itoa(o.EditItem), c.text)
		}
		if e := v.get(r, f.NotAfter); f.NotAfter != "" && c.hasD && e != nil && e.hasD && e.d.before(c.d) {
			add(f.Code, c, Warning, msgWebDates, e.text, c.text)
		}
	}
	if code != nil && code.out != nil {
		if first, dup := v.seen.first(code.text); dup {
			add(mapping.CCODE, code, Error, msgDuplicate, strconv.Itoa(first), code.text)
		} else {
			v.seen.add(code.text, line)
			v.caseDuplicate(line, code, add)
		}
	}
	return o
}

// editItem decides the row's EditItem: the column when it holds a valid
// value, else the mode; a blank code creates with an automatic code
// (except in update mode, where it is an error).
func (v *Validator) editItem(r *row, add func(string, *cell, Severity, msgKey, ...string)) int {
	code, auto, edit := v.get(r, mapping.CCODE), v.get(r, mapping.AutoCCODE), v.get(r, mapping.EditItem)
	editItem := mapping.EditAuto
	editFromColumn := edit != nil && edit.out != nil
	switch {
	case editFromColumn:
		editItem = edit.n
	case v.mode == ModeCreate:
		editItem = mapping.EditAdd
	case v.mode == ModeUpdate:
		editItem = mapping.EditUpdate
	}
	if code != nil {
		if auto != nil && auto.out != nil && auto.n == 1 {
			add(mapping.AutoCCODE, auto, Error, msgAutoWithCode, code.text, auto.raw)
		}
		return editItem
	}
	switch {
	case editItem == mapping.EditUpdate && editFromColumn:
		add(mapping.CCODE, nil, Error, msgEditNeedsCode)
	case editItem == mapping.EditUpdate:
		add(mapping.CCODE, nil, Error, msgUpdateNeedsCode)
	default:
		editItem = mapping.EditAdd
	}
	if auto != nil && auto.out != nil && auto.n == 0 {
		add(mapping.AutoCCODE, auto, Error, msgBlankCodeNoAuto, auto.raw)
	}
	return editItem
}

// caseDuplicate warns about a code that differs from an earlier row's only
// by case ("a001" after "A001"): TMS may well treat them as one customer.
// Codes without letters are left to the exact duplicate check.
//
// Only codes with lower-case letters are kept a second time (upper-cased,
// in v.folded); an upper-case code is found in v.seen itself, so a file
// of upper-case codes costs no more memory than before.
func (v *Validator) caseDuplicate(line int, code *cell, add func(string, *cell, Severity, msgKey, ...string)) {
	if strings.IndexFunc(code.text, unicode.IsLetter) < 0 {
		return
	}
	up := strings.ToUpper(code.text) // no copy when it is upper-case already
	first, dup := v.folded.first(up)
	if !dup && up != code.text {
		first, dup = v.seen.first(up)
	}
	if dup {
		add(mapping.CCODE, code, Warning, msgCaseDuplicate, strconv.Itoa(first), code.text)
	}
	if up != code.text && !dup {
		v.folded.add(up, line)
	}
}
