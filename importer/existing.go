package importer

import (
	"context"
	"time"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/plan"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/ledger"
)

// DefaultExistingMaxAge is how old a list of existing customers may be
// before a run warns that TMS may have customers it does not list.
const DefaultExistingMaxAge = 30 * 24 * time.Hour

// ErrorExists is the ImportErrorCode of a row without a code that is a
// customer TMS already has: not sent, ImportCCODE names the customer.
const ErrorExists = prepare.ErrorExists

// ErrorLostZeros is the ImportErrorCode of a row whose all-digit code is
// a code TMS has without its leading zeros: not sent, ImportCCODE names
// the code it should be.
const ErrorLostZeros = plan.ErrorLostZeros

// loadExisting reads the list of existing customers (Options.Existing,
// else the ledger's) and indexes it with the customers the ledger's
// creates made: the customers TMS has, which rows are matched with.
func (r *run) loadExisting(ctx context.Context, creates []ledger.Create) error {
	list, listed := r.opts.Existing, r.opts.Existing != nil
	if !listed && r.opts.Ledger != nil {
		l, ok, err := r.opts.Ledger.Existing(ctx)
		if err != nil {
			return err
		}
		if ok {
			list, listed = &l, true
		}
	}
	var customers []ledger.Customer
	if listed {
		info := list.Info
		info.Count = len(list.Customers)
		r.sum.Existing = &info
		customers = list.Customers
	}
	if listed || len(creates) > 0 {
		r.existing = decide.NewExistingIndex(customers, listed, creates)
	}
	return nil
}

// asOf is the date of the list of existing customers, as messages show it.
func (r *run) asOf() string {
	if r.sum.Existing == nil || r.sum.Existing.AsOf.IsZero() {
		return "?"
	}
	return r.sum.Existing.AsOf.Local().Format("2006-01-02")
}

// existingWarnings are the summary's notes on the list of existing
// customers: a list older than the run's limit.
func (r *run) existingWarnings() {
	info := r.sum.Existing
	if info == nil || info.AsOf.IsZero() {
		return
	}
	limit := r.opts.ExistingMaxAge
	if limit <= 0 {
		limit = DefaultExistingMaxAge
	}
	if time.Since(info.AsOf) > limit {
		r.sum.ExistingStale = true
		r.sum.Warnings = append(r.sum.Warnings, r.msg.text(msgListStale, r.asOf(), int(limit.Hours()/24)))
		r.log.Warn("the list of existing customers is old", "as_of", info.AsOf, "max_age", limit)
	}
}
