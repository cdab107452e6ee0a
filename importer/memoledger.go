package importer

import (
	"context"
	"errors"

	"github.com/custimport/custimport/importer/ledger"
)

// memoLedger is a Checker's ledger: it keeps what a dry-run reads of the
// ledger (a dry-run only reads), so that checking again reads only the
// codes it has not seen. inner is the ledger to read from, set by the
// Checker for the length of a check; a read it has not kept with inner
// nil is an error.
type memoLedger struct {
	inner Ledger

	lineage    map[string]string
	hasRun     map[string]bool
	candidates []ledger.Create
	candRead   bool
	existing   *ledger.ExistingList
	existingOK bool
	exRead     bool
	codes      map[string]*ledger.Code // nil value: the ledger does not know the code
	padded     map[string][]ledger.Code
}

var _ Ledger = (*memoLedger)(nil)

// errNoLedger is a read the Checker has not kept, with no ledger to read.
var errNoLedger = errors.New("importer: the Checker's ledger is not open")

func (m *memoLedger) open() error {
	if m.inner == nil {
		return errNoLedger
	}
	return nil
}

func (m *memoLedger) LineageOf(ctx context.Context, path string) (string, error) {
	if v, ok := m.lineage[path]; ok {
		return v, nil
	}
	if err := m.open(); err != nil {
		return "", err
	}
	v, err := m.inner.LineageOf(ctx, path)
	if err == nil {
		if m.lineage == nil {
			m.lineage = map[string]string{}
		}
		m.lineage[path] = v
	}
	return v, err
}

func (m *memoLedger) HasRun(ctx context.Context, lineage string) (bool, error) {
	if v, ok := m.hasRun[lineage]; ok {
		return v, nil
	}
	if err := m.open(); err != nil {
		return false, err
	}
	v, err := m.inner.HasRun(ctx, lineage)
	if err == nil {
		if m.hasRun == nil {
			m.hasRun = map[string]bool{}
		}
		m.hasRun[lineage] = v
	}
	return v, err
}

func (m *memoLedger) Candidates(ctx context.Context) ([]ledger.Create, error) {
	if m.candRead {
		return m.candidates, nil
	}
	if err := m.open(); err != nil {
		return nil, err
	}
	v, err := m.inner.Candidates(ctx)
	if err == nil {
		m.candidates, m.candRead = v, true
	}
	return v, err
}

func (m *memoLedger) Existing(ctx context.Context) (ledger.ExistingList, bool, error) {
	if m.exRead {
		if m.existing == nil {
			return ledger.ExistingList{}, m.existingOK, nil
		}
		return *m.existing, m.existingOK, nil
	}
	if err := m.open(); err != nil {
		return ledger.ExistingList{}, false, err
	}
	v, ok, err := m.inner.Existing(ctx)
	if err == nil {
		m.existing, m.existingOK, m.exRead = &v, ok, true
	}
	return v, ok, err
}

// Codes reads only the codes it has not read before.
func (m *memoLedger) Codes(ctx context.Context, ccodes []string) (map[string]ledger.Code, error) {
	out := make(map[string]ledger.Code, len(ccodes))
	var missing []string
	for _, c := range ccodes {
		known, ok := m.codes[c]
		switch {
		case !ok:
			missing = append(missing, c)
		case known != nil:
			out[c] = *known
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	if err := m.open(); err != nil {
		return nil, err
	}
	read, err := m.inner.Codes(ctx, missing)
	if err != nil {
		return nil, err
	}
	if m.codes == nil {
		m.codes = map[string]*ledger.Code{}
	}
	for _, c := range missing {
		m.codes[c] = nil
	}
	for c, v := range read {
		v := v
		m.codes[c] = &v
		out[c] = v
	}
	return out, nil
}

// Padded reads only the digits it has not read before.
func (m *memoLedger) Padded(ctx context.Context, digits []string) (map[string][]ledger.Code, error) {
	out := map[string][]ledger.Code{}
	var missing []string
	for _, d := range digits {
		v, ok := m.padded[d]
		if !ok {
			missing = append(missing, d)
		} else if len(v) > 0 {
			out[d] = v
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	if err := m.open(); err != nil {
		return nil, err
	}
	read, err := m.inner.Padded(ctx, missing)
	if err != nil {
		return nil, err
	}
	if m.padded == nil {
		m.padded = map[string][]ledger.Code{}
	}
	for _, d := range missing {
		m.padded[d] = read[d]
		if len(read[d]) > 0 {
			out[d] = read[d]
		}
	}
	return out, nil
}

// A check sends nothing: the ledger's writes are never called.

var errCheckWrites = errors.New("importer: a check does not write to the ledger")

func (m *memoLedger) CreatedWithCode(context.Context, string) ([]ledger.Create, error) {
	return nil, errCheckWrites
}
func (m *memoLedger) BeginRun(context.Context, ledger.Run) (int64, error) { return 0, errCheckWrites }
func (m *memoLedger) EndRun(context.Context, int64, map[string]int, int) error {
	return errCheckWrites
}
func (m *memoLedger) Claim(context.Context, ledger.Create) (int64, error) { return 0, errCheckWrites }
func (m *memoLedger) Settle(int64, string, string, string, string) error {
	return errCheckWrites
}
func (m *memoLedger) Release(int64) error { return errCheckWrites }
func (m *memoLedger) SendingCode(string, string, ledger.Names, int64) error {
	return errCheckWrites
}
func (m *memoLedger) Accepted(string, string, int64) error { return errCheckWrites }
func (m *memoLedger) Failed(string) error                  { return errCheckWrites }
func (m *memoLedger) Flush(context.Context) error          { return errCheckWrites }
