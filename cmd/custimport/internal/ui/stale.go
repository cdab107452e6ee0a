package ui

import (
	"net/http"
	"strconv"
)

// CheckHeader carries the id of the check a tab shows (the page's
// #page-state data-check) on every state-changing request its JavaScript
// sends. A request whose id is not the session's current one comes from
// a tab showing an older file or check (two tabs, one uploaded another
// file): it is refused with 409 and changes nothing. A request without
// the header (a script, curl) is not judged.
const CheckHeader = "X-Custimport-Check"

// lockFresh takes ss.mu for a state-changing request and reports whether
// the request may go on; a stale tab's request is answered 409 here and
// ss.mu is released. With true, the caller holds ss.mu.
func (ss *session) lockFresh(w http.ResponseWriter, r *http.Request) bool {
	ss.mu.Lock()
	if isStale(r.Header.Get(CheckHeader), ss.current) {
		ss.srv.log.Info("refused a stale tab's request", "path", r.URL.Path, "tab", r.Header.Get(CheckHeader), "current", ss.current)
		ss.renderStale(w)
		ss.mu.Unlock()
		return false
	}
	return true
}

// isStale reports whether a tab that shows check claimed is behind the
// session's current check ("" claims nothing).
func isStale(claimed string, current int) bool {
	if claimed == "" {
		return false
	}
	n, err := strconv.Atoi(claimed)
	return err != nil || n != current
}

// renderStale answers a stale tab: only the message changes, so the tab
// keeps what it shows until it is reloaded.
func (ss *session) renderStale(w http.ResponseWriter) {
	v := &view{Lang: ss.lang, Message: ss.t("staleTab")}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusConflict)
	if err := pageTmpl.ExecuteTemplate(w, "stale", v); err != nil {
		ss.srv.log.Error("rendering the stale answer", "err", err)
	}
}
