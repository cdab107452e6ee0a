package ui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/mapping"
)

// The column choices made for a set of headers are remembered on this PC,
// in the state folder's mappings/ (one small YAML file per set of
// headers, named by a hash of them), and offered the next time the same
// headers appear: the same list next month, or its results workbook fed
// back (the results' own columns do not count).

// rememberedDir is the folder of the remembered mappings.
const rememberedDir = "mappings"

// remembered is a mapping remembered for the headers of the file shown.
type remembered struct {
	columns map[string]string // header → field code or mapping.Ignore
	saved   time.Time
	differs int // columns whose choice it changes
}

// rememberedFile is a remembered mapping as stored: the column choices,
// with the headers they are for and when they were saved.
type rememberedFile struct {
	Headers []string          `yaml:"headers"`
	Saved   time.Time         `yaml:"saved"`
	Columns map[string]string `yaml:"columns"`
}

// headerKey names a set of headers: the header texts of the columns in
// order, blanks and the results' own columns left out.
func headerKey(h mapping.Header) (string, []string) {
	var names []string
	for _, c := range h.Columns {
		if c.Result != "" || strings.TrimSpace(c.Header) == "" {
			continue
		}
		names = append(names, strings.TrimSpace(c.Header))
	}
	if len(names) == 0 {
		return "", nil
	}
	sum := sha256.Sum256([]byte(strings.Join(names, "\x1f")))
	return hex.EncodeToString(sum[:12]), names
}

// rememberPath is the file of a set of headers ("" without a state folder).
func (ss *session) rememberPath(key string) string {
	dir := ss.conn.StateDir
	if dir == "" {
		d, err := connect.DefaultStateDir(ss.srv.cfg.Getenv)
		if err != nil {
			return ""
		}
		dir = d
	}
	return filepath.Join(dir, rememberedDir, key+".yaml")
}

// choices are the column choices of the file shown: header → value.
func choices(u *upload) map[string]string {
	cols := map[string]string{}
	for _, c := range u.hdr.Columns {
		if v := columnValue(c); v != "" && c.Result == "" && strings.TrimSpace(c.Header) != "" {
			cols[strings.TrimSpace(c.Header)] = v
		}
	}
	return cols
}

// remember stores the column choices of the file shown for its headers;
// ss.mu is held. A failure is logged: the page works without it.
func (ss *session) remember() {
	u := ss.file
	if u == nil || u.hdrErr != "" {
		return
	}
	key, names := headerKey(u.hdr)
	path := ss.rememberPath(key)
	if key == "" || path == "" {
		return
	}
	data, err := yaml.Marshal(rememberedFile{Headers: names, Saved: time.Now().UTC().Truncate(time.Second), Columns: choices(u)})
	if err == nil {
		err = writeFileAtomic(path, data)
	}
	if err != nil {
		ss.srv.log.Warn("could not remember the column choices", "file", path, "err", err)
	}
	ss.remembered = nil
}

// writeFileAtomic writes data to path through a temporary file in its folder.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mapping-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if e := tmp.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// offerRemembered looks for choices remembered for the headers of the
// file just checked: when they differ from what the page matched, the
// page offers them (#mapping-remembered); ss.mu is held.
func (ss *session) offerRemembered() {
	ss.remembered = nil
	u := ss.file
	if u == nil || len(u.overrides) > 0 {
		return
	}
	key, _ := headerKey(u.hdr)
	path := ss.rememberPath(key)
	if key == "" || path == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			ss.srv.log.Warn("could not read the remembered column choices", "file", path, "err", err)
		}
		return
	}
	var rf rememberedFile
	if err := yaml.Unmarshal(data, &rf); err != nil {
		ss.srv.log.Warn("the remembered column choices are damaged", "file", path, "err", err)
		return
	}
	now := choices(u)
	n := 0
	for h, v := range rf.Columns {
		if _, ok := mapping.Lookup(v); (ok || v == mapping.Ignore) && now[h] != v {
			n++
		}
	}
	if n > 0 {
		ss.remembered = &remembered{columns: rf.Columns, saved: rf.Saved, differs: n}
	}
}

// applyRemembered takes the offered choices as the page's own.
func (ss *session) applyRemembered(w http.ResponseWriter, r *http.Request) {
	rm := ss.remembered
	if rm == nil {
		ss.render(w, http.StatusConflict, "sections", "", "")
		return
	}
	u := ss.file
	for _, c := range u.hdr.Columns {
		v, ok := rm.columns[strings.TrimSpace(c.Header)]
		if !ok || c.Result != "" || v == columnValue(c) {
			continue
		}
		if _, known := mapping.Lookup(v); known || v == mapping.Ignore {
			u.overrides[c.Index] = v
		}
	}
	ss.remembered = nil
	ss.check(r.Context())
	ss.render(w, http.StatusOK, "sections", "", ss.t("rememberedApplied"))
}

// loadMapping takes a mapping file (multipart "file", as 「存成對應檔」
// or the command line's --mapping writes it) as the page's: its columns
// and defaults, for this file and the next ones; the choices are
// remembered for the headers shown.
func (ss *session) loadMapping(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20+64<<10)
	name, data, err := readUpload(r, 1<<20)
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	if ss.importing() {
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		return
	}
	if err != nil {
		ss.render(w, http.StatusBadRequest, "sections", ss.t("noUpload"), "")
		return
	}
	mf, err := mapping.ParseFile(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if err != nil {
		ss.srv.log.Info("a mapping file was refused", "err", err)
		ss.render(w, http.StatusUnprocessableEntity, "sections", ss.t("mappingBad"), "")
		return
	}
	ss.mapping, ss.mappingName = mf, name
	if v, ok := mf.Defaults[creditField]; ok {
		ss.setPageDefault(creditField, v)
	}
	note := ss.t("mappingLoaded", len(mf.Columns))
	if u := ss.file; u != nil {
		u.overrides = map[int]string{}
		ss.check(r.Context())
		ss.remember()
	}
	ss.render(w, http.StatusOK, "sections", "", note)
}
