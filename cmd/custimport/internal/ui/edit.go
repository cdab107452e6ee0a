package ui

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// replacePreview is the find-and-replace form's state.
type replacePreview struct {
	find, with string
	col        int // -1: every column
	count      int // cells that will change
	text       string
	// cells are the first cells that will change (at most
	// previewCells), for the list under the form and the grid's marks.
	cells []replaceCell
	// done is how many cells the last apply changed (shown next to 取代).
	done int
}

// replaceCell is one cell a replacement changes.
type replaceCell struct {
	line, col int
	old, new  string
}

// previewCells is how many cells the preview lists.
const previewCells = 20

// marks reports whether the preview lists cell (line, col).
func (p replacePreview) marks(line, col int) bool {
	for _, c := range p.cells {
		if c.line == line && c.col == col {
			return true
		}
	}
	return false
}

// matches calls fn for every data cell the find-and-replace covers that
// holds find.
func (u *upload) matches(find string, col int, fn func(line, col int, old string)) {
	for _, r := range u.rows {
		if r.Line <= u.hdrLast {
			continue
		}
		for i, c := range r.Cells {
			if (col < 0 || i == col) && strings.Contains(c, find) {
				fn(r.Line, i, c)
			}
		}
	}
}

// findReplace previews (op=preview) or applies (op=apply) a replacement
// of every occurrence of find in the data rows, in one column or all. An
// apply is one step of undo.
func (ss *session) findReplace(w http.ResponseWriter, r *http.Request) {
	u := ss.file
	col, err := strconv.Atoi(r.PostFormValue("col"))
	if err != nil {
		col = -1
	}
	p := replacePreview{find: r.PostFormValue("find"), with: r.PostFormValue("with"), col: col}
	if p.find == "" {
		ss.replace = p
		ss.render(w, http.StatusOK, "sections", "", "")
		return
	}
	u.matches(p.find, col, func(line, c int, old string) {
		p.count++
		if len(p.cells) < previewCells {
			p.cells = append(p.cells, replaceCell{line: line, col: c, old: old, new: strings.ReplaceAll(old, p.find, p.with)})
		}
	})
	if r.PostFormValue("op") != "apply" || p.count == 0 {
		p.text = ss.t("willChange", p.count)
		if p.count == 0 {
			p.text = ss.t("nothingFound", p.find)
		}
		ss.replace = p
		ss.render(w, http.StatusOK, "sections", "", "")
		return
	}
	var group changes
	u.matches(p.find, col, func(line, c int, old string) {
		u.setCell(line, c, strings.ReplaceAll(old, p.find, p.with))
		group = append(group, cellChange{line: line, col: c, old: old})
	})
	ss.undo = append(ss.undo, group)
	ss.replace = replacePreview{find: p.find, with: p.with, col: col, done: len(group)}
	ss.recheck(r.Context(), group.lines())
	ss.render(w, http.StatusOK, "sections", "", "")
}

// undoLast undoes the last cell edit or replacement.
func (ss *session) undoLast(w http.ResponseWriter, r *http.Request) {
	n := len(ss.undo)
	if n == 0 {
		ss.render(w, http.StatusOK, "sections", "", "")
		return
	}
	group := ss.undo[n-1]
	ss.undo = ss.undo[:n-1]
	for i := len(group) - 1; i >= 0; i-- {
		ss.file.setCell(group[i].line, group[i].col, group[i].old)
	}
	ss.replace.count, ss.replace.text = 0, ""
	ss.answerEdit(w, r, group.lines(), "")
}

// lines are the rows of the changes, each once, in order.
func (g changes) lines() []int {
	var out []int
	for _, c := range g {
		out = append(out, c.line)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// answerEdit checks the upload again after the cells of rows at lines
// changed and answers with what an edit changes on the page ("edited"):
// the rows whose verdict moved that the grid shows, #status, the file's
// notes, the undo button and the import box, not the whole step. After a
// full check (session.recheck) the answer is the whole step, as for
// any other change.
func (ss *session) answerEdit(w http.ResponseWriter, r *http.Request, lines []int, note string) {
	changed, ok := ss.recheck(r.Context(), lines)
	if !ok {
		ss.render(w, http.StatusOK, "sections", "", note)
		return
	}
	v := &view{Lang: ss.lang, CheckID: ss.current, Note: note, SkipHidden: ss.skipHidden, ResendUnknown: ss.resendUnknown, Existing: ss.existingView()}
	u := ss.file
	v.File = ss.fileView(u)
	v.Grid = ss.gridView(u)
	show := map[int]bool{}
	for _, l := range append(changed, lines...) {
		show[l] = true
	}
	rows := v.Grid.Rows[:0]
	for _, row := range v.Grid.Rows {
		if show[row.Line] {
			rows = append(rows, row)
		}
	}
	v.Grid.Rows = rows
	v.Import = ss.importView()
	v.Status = ss.statusText(v.Import)
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, "edited", v); err != nil {
		ss.srv.log.Error("rendering the page", "template", "edited", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}
