package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/custimport/custimport/importer/source"
)

// lockedUpload is a password-protected workbook waiting for its password
// (「這個活頁簿有密碼保護」): kept in memory until a password opens it or
// another file is chosen.
type lockedUpload struct {
	name  string
	data  []byte
	wrong int // passwords typed that did not open it
}

// openUpload reads a new upload: a workbook that needs a password waits
// for it (ss.locked); ss.mu is held and the old file is gone.
func (ss *session) openUpload(name string, data []byte, password string) (*upload, error) {
	u, err := ss.loadFirst(name, data, password)
	if errors.Is(err, source.ErrNoPassword) || errors.Is(err, source.ErrWrongPassword) {
		ss.lockedFile = &lockedUpload{name: name, data: data}
	}
	return u, err
}

// unlock takes the password of the waiting workbook (form field
// "password") and opens it.
func (ss *session) unlock(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	lf := ss.lockedFile
	switch {
	case ss.importing():
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		return
	case lf == nil:
		ss.render(w, http.StatusConflict, "sections", ss.t("noFile"), "")
		return
	}
	pw := r.PostFormValue("password")
	if pw == "" {
		ss.render(w, http.StatusOK, "sections", ss.t("passwordNone"), "")
		return
	}
	u, err := ss.loadFirst(lf.name, lf.data, pw)
	if errors.Is(err, source.ErrWrongPassword) {
		lf.wrong++
		ss.render(w, http.StatusOK, "sections", ss.t("passwordWrong"), "")
		return
	}
	ss.lockedFile = nil
	if err != nil {
		ss.render(w, http.StatusUnprocessableEntity, "sections", ss.uploadMessage(err), "")
		return
	}
	ss.file = u
	ss.check(r.Context())
	ss.offerRemembered()
	ss.render(w, http.StatusOK, "sections", "", "")
}

// preload opens the page with a file from the disk, as if it had been
// chosen on the page; what goes wrong is said on the page's first view.
func (ss *session) preload(ctx context.Context, path string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	name := filepath.Base(path)
	data, err := readLimited(path, ss.srv.cfg.MaxUploadBytes)
	switch {
	case errors.Is(err, errTooBig):
		ss.notice = ss.t("tooBig", ss.srv.cfg.MaxUploadBytes>>20)
		return
	case err != nil:
		ss.srv.log.Error("reading the file to open the page with", "file", path, "err", err)
		ss.notice = ss.t("preloadFailed", name)
		return
	}
	ss.dropFile()
	u, err := ss.openUpload(name, data, "")
	switch {
	case ss.lockedFile != nil:
		return // the password form asks
	case err != nil:
		ss.notice = name + ":" + ss.uploadMessage(err)
		return
	}
	ss.file = u
	ss.check(ctx)
	ss.offerRemembered()
}

// readLimited reads a file of at most limit bytes (errTooBig beyond).
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = errTooBig
	}
	return data, err
}
