// Package decide owns the one decision that keeps a customer from being
// created twice: for each valid row of a run, given what the tenant's
// ledger remembers, send it, settle it as already done, or hold it as
// UNKNOWN for a person to look at. Its functions are pure: no files, no
// database, no HTTP, no messages (the importer renders a Decision).
//
// Rows with a customer code are compared with the content TMS last
// accepted for that code. Rows without one (auto-numbered creates) are
// matched against the ledger's earlier creates, strongest match first
// across the whole run: the same content, then the same 統一編號, then
// the same 客戶名稱 or 客戶簡稱, then the same row of the same file
// lineage. A record taken by a stronger match is not offered to a weaker
// one, and each record settles at most one row.
//
// It also decides what the ledger's own records cannot (existing.go):
// whether a row without a code that none of them took is a customer TMS
// already has (the list of existing customers, and the customers
// custimport created), matched by 統一編號 or company name; whether an
// all-digit code is one Excel shortened (its leading zeros lost); and
// whether a row with a code creates a customer.
package decide

import (
	"github.com/custimport/custimport/importer/ledger"
)

// Row is what a decision needs to know of one valid row.
type Row struct {
	Seq         int    // position of the row in the run (0-based), its identity here
	Line        int    // the row number the user sees
	Code        string // the customer code; "" for an auto-numbered create
	Fingerprint string // see Fingerprint
	TaxID       string // 統一編號, normalised ("" when blank)
	Name        string // 客戶名稱, normalised (see NormName)
	ShortName   string // 客戶簡稱, normalised
	Lineage     string // the file lineage the row was read from
}

// Match says how a row was matched to a ledger record, strongest first.
type Match int

// Match levels.
const (
	NoMatch     Match = iota
	SameCode          // a row with the code the create was given: the customer is in the run under its code
	SameContent       // the same fingerprint
	SameTaxID         // the same 統一編號
	SameName          // the same 客戶名稱 or 客戶簡稱
	SameRow           // the same row of the same file lineage
)

func (m Match) String() string {
	return [...]string{"none", "same code", "same content", "same tax id", "same name", "same row"}[m]
}

// Action is what happens to a row.
type Action int

// Actions.
const (
	Send    Action = iota // send the row to TMS
	Settled               // OK without sending: TMS already has it
	Hold                  // UNKNOWN, not sent: TMS may have it; a person decides
)

func (a Action) String() string { return [...]string{"send", "settled", "hold"}[a] }

// Decision is the verdict on one row.
type Decision struct {
	Action Action
	Match  Match
	// Record is the earlier create the row was matched to (nil when none
	// or for a row with a code).
	Record *ledger.Create
	// Release: the row is sent although Record may be the same customer
	// (--resend-unknown); the record is to be marked released.
	Release bool
	// Code is the customer code of a settled row, or the candidate code
	// of a held one ("" when unknown).
	Code string
	// Unchanged: a row with a code whose content TMS already accepted.
	Unchanged bool
	// MaybeApplied: an earlier request for this code got no answer, so
	// TMS may hold that content already ("code exists" is then UNKNOWN).
	MaybeApplied bool
}

// Options change the rules.
type Options struct {
	// ResendUnknown sends rows held because an earlier create's outcome
	// is unknown or because they look like an earlier create: the user
	// checked TMS.
	ResendUnknown bool
	// ResendAll sends every row with a code, changed or not (TMS was
	// edited by hand).
	ResendAll bool
}

// ForCode decides a row with a customer code from what the ledger knows
// of the code (found false: nothing).
func ForCode(r Row, known ledger.Code, found bool, opts Options) Decision {
	pending := found && known.Pending != ""
	if found && !pending && known.Fingerprint != "" && known.Fingerprint == r.Fingerprint && !opts.ResendAll {
		return Decision{Action: Settled, Code: r.Code, Unchanged: true}
	}
	return Decision{Action: Send, Code: r.Code, MaybeApplied: pending}
}

// ForCreate decides an auto-numbered create from the record Assign gave
// it (nil: none).
func ForCreate(rec *ledger.Create, m Match, opts Options) Decision {
	if rec == nil {
		return Decision{Action: Send}
	}
	d := Decision{Match: m, Record: rec, Code: rec.CCODE}
	switch {
	case m == SameContent && rec.State == ledger.Created:
		d.Action = Settled
	case opts.ResendUnknown:
		d.Action, d.Release, d.Code = Send, m == SameContent, ""
	default:
		d.Action = Hold
	}
	return d
}

// Decide is the whole rule as one function of the run's rows and the
// ledger: the creates it remembers and, by code, the content TMS last
// accepted. The pipeline uses its parts (Assign, ForCreate, ForCode) as
// the rows stream by; tests use this.
func Decide(rows []Row, creates []ledger.Create, codes map[string]ledger.Code, opts Options) []Decision {
	assigned := Assign(rows, creates)
	out := make([]Decision, len(rows))
	for i, r := range rows {
		if r.Code != "" {
			c, ok := codes[r.Code] // a SameCode assignment only keeps the record from others
			out[i] = ForCode(r, c, ok, opts)
			continue
		}
		a := assigned[r.Seq]
		out[i] = ForCreate(a.Record, a.Match, opts)
	}
	return out
}
