package ui

import (
	"errors"
	"net/http"

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
