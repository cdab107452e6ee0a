package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
)

// fakeLedger records the send contract's writes, in order; claimErr
// fails the claims.
type fakeLedger struct {
	calls    []string
	claimErr error
}

func (l *fakeLedger) Claim(context.Context, ledger.Create) (int64, error) {
	l.calls = append(l.calls, "claim")
	return 1, l.claimErr
}
func (l *fakeLedger) Settle(_ int64, state, _, _, _ string) error {
	l.calls = append(l.calls, "settle "+state)
	return nil
}
func (l *fakeLedger) Release(int64) error { l.calls = append(l.calls, "release"); return nil }
func (l *fakeLedger) SendingCode(string, string, ledger.Names, int64) error {
	l.calls = append(l.calls, "sending-code")
	return l.claimErr
}
func (l *fakeLedger) Accepted(string, string, int64) error {
	l.calls = append(l.calls, "accepted")
	return nil
}
func (l *fakeLedger) Failed(string) error { l.calls = append(l.calls, "failed"); return nil }
func (l *fakeLedger) CreatedWithCode(context.Context, string) ([]ledger.Create, error) {
	return nil, nil
}

// fakeSender answers with outcome, counting its requests.
type fakeSender struct {
	outcome tms.Outcome
	sent    int
	l       *fakeLedger
}

func (f *fakeSender) Ready(ctx context.Context) error { return ctx.Err() }
func (f *fakeSender) Send(context.Context, tms.Request) tms.Outcome {
	f.sent++
	f.l.calls = append(f.l.calls, "send")
	return f.outcome
}

type open struct{}

func (open) Wait(ctx context.Context) error { return ctx.Err() }

// TestSendContract: the ledger records a row before its request leaves
// and its outcome after; a row whose claim cannot be recorded, or sent
// after sending stopped, is not sent at all.
func TestSendContract(t *testing.T) {
	ok := tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "A001"}}
	for _, tc := range []struct {
		name     string
		code     string // the row's code; "" a create
		outcome  tms.Outcome
		claimErr error
		stopped  bool
		want     row.Status
		calls    string
	}{
		{"a create is claimed, sent, settled", "", ok, nil, false, row.StatusOK, "[claim send settle created]"},
		{"a row with a code is noted, sent, accepted", "C1", tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "C1"}}, nil, false, row.StatusOK, "[sending-code send accepted]"},
		{"a refused create is settled refused", "", tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: "1001", ErrorMessage: "bad"}}, nil, false, row.StatusFailed, "[claim send settle refused]"},
		{"a create without an answer is unknown", "", tms.Outcome{Attempts: 1, Unknown: true, Err: errors.New("reset")}, nil, false, row.StatusUnknown, "[claim send settle unknown]"},
		{"a claim not recorded sends nothing", "", ok, errors.New("disk full"), false, row.StatusNotSent, "[claim]"},
		{"nothing leaves after sending stopped", "", ok, nil, true, row.StatusNotSent, "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &fakeLedger{claimErr: tc.claimErr}
			snd := &fakeSender{outcome: tc.outcome, l: l}
			brake := NewHalt(0, nil)
			if tc.stopped {
				brake.Stop(ErrResults)
			}
			s := &Stage{Sender: snd, Ledger: l, Texts: texts{}, Log: slog.New(slog.DiscardHandler), Brake: brake, Gate: open{}, Abort: context.Background()}
			it := &row.Item{Rec: source.Record{Line: 2}}
			it.Outcome.Code, it.Outcome.Payload = tc.code, map[string]any{"CNAM1": "甲"}
			it.To(row.Move{Status: row.StatusValid})
			m := s.Send(context.Background(), context.Background(), it)
			if m.Status != tc.want {
				t.Errorf("status %s, want %s", m.Status, tc.want)
			}
			if got := fmtCalls(l.calls); got != tc.calls {
				t.Errorf("ledger and sender calls %s, want %s", got, tc.calls)
			}
			if tc.claimErr != nil && !errors.Is(brake.Reason(), ErrLedger) {
				t.Errorf("a claim not recorded did not stop sending: %v", brake.Reason())
			}
		})
	}
}

func fmtCalls(calls []string) string { return "[" + strings.Join(calls, " ") + "]" }
