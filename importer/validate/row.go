package validate

import (
	"encoding/json"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/custimport/custimport/mapping"
	"golang.org/x/text/encoding"
)

// cell is one field's value in a row.
type cell struct {
	f     *mapping.Field
	order int // catalog index (or past it for fields not in the catalog)
	col   int
	raw   string // trimmed text as typed
	text  string // normalised text
	ok    bool   // the value passed its checks and is sent
	num   bool   // sent as a JSON number (Int, Bool, Decimal fields)
	n     int    // the value of an Int or Bool field
	d     date   // the date of a date field
	hasD  bool
	// conflict is set when several columns give the field different values.
	conflict bool
}

// value is the cell's payload value: json.Number or string.
func (c *cell) value() any {
	if c.num {
		return json.Number(c.text)
	}
	return c.text
}

// ordered is a problem with its field's position, for sorting.
type ordered struct {
	Problem
	order int
}

// noBlank marks a field with no blank cell in row.blank.
const noBlank = -2

// row is one row's cells while it is checked. A Checker keeps one and
// reuses it, with its cells' storage, row after row. A row fills a few of
// the catalog's fields: has and blanked say which, so that emptying and
// walking it costs what it holds, not the catalog's size.
type row struct {
	cells   []*cell  // by catalog index
	has     []uint64 // bit i: cells[i] is set
	extra   []*cell  // fields not in the catalog
	store   []cell   // storage of the cells, reused
	blank   []int    // by catalog index: the column of its first blank cell, or noBlank
	blanked []int    // the indexes of blank that are set
	probs   []ordered
	zeros   []pendingZero // code_zeros values, for Remember
}

// newCell returns a zeroed cell from the row's storage.
func (r *row) newCell() *cell {
	if len(r.store) < cap(r.store) {
		r.store = r.store[:len(r.store)+1]
		c := &r.store[len(r.store)-1]
		*c = cell{}
		return c
	}
	return &cell{} // more fields than the storage holds: rare
}

// put sets the cell of catalog index i.
func (r *row) put(i int, c *cell) {
	r.cells[i] = c
	r.has[i>>6] |= 1 << (i & 63)
}

// setBlank records col as the column of a blank cell of catalog index i,
// unless one is recorded already.
func (r *row) setBlank(i, col int) {
	if r.blank[i] == noBlank {
		r.blank[i] = col
		r.blanked = append(r.blanked, i)
	}
}

// reset empties the row for the next one.
func (r *row) reset(n int) {
	if r.cells == nil {
		r.cells = make([]*cell, n)
		r.has = make([]uint64, (n+63)/64)
		r.blank = make([]int, n)
		for i := range r.blank {
			r.blank[i] = noBlank
		}
		r.store = make([]cell, 0, n+8)
	}
	for w, word := range r.has {
		for ; word != 0; word &= word - 1 {
			r.cells[w<<6|bits.TrailingZeros64(word)] = nil
		}
		r.has[w] = 0
	}
	for _, i := range r.blanked {
		r.blank[i] = noBlank
	}
	r.extra, r.store, r.probs, r.zeros, r.blanked = r.extra[:0], r.store[:0], r.probs[:0], r.zeros[:0], r.blanked[:0]
}

// each calls fn for the row's cells, catalog fields first, in catalog
// order.
func (r *row) each(fn func(*cell)) {
	for w, word := range r.has {
		for ; word != 0; word &= word - 1 {
			fn(r.cells[w<<6|bits.TrailingZeros64(word)])
		}
	}
	for _, c := range r.extra {
		fn(c)
	}
}

// at returns the cell of catalog index i, nil when blank or i is -1.
func (r *row) at(i int) *cell {
	if i < 0 {
		return nil
	}
	return r.cells[i]
}

// Checker checks rows on their own: Check is the part of Validate that
// does not depend on other rows. Several Checkers of one Validator may
// run at once, one per goroutine; each keeps its own scratch space, so a
// row checks without allocating when it has no problem.
type Checker struct {
	v       *Validator
	r       row
	rep     reporter
	big5Len map[rune]int // bytes of a non-ASCII rune in Big5; 0: not encodable
	enc     *encoding.Encoder
	seen    []fieldIndex // by value position: the last row's fields
}

// NewChecker returns a Checker for v's configuration.
func (v *Validator) NewChecker() *Checker {
	k := &Checker{v: v}
	if v.big5 {
		k.big5Len = make(map[rune]int)
	}
	return k
}

// Checked is a row checked on its own: Validator.Remember completes it
// with the checks against earlier rows.
type Checked struct {
	o     Outcome
	code  pendingCode // field nil: no valid code
	zeros []pendingZero
}

// pendingCode is a valid customer code, to look up among earlier rows'.
type pendingCode struct {
	text  string
	col   int
	field *mapping.Field
	order int
}

// pendingZero is an all-digit value of a code_zeros field, to compare
// with the zero-padded codes of earlier rows.
type pendingZero struct {
	f     *mapping.Field
	col   int
	order int
	text  string
}

// Validate checks one row. line is the row number the user sees (used in
// duplicate messages). Each value is one mapped cell; several values for
// the same field must agree. Fields of Config.Defaults fill blanks.
//
// Validate remembers the row's CCODE: a later row with the same code is
// an error naming this line. It is Check then Remember.
func (v *Validator) Validate(line int, values []Value) Outcome {
	if v.own == nil {
		v.own = v.NewChecker()
	}
	return v.Remember(line, v.own.Check(values))
}

// Check checks one row's values on their own and with each other; what
// needs the rows before it (duplicate codes, codes that lost their
// leading zeros) is left to Remember.
func (k *Checker) Check(values []Value) Checked {
	var ch Checked
	k.CheckInto(values, &ch)
	return ch
}

// CheckInto is Check into *ch, which it overwrites: a caller keeping the
// result in a larger struct (a pipeline's row) has it written in place,
// not returned and copied (a copy right after the stores that wrote it
// stalls).
func (k *Checker) CheckInto(values []Value, ch *Checked) {
	v, r := k.v, &k.r
	k.collect(values)
	r.each(func(c *cell) {
		if !c.conflict { // a conflict is already reported
			k.checkCell(c, &r.probs)
		}
	})
	*ch = Checked{}
	ch.o = k.rowChecks()
	ch.o.Problems = sortedProblems(r.probs)
	if code := r.at(v.codeIx); code != nil && code.ok {
		ch.code = pendingCode{text: code.text, col: code.col, field: code.f, order: code.order}
	}
	if len(r.zeros) > 0 {
		ch.zeros = slices.Clone(r.zeros)
	}
	if ch.o.Valid() && !v.noPayload {
		ch.o.Payload = k.payload(ch.o.EditItem)
	}
}

// payload builds the row's `Main` object.
func (k *Checker) payload(editItem int) Payload {
	r := &k.r
	n := 3 // the code, AutoCCODE and EditItem
	r.each(func(c *cell) {
		if c.ok {
			n++
		}
	})
	p := make(Payload, n)
	r.each(func(c *cell) {
		if c.ok {
			p[c.f.Code] = c.value()
		}
	})
	if r.at(k.v.codeIx) == nil {
		p[mapping.CCODE] = ""
		p[mapping.AutoCCODE] = json.Number("1")
	}
	p[mapping.EditItem] = json.Number(strconv.Itoa(editItem))
	return p
}

// sortedProblems returns the problems errors first, then in field order;
// nil when there are none.
func sortedProblems(probs []ordered) []Problem {
	if len(probs) == 0 {
		return nil
	}
	slices.SortStableFunc(probs, func(a, b ordered) int {
		if a.Severity != b.Severity {
			return int(a.Severity) - int(b.Severity)
		}
		return a.order - b.order
	})
	out := make([]Problem, len(probs))
	for i, p := range probs {
		out[i] = p.Problem
	}
	return out
}

// collect gathers the row's values into cells, one per field; several
// columns with different values for one field are a conflict. Defaults
// fill the fields left without a value.
func (k *Checker) collect(values []Value) {
	v, r := k.v, &k.r
	r.reset(len(v.fields))
	for j, val := range values {
		raw := trim(val.Text)
		i, known := k.index(j, val.Field)
		if raw == "" {
			if known {
				r.setBlank(i, val.Column)
			}
			continue
		}
		var prev *cell
		if known {
			prev = r.cells[i]
		} else {
			var slot **cell
			slot, i = r.extraSlot(val.Field.Code, len(v.fields))
			prev = *slot
			if prev == nil {
				*slot = r.newCell() // filled below
			}
		}
		if prev != nil {
			if prev.raw != raw {
				r.probs = append(r.probs, ordered{v.problem(prev.f, val.Column, Error, msgConflict, prev.raw, raw), prev.order})
				prev.conflict = true // not checked, not sent
			}
			continue
		}
		var c *cell
		if known {
			c = r.newCell()
			c.f = &v.fields[i]
			r.put(i, c)
		} else {
			c = r.extra[len(r.extra)-1]
			c.f = val.Field
		}
		c.order, c.col, c.raw = i, val.Column, raw
	}
	for _, i := range v.defaultIx {
		if r.cells[i] == nil {
			c := r.newCell()
			*c = *v.defaults[i]
			r.put(i, c)
		}
	}
}

// index is the catalog index of the j-th value's field. The rows of a
// file bring the same fields in the same order, so the last row's answer
// at j is tried first.
func (k *Checker) index(j int, f *mapping.Field) (int, bool) {
	if j < len(k.seen) && k.seen[j].f == f {
		return k.seen[j].i, k.seen[j].i >= 0
	}
	i, ok := k.v.cat.Index(f.Code)
	if !ok {
		i = -1
	}
	for len(k.seen) <= j {
		k.seen = append(k.seen, fieldIndex{})
	}
	k.seen[j] = fieldIndex{f, i}
	return i, ok
}

// fieldIndex is a field's catalog index, -1 when it is not in it.
type fieldIndex struct {
	f *mapping.Field
	i int
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

// rowAdd reports a row-level problem about a catalog field: at its cell,
// or at the column of its blank cell, or at no column.
func (k *Checker) rowAdd(code string, c *cell, sev Severity, key msgKey, args ...string) {
	v, r := k.v, &k.r
	i, _ := v.cat.Index(code)
	col := r.blank[i]
	if c != nil {
		col = c.col
	} else if col == noBlank {
		col = -1
	}
	r.probs = append(r.probs, ordered{v.problem(&v.fields[i], col, sev, key, args...), i})
}

// rowChecks decides EditItem and checks what involves several fields of
// the row: the code and the automatic code, fields required on add,
// add-only fields on an update, and date order.
func (k *Checker) rowChecks() Outcome {
	v, r := k.v, &k.r
	var o Outcome
	code := r.at(v.codeIx)
	o.EditItem = k.editItem()
	o.Create = code == nil || o.EditItem == mapping.EditAdd
	if code != nil {
		o.Code = code.text
	}
	if code == nil && o.EditItem == mapping.EditAdd && len(v.nameIx) > 0 && k.nameless() {
		// An auto-numbered create with nothing naming the customer: a
		// stray row (a sum, a note), never a customer called 000001.
		k.rowAdd(v.fields[v.nameIx[0]].Code, nil, Error, msgNoName)
	}
	for _, i := range v.rowCheckIx {
		f, c := &v.fields[i], r.cells[i]
		if c == nil {
			switch {
			case f.RequiredOnAdd && o.Create:
				k.rowAdd(f.Code, nil, Error, msgCreditRequired)
			case f.RequiredOnAdd && o.BlankOnAdd == "":
				o.BlankOnAdd, o.BlankOnAddColumn = f.Code, max(r.blank[i], -1)
			}
			continue
		}
		if f.AddOnly && f.Code != mapping.AutoCCODE && c.ok && !o.Create {
			k.rowAdd(f.Code, c, Warning, msgPosBonus, strconv.Itoa(o.EditItem), c.text)
		}
		if f.NotAfter == "" || !c.hasD {
			continue
		}
		if e := r.at(v.notAfterIx[i]); e != nil && e.hasD && e.d.before(c.d) {
			k.rowAdd(f.Code, c, Warning, msgWebDates, e.text, c.text)
		}
	}
	return o
}

// nameless reports whether the row has none of the fields that name a
// customer (名稱, 簡稱, 統編), not even a default.
func (k *Checker) nameless() bool {
	for _, i := range k.v.nameIx {
		if k.r.cells[i] != nil {
			return false
		}
	}
	return true
}

// editItem decides the row's EditItem: the column when it holds a valid
// value, else the mode; a blank code creates with an automatic code
// (except in update mode, where it is an error).
func (k *Checker) editItem() int {
	v, r := k.v, &k.r
	code, auto, edit := r.at(v.codeIx), r.at(v.autoIx), r.at(v.editIx)
	editItem := mapping.EditAuto
	editFromColumn := edit != nil && edit.ok
	switch {
	case editFromColumn:
		editItem = edit.n
	case v.mode == ModeCreate:
		editItem = mapping.EditAdd
	case v.mode == ModeUpdate:
		editItem = mapping.EditUpdate
	}
	if code != nil {
		if auto != nil && auto.ok && auto.n == 1 {
			k.rowAdd(mapping.AutoCCODE, auto, Error, msgAutoWithCode, code.text, auto.raw)
		}
		return editItem
	}
	switch {
	case editItem == mapping.EditUpdate && editFromColumn:
		k.rowAdd(mapping.CCODE, nil, Error, msgEditNeedsCode)
	case editItem == mapping.EditUpdate:
		k.rowAdd(mapping.CCODE, nil, Error, msgUpdateNeedsCode)
	default:
		editItem = mapping.EditAdd
	}
	if auto != nil && auto.ok && auto.n == 0 {
		k.rowAdd(mapping.AutoCCODE, auto, Error, msgBlankCodeNoAuto, auto.raw)
	}
	return editItem
}

// Touch readies the lookup Remember will make of ch's code among the
// earlier rows' (codeset.Set.Touch): Touch a batch of rows, then
// Remember each.
func (v *Validator) Touch(ch *Checked) {
	if ch.code.field != nil {
		v.seen.Touch(ch.code.text)
	}
}

// Remember completes a checked row with what depends on the rows before
// it, and remembers what later rows are compared with: a code already
// seen is an error naming its first line, one that differs only by case
// a warning, and an all-digit code shorter than the file's zero-padded
// ones a warning. Rows must be remembered in file order, from one
// goroutine at a time.
func (v *Validator) Remember(line int, ch Checked) Outcome {
	o := ch.o
	var probs []ordered
	add := func(f *mapping.Field, col, order int, sev Severity, key msgKey, args ...string) {
		probs = append(probs, ordered{v.problem(f, col, sev, key, args...), order})
	}
	for _, z := range ch.zeros {
		if w, short := v.rememberZeros(z); short {
			add(z.f, z.col, z.order, Warning, msgCodeZero, z.text, w)
		}
	}
	if c := ch.code; c.field != nil {
		if first, dup := v.seen.AddFirst(c.text, line); dup {
			add(c.field, c.col, c.order, Error, msgDuplicate, strconv.Itoa(first), c.text)
		} else {
			if first, dup := v.caseDuplicate(line, c.text); dup {
				add(c.field, c.col, c.order, Warning, msgCaseDuplicate, strconv.Itoa(first), c.text)
			}
		}
	}
	if len(probs) == 0 {
		return o
	}
	all := make([]ordered, 0, len(o.Problems)+len(probs))
	for _, p := range o.Problems {
		all = append(all, ordered{p, v.order(p)})
	}
	o.Problems = sortedProblems(append(all, probs...))
	if !o.Valid() {
		o.Payload = nil
	}
	return o
}

// rememberZeros keeps a zero-padded all-digit code as its field's widest
// so far, or reports one without zeros that is shorter (short) than the
// widest, w.
func (v *Validator) rememberZeros(z pendingZero) (w string, short bool) {
	w = v.codeWidth[z.f.Code]
	switch {
	case z.text[0] == '0' && len(z.text) > len(w):
		v.codeWidth[z.f.Code] = z.text
	case w != "" && len(z.text) < len(w) && z.text[0] != '0':
		return w, true
	}
	return w, false
}

// order is a problem's position for sorting: its field's catalog index,
// past the catalog for other fields.
func (v *Validator) order(p Problem) int {
	if i, ok := v.cat.Index(p.Field); ok && p.Field != "" {
		return i
	}
	return len(v.fields)
}

// caseDuplicate finds a code that differs from an earlier row's only by
// case ("a001" after "A001"): TMS may well treat them as one customer.
// Codes without letters are left to the exact duplicate check.
//
// Only codes with lower-case letters are kept a second time (upper-cased,
// in v.folded); an upper-case code is found in v.seen itself, so a file
// of upper-case codes costs no more memory than before.
func (v *Validator) caseDuplicate(line int, code string) (int, bool) {
	if v.folded.Len() == 0 && upperASCII(code) {
		return 0, false // no lower-case code yet, and this is none
	}
	if strings.IndexFunc(code, unicode.IsLetter) < 0 {
		return 0, false
	}
	up := strings.ToUpper(code) // no copy when it is upper-case already
	var first int
	var dup bool
	if v.folded.Len() > 0 { // no lower-case code yet: nothing to look up
		first, dup = v.folded.First(up)
	}
	if !dup && up != code {
		first, dup = v.seen.First(up)
	}
	if up != code && !dup {
		v.folded.Add(up, line)
	}
	return first, dup
}

// upperASCII reports whether s is ASCII without a lower-case letter: its
// own upper case.
func upperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'a' <= c && c <= 'z' {
			return false
		}
	}
	return true
}

// Code is the row's customer code when it is valid: what Remember looks
// for among the earlier rows' codes (upper-cased, for the codes that
// differ only in case); "" when the row has none.
func (c Checked) Code() string {
	if c.code.field == nil {
		return ""
	}
	return c.code.text
}

// Zeros reports whether Remember compares the row's values with the
// zero-padded codes of earlier rows (a field with the code_zeros check).
func (c Checked) Zeros() bool { return len(c.zeros) > 0 }

// ZeroState is what Remember compares ch's code_zeros values with: the
// widest zero-padded code seen so far of each of their fields (as one
// string; "" when ch has none). Two rows with the same state get the
// same warnings from it.
func (v *Validator) ZeroState(ch Checked) string {
	switch len(ch.zeros) {
	case 0:
		return ""
	case 1:
		return v.codeWidth[ch.zeros[0].f.Code]
	}
	var b strings.Builder
	for _, z := range ch.zeros {
		b.WriteString(z.f.Code)
		b.WriteByte('=')
		b.WriteString(v.codeWidth[z.f.Code])
		b.WriteByte(';')
	}
	return b.String()
}

// NoteZeros remembers ch's code_zeros values as Remember does, and
// nothing else of the row.
func (v *Validator) NoteZeros(ch Checked) {
	for _, z := range ch.zeros {
		v.rememberZeros(z)
	}
}

// CopyZeros makes v's widest zero-padded codes from's: Remember then
// checks a row's code_zeros values as from would.
func (v *Validator) CopyZeros(from *Validator) {
	clear(v.codeWidth)
	for f, w := range from.codeWidth {
		v.codeWidth[f] = w
	}
}
