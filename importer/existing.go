package importer

import (
	"context"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
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
const ErrorLostZeros = "LOST_ZEROS"

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

// codeFacts is what is known of the codes of a batch's valid rows, read
// in a query or two: the ledger's record of each code, and, by the digits
// of each all-digit code, the codes TMS has (the ledger's and the
// index's) that are those digits with or without leading zeros.
type codeFacts struct {
	known  map[string]ledger.Code
	padded map[string][]string
	err    error // the ledger could not be read: each row's error
}

// lookupCodes reads the facts of the codes of items' valid rows; with
// fedBack, only of the rows whose code came from a results file (what
// the first pass needs).
func (r *run) lookupCodes(ctx context.Context, items []item, fedBack bool) codeFacts {
	if r.opts.Ledger == nil && r.existing == nil {
		return codeFacts{padded: map[string][]string{}} // nothing to look up in
	}
	var codes, digits []string
	seen := map[string]bool{}
	for i := range items {
		it := &items[i]
		if !it.Send || it.Outcome.Code == "" || (fedBack && !it.FedBackFilled) {
			continue
		}
		d, ok := decide.Digits(it.Outcome.Code)
		if fedBack && !ok {
			continue
		}
		codes = append(codes, it.Outcome.Code)
		if ok && !seen[d] {
			seen[d] = true
			digits = append(digits, d)
		}
	}
	f := codeFacts{padded: map[string][]string{}}
	if len(codes) == 0 {
		return f
	}
	if l := r.opts.Ledger; l != nil {
		ctx = context.WithoutCancel(ctx)
		if f.known, f.err = l.Codes(ctx, codes); f.err != nil {
			return f
		}
		if len(digits) > 0 {
			padded, err := l.Padded(ctx, digits)
			if err != nil {
				f.err = err
				return f
			}
			for d, cs := range padded {
				for _, c := range cs {
					f.padded[d] = append(f.padded[d], c.CCODE)
					f.known[c.CCODE] = c
				}
			}
		}
	}
	for _, d := range digits {
		f.padded[d] = append(f.padded[d], r.existing.WithDigits(d)...)
	}
	return f
}

// tmsHas reports whether TMS has a code: the ledger knows TMS took
// content for it (or may have), or the list of existing customers has
// it, or custimport created it.
func (r *run) tmsHas(code string, f codeFacts) bool {
	if c, ok := f.known[code]; ok && c.Known() {
		return true
	}
	_, ok := r.existing.Lookup(code)
	return ok
}

// resolveFedBack reads the code of a row fed back from a results file
// (ImportCCODE, its own code cell blank) that Excel shortened as the one
// code TMS has that it is with its zeros put back: the row is checked
// again with that code. Both passes over the file do it, so the ledger's
// matching sees the code the import sends.
func (r *run) resolveFedBack(p *prepare.Preparer, items []item, f codeFacts) {
	for i := range items {
		it := &items[i]
		if !it.Send || !it.FedBackFilled {
			continue
		}
		code := it.Outcome.Code
		d, ok := decide.Digits(code)
		if !ok {
			continue
		}
		if lost := decide.LostZeros(code, f.padded[d]); len(lost) == 1 {
			p.Recheck(it, lost[0], validate.Problem{Code: msgFedBackZeros, Message: r.msg.fieldText(mapping.CCODE, msgFedBackZeros, code, lost[0])})
		}
	}
}

// checkCode checks a valid row with a code against what TMS has: an
// all-digit code that is a code TMS has without its leading zeros is
// refused; a row that will create a customer (a code neither the list
// nor the ledger knows, with a list loaded) needs 信用額度, and one that
// may (no list) gets a warning when it has none.
func (r *run) checkCode(it *item, f codeFacts) {
	code := it.Outcome.Code
	if d, ok := decide.Digits(code); ok {
		if lost := decide.LostZeros(code, f.padded[d]); len(lost) > 0 {
			r.refuse(it, validate.Problem{Field: mapping.CCODE, Column: r.prep.CodeColumn(), Severity: validate.Error, Code: msgCodeZeros,
				Message: r.msg.fieldText(mapping.CCODE, msgCodeZeros, code, strings.Join(lost, " / "))}, ErrorLostZeros, lost[0])
			return
		}
	}
	it.Creation = decide.CreationOf(it.Outcome.EditItem, r.tmsHas(code, f), r.existing.Listed())
	field := it.Outcome.BlankOnAdd
	if field == "" {
		return
	}
	switch it.Creation {
	case decide.Creates:
		r.refuse(it, validate.Problem{Field: field, Column: it.Outcome.BlankOnAddColumn, Severity: validate.Error, Code: msgCreateCredit,
			Message: r.msg.fieldText(field, msgCreateCredit, code, r.asOf())}, "", "")
	case decide.MayCreate:
		p := validate.Problem{Field: field, Column: it.Outcome.BlankOnAddColumn, Severity: validate.Warning, Code: msgMayCreateCredit,
			Message: r.msg.fieldText(field, msgMayCreateCredit, code)}
		it.Extra = append(it.Extra, p)
		it.Warn(p.Message)
	}
}

// refuse makes a valid row INVALID for a problem found beyond its own
// cells, with an ImportErrorCode and ImportCCODE (either may be "").
func (r *run) refuse(it *item, p validate.Problem, errorCode, ccode string) {
	it.Extra = append(it.Extra, p)
	errs, _ := row.JoinProblems(it.Outcome.Problems, it.Extra)
	it.To(row.Move{Status: StatusInvalid, ErrorCode: errorCode, CCODE: ccode, Message: errs})
}

// asOf is the date of the list of existing customers, as messages show it.
func (r *run) asOf() string {
	if r.sum.Existing == nil || r.sum.Existing.AsOf.IsZero() {
		return "?"
	}
	return r.sum.Existing.AsOf.Local().Format("2006-01-02")
}

// countCreation counts a row that is sent (or, in a check, would be) by
// whether it creates a customer.
func (r *run) countCreation(it *item) {
	if it.Status() == StatusInvalid || it.Decision.Action != decide.Send {
		return
	}
	if it.Outcome.Code == "" {
		it.Creation = decide.Creates
	}
	switch it.Creation {
	case decide.Creates:
		r.sum.WillCreate++
	case decide.MayCreate:
		r.sum.MayCreate++
	}
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
