package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/existing"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
)

// loadExisting takes the list of existing customers (multipart: "asof",
// a date, then "file", TMS's customer export) and loads it into the
// TMS's ledger, as `custimport ledger load-existing` does; the file on
// the page is checked again against it.
func (ss *session) loadExisting(w http.ResponseWriter, r *http.Request) {
	limit := ss.srv.cfg.MaxUploadBytes
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	name, data, asOf, err := readListUpload(r, limit)
	if !ss.lockFresh(w, r) {
		return
	}
	defer ss.mu.Unlock()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || errors.Is(err, errTooBig):
		ss.render(w, http.StatusRequestEntityTooLarge, "sections", ss.t("tooBig", limit>>20), "")
		return
	case errors.Is(err, errBadDate):
		ss.render(w, http.StatusBadRequest, "sections", ss.t("badDate"), "")
		return
	case err != nil:
		ss.render(w, http.StatusBadRequest, "sections", ss.t("noUpload"), "")
		return
	case ss.importing():
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		return
	case strings.TrimSpace(ss.conn.URL) == "" || strings.TrimSpace(ss.conn.PNO) == "":
		ss.render(w, http.StatusConflict, "sections", ss.t("existingNeedConn"), "")
		return
	}
	rep, err := existing.Read(name, existing.Options{Data: bytes.NewReader(data), Size: int64(len(data)), AsOf: asOf,
		Source: source.Options{MaxBytes: limit}, Mapping: ss.srv.cfg.Job.Mapping})
	if err == nil && len(rep.List.Customers) == 0 {
		err = errNoCustomers
	}
	if err != nil {
		ss.render(w, http.StatusUnprocessableEntity, "sections", ss.t("existingBad", existingMessage(ss.lang, err)), "")
		return
	}
	rep.List.Info.Source = "upload:" + name
	db, closeDB, err := ss.conn.OpenLedger(r.Context(), ss.srv.cfg.Getenv, "(the page: loading existing customers)")
	if err != nil {
		msg := ss.t("ledgerBad")
		if errors.Is(err, ledger.ErrLocked) {
			msg = ss.t("ledgerBusy")
		}
		ss.srv.log.Error("opening the ledger to load existing customers", "err", err)
		ss.render(w, http.StatusConflict, "sections", msg, "")
		return
	}
	err = db.LoadExisting(r.Context(), rep.List)
	closeDB()
	if err != nil {
		ss.srv.log.Error("loading existing customers", "err", err)
		ss.render(w, http.StatusInternalServerError, "sections", ss.t("ledgerBad"), "")
		return
	}
	ss.peekExisting(r.Context())
	if ss.file != nil && !ss.importing() {
		ss.check(r.Context()) // its rows against the new list
	}
	note := ss.t("existingLoaded", len(rep.List.Customers), rep.WithTaxID, rep.List.Info.AsOf.Local().Format("2006-01-02"))
	ss.render(w, http.StatusOK, "sections", "", note)
}

var (
	errBadDate     = errors.New("bad date")
	errNoCustomers = errors.New("no customers")
)

// readListUpload reads the list's form: an optional "asof" date before
// the "file" part.
func readListUpload(r *http.Request, limit int64) (name string, data []byte, asOf time.Time, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, asOf, err
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", nil, asOf, err
		}
		switch {
		case p.FormName() == "asof":
			v, err := io.ReadAll(io.LimitReader(p, 64))
			if err != nil {
				return "", nil, asOf, err
			}
			if s := strings.TrimSpace(string(v)); s != "" {
				if asOf, err = time.ParseInLocation("2006-01-02", strings.ReplaceAll(s, "/", "-"), time.Local); err != nil {
					return "", nil, asOf, errBadDate
				}
			}
		case p.FormName() == "file" && p.FileName() != "":
			data, err := io.ReadAll(io.LimitReader(p, limit+1))
			if err != nil {
				return "", nil, asOf, err
			}
			if int64(len(data)) > limit {
				return "", nil, asOf, errTooBig
			}
			return p.FileName(), data, asOf, nil
		}
	}
}

// configuredList is the list of existing customers a check matches with
// when the configuration names one (existing_customers) that the
// ledger (db, maybe nil) does not hold as it is: the file, read; nil
// when none is named or the ledger's copy is current.
func (ss *session) configuredList(ctx context.Context, db *ledger.DB) (*ledger.ExistingList, error) {
	path := ss.srv.cfg.ExistingFile
	if path == "" {
		return nil, nil
	}
	if db != nil {
		if changed, err := existing.Changed(ctx, db, path); err != nil || !changed {
			return nil, err
		}
	}
	rep, err := existing.Read(path, ss.listOptions())
	if err != nil {
		return nil, err
	}
	return &rep.List, nil
}

// syncConfiguredList loads the list the configuration names into the
// ledger of an import when it changed.
func (ss *session) syncConfiguredList(ctx context.Context, db *ledger.DB) error {
	if ss.srv.cfg.ExistingFile == "" {
		return nil
	}
	_, _, err := existing.Sync(ctx, db, ss.srv.cfg.ExistingFile, ss.listOptions())
	return err
}

func (ss *session) listOptions() existing.Options {
	return existing.Options{Source: source.Options{MaxBytes: ss.srv.cfg.MaxUploadBytes}, Mapping: ss.srv.cfg.Job.Mapping}
}

// peekExisting reads what the TMS's ledger says of its list of existing
// customers; ss.mu is held.
func (ss *session) peekExisting(ctx context.Context) {
	ss.existing, ss.existingStale = nil, false
	db, closeDB, err := ss.conn.PeekLedger(ctx, ss.srv.cfg.Getenv)
	defer closeDB()
	if err != nil || db == nil {
		return
	}
	info, ok, err := db.ExistingInfo(ctx)
	if err != nil || !ok {
		return
	}
	ss.existing = &info
	ss.existingStale = !info.AsOf.IsZero() && time.Since(info.AsOf) > ss.maxAge()
}

func (ss *session) maxAge() time.Duration {
	if a := ss.srv.cfg.Job.ExistingMaxAge; a > 0 {
		return a
	}
	return importer.DefaultExistingMaxAge
}

// existingMessage says why a list of existing customers cannot be read.
func existingMessage(lang string, err error) string {
	switch {
	case errors.Is(err, existing.ErrNoCodeColumn):
		return text(lang, "existingNoCode")
	case errors.Is(err, errNoCustomers):
		return text(lang, "existingEmpty")
	}
	return fileMessage(lang, err)
}

// existingView is the list of existing customers as the page shows it.
type existingView struct {
	Line   string // "既有客戶清單: 120 位客戶,資料日期 …", "" when none
	Stale  string // the warning of an old list
	Today  string // the date field's default
	Update bool   // 「更新已存在的客戶」
}

// existingView builds the list's view; ss.mu is held.
func (ss *session) existingView() existingView {
	v := existingView{Today: time.Now().Format("2006-01-02"), Update: ss.updateExisting}
	if ss.existing != nil {
		v.Line = importer.ExistingLine(*ss.existing, ss.lang)
		if ss.existingStale {
			v.Stale = ss.t("existingStale", int(ss.maxAge().Hours()/24))
		}
	}
	return v
}
