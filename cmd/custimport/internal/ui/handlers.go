package ui

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/mapping"
)

//go:embed assets
var assetFS embed.FS

var pageTmpl = template.Must(template.New("page.html").Funcs(template.FuncMap{"text": func(lang, key string) string { return text(lang, key) }}).ParseFS(assetFS, "assets/page.html"))

// routes is the server's mux behind the security checks.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	ss := s.sess
	mux.HandleFunc("GET /{$}", ss.index)
	mux.HandleFunc("GET /view", ss.sections)
	mux.HandleFunc("POST /upload", ss.upload)
	mux.HandleFunc("POST /options", ss.editing(ss.options))
	mux.HandleFunc("POST /password", ss.unlock)
	mux.HandleFunc("POST /mapping", ss.editing(ss.setMapping))
	mux.HandleFunc("GET /mapping.yaml", ss.mappingYAML)
	mux.HandleFunc("POST /mapping-file", ss.loadMapping)
	mux.HandleFunc("POST /mapping-remembered", ss.editing(ss.applyRemembered))
	mux.HandleFunc("POST /grid", ss.grid)
	mux.HandleFunc("POST /cell", ss.editing(ss.cell))
	mux.HandleFunc("POST /replace", ss.editing(ss.findReplace))
	mux.HandleFunc("POST /undo", ss.editing(ss.undoLast))
	mux.HandleFunc("POST /settings", ss.settings)
	mux.HandleFunc("POST /existing", ss.loadExisting)
	mux.HandleFunc("POST /test-connection", ss.testConnection)
	mux.HandleFunc("POST /apply-recipe", ss.applyRecipe)
	mux.HandleFunc("POST /lang", ss.setLang)
	mux.HandleFunc("POST /import", ss.importStart)
	mux.HandleFunc("POST /pause", ss.control)
	mux.HandleFunc("POST /resume", ss.control)
	mux.HandleFunc("POST /stop", ss.control)
	mux.HandleFunc("GET /events", ss.events)
	mux.HandleFunc("GET /results", ss.results)
	return s.guard(mux)
}

// render writes a template with the session's view; ss.mu is held.
func (ss *session) render(w http.ResponseWriter, code int, name, msg, note string) {
	v := ss.view()
	v.Message, v.Note = msg, note
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, name, v); err != nil {
		ss.srv.log.Error("rendering the page", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

func (ss *session) index(w http.ResponseWriter, r *http.Request) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	msg := ss.notice
	ss.notice = ""
	ss.render(w, http.StatusOK, "page", msg, "")
}

func (ss *session) sections(w http.ResponseWriter, r *http.Request) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.render(w, http.StatusOK, "sections", "", "")
}

// upload receives a file (multipart, field "file"), keeps it in memory and
// checks it at once. The body is read as a stream, never spooled to disk.
func (ss *session) upload(w http.ResponseWriter, r *http.Request) {
	limit := ss.srv.cfg.MaxUploadBytes
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	name, data, err := readUpload(r, limit)
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	var tooBig *http.MaxBytesError
	switch {
	case ss.importing():
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		return
	case errors.As(err, &tooBig) || errors.Is(err, errTooBig):
		ss.dropFile() // another file was chosen: nothing of the old one stays
		ss.render(w, http.StatusRequestEntityTooLarge, "sections", ss.t("tooBig", limit>>20), "")
		return
	case err != nil:
		ss.render(w, http.StatusBadRequest, "sections", ss.t("noUpload"), "")
		return
	}
	ss.dropFile()
	u, err := ss.openUpload(name, data, "")
	switch {
	case ss.lockedFile != nil: // the password form asks
		ss.render(w, http.StatusOK, "sections", "", "")
		return
	case errors.Is(err, errTooManyRows):
		ss.render(w, http.StatusRequestEntityTooLarge, "sections", ss.uploadMessage(err), "")
		return
	case err != nil:
		ss.render(w, http.StatusUnprocessableEntity, "sections", ss.uploadMessage(err), "")
		return
	}
	ss.file = u
	ss.check(r.Context())
	ss.offerRemembered()
	ss.render(w, http.StatusOK, "sections", "", "")
}

// uploadMessage says why a new file could not be read.
func (ss *session) uploadMessage(err error) string {
	if errors.Is(err, errTooManyRows) {
		return ss.t("tooManyRows", ss.srv.cfg.MaxRows)
	}
	ss.srv.log.Warn("an upload could not be read", "err", err)
	return fileMessage(ss.lang, err)
}

var errTooBig = errors.New("upload too large")

// readUpload returns the first file part of a multipart body.
func readUpload(r *http.Request, limit int64) (string, []byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, err
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", nil, err
		}
		if p.FormName() != "file" || p.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			return "", nil, err
		}
		if int64(len(data)) > limit {
			return "", nil, errTooBig
		}
		return p.FileName(), data, nil
	}
}

// locked answers 409 when there is no file or an import runs; ss.mu is
// held. It reports whether it answered.
func (ss *session) locked(w http.ResponseWriter) bool {
	switch {
	case ss.file == nil:
		ss.render(w, http.StatusConflict, "sections", ss.t("noFile"), "")
	case ss.importing():
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
	default:
		return false
	}
	return true
}

// editing wraps a handler that changes the upload (its options, mapping
// or cells): it runs with the session locked, and only for the tab that
// shows the current check, when there is a file and no import runs.
func (ss *session) editing(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !ss.lockFresh(w, r) {
			return
		}
		defer ss.mu.Unlock()
		if ss.locked(w) {
			return
		}
		h(w, r)
	}
}

// options changes the sheet or the header row.
func (ss *session) options(w http.ResponseWriter, r *http.Request) {
	u := ss.file
	ss.skipHidden = r.PostFormValue("skiphidden") == "1"
	ss.resendUnknown = r.PostFormValue("resendunknown") == "1"
	ss.updateExisting = r.PostFormValue("updateexisting") == "1"
	if v, ok := r.PostForm["credit"]; ok {
		ss.setPageDefault(creditField, v[0])
	}
	if r.PostFormValue("alsoform") == "1" { // the sheets' boxes are on the form
		u.also = map[string]bool{}
		for _, sheet := range r.PostForm["also"] {
			u.also[sheet] = true
		}
	}
	newSheet := false
	if sheet := r.PostFormValue("sheet"); sheet != "" && u.xlsx && sheet != u.sheet {
		nu, err := ss.load(u.name, u.data, sheet, u.password)
		if err != nil {
			ss.render(w, http.StatusUnprocessableEntity, "sections", fileMessage(ss.lang, err), "")
			return
		}
		nu.listSheets, nu.also = u.listSheets, u.also
		ss.file, ss.page, ss.undo, ss.replace = nu, 1, nil, replacePreview{}
		newSheet = true
	} else if h, err := strconv.Atoi(r.PostFormValue("header")); err == nil && h != u.headerPick {
		if _, ok := u.index[h]; h != 0 && !ok {
			ss.render(w, http.StatusBadRequest, "sections", ss.t("noKnownCol"), "")
			return
		}
		u.headerPick, u.overrides = h, map[int]string{}
	}
	ss.check(r.Context())
	if newSheet {
		ss.offerRemembered() // another sheet, other headers
	}
	ss.render(w, http.StatusOK, "sections", "", "")
}

// setMapping takes the column dropdowns: col<N> = field code or "ignore".
func (ss *session) setMapping(w http.ResponseWriter, r *http.Request) {
	u := ss.file
	r.ParseForm()
	for _, c := range u.hdr.Columns {
		v, ok := r.PostForm["col"+strconv.Itoa(c.Index)]
		if !ok || v[0] == columnValue(c) {
			continue
		}
		if _, known := mapping.Lookup(v[0]); !known && v[0] != mapping.Ignore {
			continue
		}
		u.overrides[c.Index] = v[0]
	}
	ss.check(r.Context())
	ss.remember()
	ss.render(w, http.StatusOK, "sections", "", "")
}

// mappingYAML downloads the column choices as a mapping file for the CLI.
func (ss *session) mappingYAML(w http.ResponseWriter, r *http.Request) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.file == nil {
		http.Error(w, "no file", http.StatusConflict)
		return
	}
	cols := map[string]string{}
	for _, c := range ss.file.hdr.Columns {
		if v := columnValue(c); v != "" && strings.TrimSpace(c.Header) != "" {
			cols[c.Header] = v
		}
	}
	y := map[string]any{"columns": cols}
	if d := ss.mappingDefaults(); len(d) > 0 {
		y["defaults"] = d
	}
	data, _ := yaml.Marshal(y)
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("mapping.yaml"))
	w.Write(data)
}

// attachment is a Content-Disposition that keeps a non-ASCII name.
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// grid pages the grid and sets the errors-only filter.
func (ss *session) grid(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	switch p := r.PostFormValue("page"); p {
	case "prev":
		ss.page = max(1, ss.page-1)
	case "next":
		ss.page++
	case "":
		ss.errorsOnly = r.PostFormValue("errors") == "1"
		ss.page = 1
	default:
		if n, err := strconv.Atoi(p); err == nil {
			ss.page = n
		}
	}
	ss.render(w, http.StatusOK, "sections", "", "")
}

// cell changes one cell and checks the file again: that row and the
// file-wide checks (session.recheck). The answer carries what changed.
func (ss *session) cell(w http.ResponseWriter, r *http.Request) {
	line, err1 := strconv.Atoi(r.PostFormValue("line"))
	col, err2 := strconv.Atoi(r.PostFormValue("col"))
	old, ok := ss.file.setCell(line, col, r.PostFormValue("value"))
	if err1 != nil || err2 != nil || !ok {
		ss.render(w, http.StatusBadRequest, "sections", "", "")
		return
	}
	ss.undo = append(ss.undo, []cellChange{{line: line, col: col, old: old}})
	ss.replace = replacePreview{}
	ss.answerEdit(w, r, []int{line}, "")
}

// settings takes the connection form. The key field, when filled, sets
// the key in memory; it is never rendered back.
func (ss *session) settings(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	if ss.importing() {
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		return
	}
	ss.takeConnForm(r)
	note := ss.t("connSaved")
	if p := ss.connProblem(); p != "" {
		note = ""
	}
	ss.peekExisting(r.Context()) // another TMS, another list
	if ss.file != nil {
		ss.check(r.Context()) // the ledger may know rows now
	}
	ss.render(w, http.StatusOK, "sections", ss.connProblem(), note)
}

// takeConnForm sets the connection from the form; the key field, when
// filled, sets the key in memory. ss.mu is held.
func (ss *session) takeConnForm(r *http.Request) {
	c := ss.conn
	c.URL = strings.TrimSpace(r.PostFormValue("url"))
	c.PNO = strings.TrimSpace(r.PostFormValue("pno"))
	c.ProNum = strings.TrimSpace(r.PostFormValue("pronum"))
	// The drop-down's recipe, or under 自訂 the one typed; a recipe
	// chosen that is the one set keeps its spelling ("" stays the default).
	sign := strings.TrimSpace(r.PostFormValue("sign"))
	if sign == signCustom {
		sign = strings.TrimSpace(r.PostFormValue("signcustom"))
	}
	if normRecipe(sign) == normRecipe(c.SignRecipe) {
		sign = c.SignRecipe
	}
	c.SignRecipe = sign
	if k := strings.TrimSpace(r.PostFormValue("key")); k != "" {
		c.Key = k
	}
	ss.conn = c
}

func (ss *session) setLang(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	if l := r.PostFormValue("lang"); l == "en" || l == "zh" {
		ss.lang = l
	}
	if ss.file != nil && !ss.importing() {
		ss.check(r.Context()) // the problems in the new language
	}
	ss.render(w, http.StatusOK, "sections", "", "")
}

func (ss *session) importStart(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	if !ss.preflight(r.Context()) {
		// Answered: the verdict is the answer (and a browser logs a 4xx
		// as an error of the page).
		ss.render(w, http.StatusOK, "sections", "", "")
		ss.mu.Unlock()
		return
	}
	defer ss.mu.Unlock()
	if msg := ss.startImport(); msg != "" {
		ss.render(w, http.StatusConflict, "sections", msg, "")
		return
	}
	ss.render(w, http.StatusOK, "sections", "", "")
}

// control pauses, resumes or stops the running import.
func (ss *session) control(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	if !ss.importing() {
		ss.render(w, http.StatusConflict, "sections", "", "")
		return
	}
	switch r.URL.Path {
	case "/pause":
		ss.imp.currentJob().Pause()
	case "/resume":
		ss.imp.currentJob().Resume()
	case "/stop":
		ss.imp.stop()
	}
	ss.render(w, http.StatusOK, "sections", "", "")
}

// events streams the import's progress as Server-Sent Events: "live"
// with the status line and the import box as HTML, "done" at the end.
func (ss *session) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	ss.mu.Lock()
	ir := ss.imp
	ss.mu.Unlock()
	if !ok || ir == nil {
		http.Error(w, "no import", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	changed, release := ir.watch()
	defer release()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		html, done := ss.live(ir)
		data, _ := json.Marshal(html)
		fmt.Fprintf(w, "event: live\ndata: %s\n\n", data)
		if done {
			fmt.Fprint(w, "event: done\ndata: {}\n\n")
			fl.Flush()
			return
		}
		fl.Flush()
		select {
		case <-changed:
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
}

// live renders #status and the import box.
func (ss *session) live(ir *importRun) (string, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	v := &view{Lang: ss.lang, Import: ss.importView()}
	v.Status = ss.statusText(v.Import)
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, "live", v); err != nil {
		ss.srv.log.Error("rendering the progress", "err", err)
	}
	select {
	case <-ir.finished:
		return b.String(), true
	default:
		return b.String(), false
	}
}

// results downloads the last import's results workbook.
func (ss *session) results(w http.ResponseWriter, r *http.Request) {
	ss.mu.Lock()
	ir := ss.imp
	ss.mu.Unlock()
	if ir == nil {
		http.Error(w, "no results", http.StatusNotFound)
		return
	}
	select {
	case <-ir.finished:
	default:
		http.Error(w, "the import is running", http.StatusConflict)
		return
	}
	f, err := os.Open(ir.out)
	if err != nil {
		http.Error(w, "no results", http.StatusNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", attachment(ir.outName))
	io.Copy(w, f)
}
