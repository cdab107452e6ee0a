package plan

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
)

// codes is a ledger of codes TMS has (and an error to read them with).
type codes struct {
	have []string
	err  error
}

func (c codes) Codes(_ context.Context, ccodes []string) (map[string]ledger.Code, error) {
	out := map[string]ledger.Code{}
	for _, want := range ccodes {
		for _, h := range c.have {
			if h == want {
				out[h] = ledger.Code{CCODE: h, Fingerprint: "f"}
			}
		}
	}
	return out, c.err
}

func (c codes) Padded(_ context.Context, digits []string) (map[string][]ledger.Code, error) {
	out := map[string][]ledger.Code{}
	for _, d := range digits {
		for _, h := range c.have {
			if strings.TrimLeft(h, "0") == strings.TrimLeft(d, "0") {
				out[d] = append(out[d], ledger.Code{CCODE: h, Fingerprint: "f"})
			}
		}
	}
	return out, c.err
}

type texts struct{}

func (texts) NotSent(err error) string                         { return "not-sent" }
func (texts) FieldText(field, code string, args ...any) string { return field + " " + code }
func (texts) Unchanged() string                                { return "unchanged" }
func (texts) LedgerOK(c *ledger.Create) string                 { return "ledger-ok" }
func (texts) Held(d decide.Decision) string                    { return "held" }
func (texts) WouldSettle(d decide.Decision) string             { return "would-settle" }
func (texts) WouldHold(d decide.Decision) string               { return "would-hold" }

type brake struct{ err error }

func (b *brake) Stop(err error) { b.err = err }

// valid is a VALID row of line 2 with code (blank: a create), sent as
// an upsert (EditItem 2).
func valid(code string) row.Item {
	it := row.Item{Seq: 0, Rec: source.Record{Line: 2}, Outcome: validate.Outcome{Code: code, EditItem: 2, Payload: map[string]any{"CCODE": code}}}
	it.To(row.Move{Status: row.StatusValid, CCODE: code})
	return it
}

func TestStageDecides(t *testing.T) {
	earlier := &ledger.Create{ID: 7, CCODE: "C7", State: ledger.Unknown}
	for _, tc := range []struct {
		name       string
		stage      Stage
		row        row.Item
		want       row.Status
		send       bool
		errorCode  string
		words      string // in the message or warnings
		counts     Counts
		brakeStops bool
	}{
		{"a code TMS does not have, no list: may create", Stage{Codes: codes{}}, valid("C1"), row.StatusValid, true, "", "", Counts{MayCreate: 1}, false},
		{"a create is sent", Stage{Codes: codes{}}, valid(""), row.StatusValid, true, "", "", Counts{WillCreate: 1}, false},
		{"a code Excel stripped of its zeros", Stage{Codes: codes{have: []string{"00123"}}}, valid("123"), row.StatusInvalid, false, ErrorLostZeros, CodeLostZeros, Counts{}, false},
		{"the ledger cannot be read", Stage{Codes: codes{err: errors.New("disk")}}, valid("C1"), row.StatusNotSent, false, "", "not-sent", Counts{}, true},
		{"an earlier create may be this one: held", Stage{Codes: codes{}, Assigned: map[int]decide.Assignment{0: {Record: earlier, Match: decide.SameTaxID}}},
			valid(""), row.StatusUnknown, false, "UNKNOWN", "held", Counts{}, false},
		{"a check says it would hold it", Stage{Codes: codes{}, DryRun: true, Assigned: map[int]decide.Assignment{0: {Record: earlier, Match: decide.SameTaxID}}},
			valid(""), row.StatusValid, false, "", "would-hold", Counts{WouldHold: 1}, false},
		{"a check without a ledger sends nothing", Stage{DryRun: true}, valid(""), row.StatusValid, false, "", "", Counts{WillCreate: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, b := tc.stage, &brake{}
			s.Texts, s.Brake, s.CodeColumn = texts{}, b, 0
			items := []row.Item{tc.row}
			f := s.Lookup(context.Background(), items, false)
			s.Decide(&items[0], f)
			it := &items[0]
			res := it.Result()
			if res.Status != tc.want || it.Send != tc.send || res.ErrorCode != tc.errorCode {
				t.Errorf("got %s send=%v code %q, want %s send=%v code %q", res.Status, it.Send, res.ErrorCode, tc.want, tc.send, tc.errorCode)
			}
			if !strings.Contains(res.Message+res.Warnings, tc.words) {
				t.Errorf("%+v does not say %q", res, tc.words)
			}
			if s.Counts != tc.counts {
				t.Errorf("counts %+v, want %+v", s.Counts, tc.counts)
			}
			if (b.err != nil) != tc.brakeStops {
				t.Errorf("brake stopped: %v, want %v", b.err, tc.brakeStops)
			}
		})
	}
}
