// Package plan owns what happens to a prepared row before it is sent:
// its code checked against what TMS has (the ledger's codes, the list of
// existing customers; a code Excel stripped of its leading zeros), and
// the ledger's rules (package decide) applied: send it, take it as done
// (already in TMS), or hold it as UNKNOWN (an earlier create may have
// made it). A check (DryRun) says what the import would do instead.
//
// It reads the ledger's codes a batch at a time (Lookup) and moves rows
// only through row.Item.To. It does not know the input, TMS, the results
// file or the words of its messages (Texts gives them, from codes).
package plan

import (
	"context"
	"fmt"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

type item = row.Item

// Message codes of the problems the stage finds (validate.Problem.Code),
// which Texts renders. Stable: front ends and logs may key on them.
const (
	CodeLostZeros       = "code_lost_zeros" // an all-digit code is a known code without its leading zeros
	CodeFedBackZeros    = "fed_back_zeros"  // a fed-back ImportCCODE lost its zeros: read as the known code
	CodeCreateCredit    = "create_needs_credit"
	CodeMayCreateCredit = "may_create_credit"
)

// ErrorLostZeros is the ImportErrorCode of a row whose all-digit code is
// a code TMS has without its leading zeros: not sent, ImportCCODE names
// the code it should be.
const ErrorLostZeros = "LOST_ZEROS"

// CodeReader is what the stage reads of the ledger: its record of codes,
// and the codes TMS has that are digits with or without leading zeros.
type CodeReader interface {
	Codes(ctx context.Context, ccodes []string) (map[string]ledger.Code, error)
	Padded(ctx context.Context, digits []string) (map[string][]ledger.Code, error)
}

// Texts are the words the stage puts in rows, in the run's language.
type Texts interface {
	NotSent(err error) string
	// FieldText is the message of code (one of the Code constants) with
	// args, prefixed with the field's name.
	FieldText(field, code string, args ...any) string
	Unchanged() string                    // a row whose content TMS already accepted
	LedgerOK(c *ledger.Create) string     // a create the ledger says TMS made
	Held(d decide.Decision) string        // a row held as UNKNOWN
	WouldSettle(d decide.Decision) string // a check's note: the import would not send it
	WouldHold(d decide.Decision) string   // a check's note: the import would hold it
}

// Counts are what the stage counts of the rows it saw.
type Counts struct {
	// WouldSettle and WouldHold count a check's VALID rows the import
	// would not send: already in TMS, or held as UNKNOWN.
	WouldSettle, WouldHold int
	// WillCreate counts the rows sent (a check: that would be) that
	// create a customer; MayCreate the rows with a code TMS decides about.
	WillCreate, MayCreate int
}

// Stage decides the prepared rows of one pass over the file. Its fields
// are set before the first row; it is used by one goroutine.
type Stage struct {
	Codes    CodeReader            // the ledger; nil: none (a check without one)
	Existing *decide.ExistingIndex // the customers TMS has; nil: none known
	// Assigned are the earlier creates the rows without a code match,
	// by sequence number (decide.Index.Assign over the whole file).
	Assigned   map[int]decide.Assignment
	Lineage    string         // the input's lineage in the ledger
	DryRun     bool           // a check: nothing is sent
	Rules      decide.Options // the rules' options
	Texts      Texts
	AsOf       string // the date of the list of existing customers, as messages show it
	CodeColumn int    // the input column of the customer code, -1 when none
	// Brake stops sending when the ledger cannot be read.
	Brake  interface{ Stop(error) }
	Counts Counts
}

// Decide applies the rules to a valid row (in the producer, before the
// row is queued): a code is checked against what TMS has (checkCode);
// then, with a ledger, it is sent, settled as already done, or held as
// UNKNOWN. f is what is known of the batch's codes.
func (s *Stage) Decide(it *item, f Facts) {
	if it.Send && it.Outcome.Code != "" {
		if err := f.err; err != nil && s.Codes != nil {
			err = fmt.Errorf("%w: reading: %w", dispatch.ErrLedger, err)
			s.Brake.Stop(err)
			it.To(row.Move{Status: row.StatusNotSent, Message: s.Texts.NotSent(err)})
			return
		}
		s.checkCode(it, f)
	}
	if !it.Send {
		return
	}
	defer s.countCreation(it)
	if s.Codes == nil {
		if s.DryRun {
			it.Send = false
		}
		return
	}
	dr := DecideRow(it, s.Lineage)
	if dr.Code != "" {
		code, found := f.known[dr.Code]
		it.Decision = decide.ForCode(dr, code, found, s.Rules)
	} else {
		a := s.Assigned[it.Seq]
		it.Decision = decide.ForCreate(a.Record, a.Match, s.Rules)
	}
	s.applyDecision(it)
}

// applyDecision turns a decision into the row's result.
func (s *Stage) applyDecision(it *item) {
	d := it.Decision
	if s.DryRun {
		// A check sends nothing; it says what the import would do.
		it.Send = false
		switch d.Action {
		case decide.Settled:
			s.Counts.WouldSettle++
			it.Warn(s.Texts.WouldSettle(d))
		case decide.Hold:
			s.Counts.WouldHold++
			it.Warn(s.Texts.WouldHold(d))
		}
		return
	}
	switch d.Action {
	case decide.Settled:
		note := s.Texts.Unchanged()
		if d.Record != nil {
			note = s.Texts.LedgerOK(d.Record)
		}
		it.To(row.Move{Status: row.StatusOK, CCODE: d.Code, Warning: note})
	case decide.Hold:
		it.To(row.Move{Status: row.StatusUnknown, ErrorCode: "UNKNOWN", Message: s.Texts.Held(d)})
	}
}

// Facts is what is known of the codes of a batch's valid rows, read
// in a query or two: the ledger's record of each code, and, by the digits
// of each all-digit code, the codes TMS has (the ledger's and the
// index's) that are those digits with or without leading zeros.
type Facts struct {
	known  map[string]ledger.Code
	padded map[string][]string
	err    error // the ledger could not be read: each row's error
}

// Lookup reads the facts of the codes of items' valid rows; with
// fedBack, only of the rows whose code came from a results file (what
// the first pass needs).
func (s *Stage) Lookup(ctx context.Context, items []item, fedBack bool) Facts {
	if s.Codes == nil && s.Existing == nil {
		return Facts{padded: map[string][]string{}} // nothing to look up in
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
	f := Facts{padded: map[string][]string{}}
	if len(codes) == 0 {
		return f
	}
	if l := s.Codes; l != nil {
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
		f.padded[d] = append(f.padded[d], s.Existing.WithDigits(d)...)
	}
	return f
}

// tmsHas reports whether TMS has a code: the ledger knows TMS took
// content for it (or may have), or the list of existing customers has
// it, or custimport created it.
func (s *Stage) tmsHas(code string, f Facts) bool {
	if c, ok := f.known[code]; ok && c.Known() {
		return true
	}
	_, ok := s.Existing.Lookup(code)
	return ok
}

// ResolveFedBack reads the code of a row fed back from a results file
// (ImportCCODE, its own code cell blank) that Excel shortened as the one
// code TMS has that it is with its zeros put back: the row is checked
// again with that code. Both passes over the file do it, so the ledger's
// matching sees the code the import sends.
func (s *Stage) ResolveFedBack(p *prepare.Preparer, items []item, f Facts) {
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
			p.Recheck(it, lost[0], validate.Problem{Code: CodeFedBackZeros, Message: s.Texts.FieldText(mapping.CCODE, CodeFedBackZeros, code, lost[0])})
		}
	}
}

// checkCode checks a valid row with a code against what TMS has: an
// all-digit code that is a code TMS has without its leading zeros is
// refused; a row that will create a customer (a code neither the list
// nor the ledger knows, with a list loaded) needs 信用額度, and one that
// may (no list) gets a warning when it has none.
func (s *Stage) checkCode(it *item, f Facts) {
	code := it.Outcome.Code
	if d, ok := decide.Digits(code); ok {
		if lost := decide.LostZeros(code, f.padded[d]); len(lost) > 0 {
			s.refuse(it, validate.Problem{Field: mapping.CCODE, Column: s.CodeColumn, Severity: validate.Error, Code: CodeLostZeros,
				Message: s.Texts.FieldText(mapping.CCODE, CodeLostZeros, code, strings.Join(lost, " / "))}, ErrorLostZeros, lost[0])
			return
		}
	}
	it.Creation = decide.CreationOf(it.Outcome.EditItem, s.tmsHas(code, f), s.Existing.Listed())
	field := it.Outcome.BlankOnAdd
	if field == "" {
		return
	}
	switch it.Creation {
	case decide.Creates:
		s.refuse(it, validate.Problem{Field: field, Column: it.Outcome.BlankOnAddColumn, Severity: validate.Error, Code: CodeCreateCredit,
			Message: s.Texts.FieldText(field, CodeCreateCredit, code, s.AsOf)}, "", "")
	case decide.MayCreate:
		p := validate.Problem{Field: field, Column: it.Outcome.BlankOnAddColumn, Severity: validate.Warning, Code: CodeMayCreateCredit,
			Message: s.Texts.FieldText(field, CodeMayCreateCredit, code)}
		it.Extra = append(it.Extra, p)
		it.Warn(p.Message)
	}
}

// refuse makes a valid row INVALID for a problem found beyond its own
// cells, with an ImportErrorCode and ImportCCODE (either may be "").
func (s *Stage) refuse(it *item, p validate.Problem, errorCode, ccode string) {
	it.Extra = append(it.Extra, p)
	errs, _ := row.JoinProblems(it.Outcome.Problems, it.Extra)
	it.To(row.Move{Status: row.StatusInvalid, ErrorCode: errorCode, CCODE: ccode, Message: errs})
}

// countCreation counts a row that is sent (or, in a check, would be) by
// whether it creates a customes.
func (s *Stage) countCreation(it *item) {
	if it.Status() == row.StatusInvalid || it.Decision.Action != decide.Send {
		return
	}
	if it.Outcome.Code == "" {
		it.Creation = decide.Creates
	}
	switch it.Creation {
	case decide.Creates:
		s.Counts.WillCreate++
	case decide.MayCreate:
		s.Counts.MayCreate++
	}
}

// DecideRow is what the ledger's rules need of a prepared, valid row.
func DecideRow(it *item, lineage string) decide.Row {
	text := it.PayloadText
	return decide.Row{Seq: it.Seq, Line: it.Rec.Line, Code: it.Outcome.Code, Fingerprint: it.FP,
		TaxID: decide.NormTaxID(text(mapping.CTCOD)), Name: decide.NormName(text(mapping.CNAM1)),
		ShortName: decide.NormName(text(mapping.CNAM2)), Lineage: lineage}
}
