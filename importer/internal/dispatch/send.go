// Package dispatch owns sending one row to TMS under the send contract:
// wait while paused and for the rate limit, claim the row in the ledger
// (a create is on disk before its request leaves), send, record the
// outcome, and turn TMS's answer into the row's next state. Its Halt is
// the run's brake: the first reason to stop sending wins (TMS not
// answering or refusing the requests themselves, the run's own records
// failing), and no row leaves after it.
//
// It does not know the input, the results file, the order of rows or the
// words of its messages (Texts gives them, in the run's language).
package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/internal/flatjson"
	"github.com/custimport/custimport/mapping"
)

type item = row.Item

// Sender sends one payload to TMS; *tms.Sender is the real one. The
// stage calls Ready (the rate limit), then records its claim in the
// ledger, then Send, whose first request goes at once: a Sender cannot
// send anything the ledger has not recorded first.
type Sender interface {
	Ready(ctx context.Context) error
	Send(ctx context.Context, req tms.Request) tms.Outcome
}

var _ Sender = (*tms.Sender)(nil)

// Ledger is what sending needs of the tenant's ledger: the send
// contract's writes, and the creates of earlier runs TMS gave a code.
type Ledger interface {
	Claim(ctx context.Context, c ledger.Create) (int64, error)
	Settle(id int64, state, ccode, errorCode, message string) error
	Release(id int64) error
	SendingCode(ccode, fingerprint string, names ledger.Names, runID int64) error
	Accepted(ccode, fingerprint string, runID int64) error
	Failed(ccode string) error
	CreatedWithCode(ctx context.Context, ccode string) ([]ledger.Create, error)
}

// Texts are the words sending puts in rows, in the run's language: never
// Go or network error text, which goes to the log.
type Texts interface {
	Lang() string
	Why(err error) string     // what went wrong
	NotSent(err error) string // a row not sent because of err
	Interrupted() string      // a row not sent: the run stopped
	Aborted() string          // a row with a code aborted in flight
	Unknown(err error) string // a create TMS may have made
	Failure(err error, attempts int) string
	ServerError(code string) string
	CreatedWithoutCode() string
	OtherCode(sent, got string) string
	ExistsAfterMaybe(code, server string) string
	SameCodeEarlier(code string, creates []ledger.Create) string
}

// Gate holds sending while the run is paused.
type Gate interface {
	// Wait returns when sending may go on, or ctx's error.
	Wait(ctx context.Context) error
}

// Source is what a create's claim says of where the row comes from.
type Source struct {
	Input, Sheet, InputSHA256, Lineage string
	RunID                              int64 // the ledger's record of the run
}

// Stage sends rows; its fields are set once, before the first Send, and
// it is safe for use by several workers at once.
type Stage struct {
	Sender Sender
	Ledger Ledger
	Texts  Texts
	Log    *slog.Logger
	Brake  *Halt
	Gate   Gate
	Source Source
	// EarlierCodes are the codes TMS gave earlier runs' creates (the
	// ledger's creates TMS made, read before the run): a create given
	// another needs no read of the ledger. nil: read it for every create.
	EarlierCodes map[string]bool
	// Abort ends only when the run is aborted: requests in flight run
	// under it.
	Abort context.Context
	// OnSending and OnRetry, when set, are told that a row's first
	// request leaves (its claim recorded), and that a request failed and
	// will be retried (errorCode NETWORK, TIMEOUT, HTTPnnn; message in
	// the run's language).
	OnSending func(line int, code string)
	OnRetry   func(line, attempt int, wait time.Duration, errorCode, message string)
	// Workers bounds both the requests on the wire and the rows a crash
	// could leave UNKNOWN in flight (≤ 0: one; see Send), and Pipe's
	// goroutines.
	Workers int

	once sync.Once
	pool pools
}

// pools are Send's two bounds.
type pools struct {
	wire      slots // requests on the wire
	uncertain slots // creates and adds with a code recorded, their outcome not yet queued
}

func (s *Stage) slots() *pools {
	s.once.Do(func() {
		n := max(s.Workers, 1)
		s.pool = pools{wire: make(slots, n), uncertain: make(slots, n)}
	})
	return &s.pool
}

// slots is a counting semaphore.
type slots chan struct{}

// acquire takes a slot, or reports false when ctx ends first.
func (c slots) acquire(ctx context.Context) bool {
	select {
	case c <- struct{}{}:
		return true
	default:
	}
	select {
	case c <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (c slots) release() { <-c }

// GivenCode returns the code TMS gave a create of this run (sent
// without a code) that it accepted, or "" for any other row: its status,
// requests sent and code are st, attempts and ccode.
func GivenCode(sent string, st row.Status, attempts int, ccode string) string {
	if sent != "" || st != row.StatusOK || attempts == 0 {
		return ""
	}
	return strings.TrimSpace(ccode)
}

// Send is the send contract, in order: wait while paused and for the
// rate limit, claim the row in the ledger (a create is on disk before its
// request leaves), send, record the outcome. A ledger that cannot record
// stops the run: nothing is sent without its record. ctx ends when the
// run is stopped; waits ends with it, or when sending stops. It returns
// the row's next state.
//
// Two bounds hold however many goroutines call it (and in Pipe): at
// most Workers requests are on the wire (a send slot, held from before
// the request until its outcome is queued to the ledger), and at most
// Workers rows a crash could leave UNKNOWN are between their record in
// the ledger and their outcome's (an uncertain slot, held from before the
// claim until the outcome is queued): creates, and adds with a code (TMS
// answering that the code exists after a crash cannot tell whether the
// add made it). A create waits for its claim's commit holding only its
// uncertain slot: the commit overlaps other rows' requests instead of
// keeping a send slot idle. Since the ledger commits its writes in the
// order they were queued, a record is on disk only with the outcomes
// queued before it: after a crash the ledger shows at most Workers
// creates in flight, and at most Workers codes pending.
func (s *Stage) Send(ctx, waits context.Context, it *item) row.Move {
	a, m, ok := s.Admit(waits, it)
	if !ok {
		return m
	}
	return s.Transmit(ctx, waits, a)
}

// Admitted is a row through Send's waits, ready for the wire: a create's
// claim is on disk. It holds an uncertain slot when it needs one, until
// Transmit queues its outcome: every Admitted must be given to Transmit.
type Admitted struct {
	it    *item
	claim int64 // a create's ledger id
	held  bool  // holds an uncertain slot
}

// Admit is Send's first half: the waits (pause, uncertain slot, rate
// limit) and a create's claim. It reports false with the row's next
// state when the row is not to be sent after all.
//
// Send is Admit then Transmit in one goroutine; Pipe runs them in
// goroutines of their own.
func (s *Stage) Admit(waits context.Context, it *item) (Admitted, row.Move, bool) {
	if err := s.Brake.Reason(); err != nil {
		return Admitted{}, notSent(s.Texts.NotSent(err)), false
	}
	if s.Gate.Wait(waits) != nil {
		return Admitted{}, s.stoppedWaiting(), false
	}
	a := Admitted{it: it}
	if it.Outcome.Code == "" || tms.IsAdd(it.Outcome.Payload) {
		if !s.slots().uncertain.acquire(waits) {
			return Admitted{}, s.stoppedWaiting(), false
		}
		a.held = true
	}
	if m, ok := s.claimWhenReady(waits, &a); !ok {
		a.release(s)
		return Admitted{}, m, false
	}
	return a, row.Move{}, true
}

// claimWhenReady waits for the rate limit, then claims a create; it
// reports false with the row's next state when the row is not sent.
func (s *Stage) claimWhenReady(waits context.Context, a *Admitted) (row.Move, bool) {
	if s.Sender.Ready(waits) != nil {
		return s.stoppedWaiting(), false
	}
	if err := s.Brake.Reason(); err != nil {
		return notSent(s.Texts.NotSent(err)), false // stopped while this row waited
	}
	if a.it.Outcome.Code != "" {
		return row.Move{}, true
	}
	var err error
	if a.claim, err = s.claimCreate(a.it); err != nil {
		return s.ledgerFailed(a.it, err), false
	}
	return row.Move{}, true
}

// release gives back a's uncertain slot, if it holds one.
func (a Admitted) release(s *Stage) {
	if a.held {
		s.slots().uncertain.release()
	}
}

// Transmit is Send's second half: it takes a send slot, waits while the
// run is paused (again: a row admitted before the pause waits too),
// sends the row and records its outcome, then gives back a's uncertain
// slot. A row the run stopped meanwhile is not sent (a create's claim is
// settled as nothing created).
func (s *Stage) Transmit(ctx, waits context.Context, a Admitted) row.Move {
	defer a.release(s)
	it := a.it
	if !s.slots().wire.acquire(waits) {
		return s.unsent(it, a.claim, s.stoppedWaiting())
	}
	defer s.slots().wire.release()
	if s.Gate.Wait(waits) != nil {
		return s.unsent(it, a.claim, s.stoppedWaiting())
	}
	// Nothing leaves after a stop, however long the row waited.
	if err := s.Brake.Reason(); err != nil {
		return s.unsent(it, a.claim, notSent(s.Texts.NotSent(err)))
	}
	if ctx.Err() != nil {
		return s.unsent(it, a.claim, notSent(s.Texts.Interrupted()))
	}
	if it.Outcome.Code != "" {
		if err := s.noteSendingCode(it); err != nil {
			return s.ledgerFailed(it, err)
		}
	}
	return s.sendClaimed(ctx, it, a.claim)
}

// Pipe sends the rows that come from jobs until it is closed, and hands
// every row to finished once it reached its next state (a row not to be
// sent at once); it returns when every row is finished. Workers
// goroutines admit the rows (Admit: a create's claim commits there) and
// hand them to Workers others that each send one row after another, as
// a bare client does: a request leaves as soon as a sender is free,
// without a goroutine to wake first, and the claims overlap the
// requests. With one worker, rows are sent one at a time in jobs' order
// (so TMS numbers its creates in that order too); with more, in about
// that order. finished is called from several goroutines at once.
func (s *Stage) Pipe(ctx, waits context.Context, jobs <-chan *item, finished func(*item)) {
	n := max(s.Workers, 1)
	admitted := make(chan Admitted, n)
	var admitters, senders sync.WaitGroup
	for range n {
		admitters.Go(func() {
			for it := range jobs {
				if !it.Send {
					finished(it)
					continue
				}
				a, m, ok := s.Admit(waits, it)
				if !ok {
					it.To(m)
					finished(it)
					continue
				}
				admitted <- a
			}
		})
		senders.Go(func() {
			for a := range admitted {
				a.it.To(s.Transmit(ctx, waits, a))
				finished(a.it)
			}
		})
	}
	admitters.Wait()
	close(admitted)
	senders.Wait()
}

func notSent(msg string) row.Move { return row.Move{Status: row.StatusNotSent, Message: msg} }

// stoppedWaiting is the state of a row whose wait (for a slot, the gate
// or the rate limit) ended: sending stopped, or the run was stopped.
func (s *Stage) stoppedWaiting() row.Move {
	if err := s.Brake.Reason(); err != nil {
		return notSent(s.Texts.NotSent(err))
	}
	return notSent(s.Texts.Interrupted())
}

// ledgerFailed stops sending: the ledger could not record the row.
func (s *Stage) ledgerFailed(it *item, err error) row.Move {
	err = fmt.Errorf("%w: %w", ErrLedger, err)
	s.Log.Error("the ledger could not record a row; sending stops", "line", it.Rec.Line, "err", err)
	s.Brake.Stop(err)
	return notSent(s.Texts.NotSent(err))
}

// unsent settles the claim of a create that is not sent after all (the
// run stopped while it waited for a send slot): nothing was created. A
// row with a code noted nothing yet.
func (s *Stage) unsent(it *item, claim int64, m row.Move) row.Move {
	if claim != 0 {
		if err := s.record(it, claim, m, aborted); err != nil {
			s.ledgerFailed(it, err)
		}
	}
	return m
}

// sendClaimed sends a row whose claim is recorded and records its
// outcome.
func (s *Stage) sendClaimed(ctx context.Context, it *item, claim int64) row.Move {
	line := it.Rec.Line
	if s.OnSending != nil {
		s.OnSending(line, it.Outcome.Code)
	}
	o := s.Sender.Send(s.Abort, tms.Request{
		Main: tms.Main(it.Outcome.Payload), Idempotent: it.Outcome.Code != "", Stop: ctx.Done(),
		OnRetry: func(attempt int, wait time.Duration, err error) {
			if s.OnRetry != nil {
				s.OnRetry(line, attempt, wait, LocalErrorCode(err), s.Texts.Why(err))
			}
		},
	})
	res := s.resultOf(it, o)
	it.SharedPrior = s.earlierCreates(ctx, it, &res)
	if o.Err != nil {
		s.Log.Warn("row not accepted", "line", line, "status", res.Status, "kind", tms.Kind(o.Err).String(), "err", o.Err.Error())
	}
	a := answerOf(o)
	if err := s.record(it, claim, res, a); err != nil {
		err = fmt.Errorf("%w: %w", ErrLedger, err)
		s.Log.Error("the ledger could not record an outcome; sending stops", "line", line, "err", err)
		s.Brake.Stop(err)
	}
	s.Brake.observe(a, res, busyWait(o))
	return res
}

// noteSendingCode records in the ledger that a row with a code is about
// to be sent (queued: resending it is safe, so its request need not wait
// for the commit).
func (s *Stage) noteSendingCode(it *item) error {
	text := it.PayloadText
	names := ledger.Names{Name: text(mapping.CNAM1), ShortName: text(mapping.CNAM2), TaxID: text(mapping.CTCOD)}
	return s.Ledger.SendingCode(it.Outcome.Code, it.FP, names, s.Source.RunID)
}

// claimCreate records in the ledger that a create (no code: sending it
// twice makes two customers) is about to be sent; it is on disk when
// claimCreate returns, and concurrent workers share the commit. It
// returns the create's ledger id.
func (s *Stage) claimCreate(it *item) (int64, error) {
	l := s.Ledger
	text := it.PayloadText
	if it.Decision.Release && it.Decision.Record != nil {
		// The user checked TMS: the earlier create is not there.
		if err := l.Release(it.Decision.Record.ID); err != nil {
			return 0, err
		}
	}
	// The payload as encoding/json writes it (sorted keys, HTML
	// escaped), without its reflection when the values are flat.
	payload, ok := flatjson.AppendObject(nil, it.Outcome.Payload, true, nil)
	if !ok {
		payload, _ = json.Marshal(it.Outcome.Payload)
	}
	// Names and tax id as written, for people to find; matching
	// normalises them.
	return l.Claim(context.Background(), ledger.Create{
		Fingerprint: it.FP, Payload: string(payload), TaxID: text(mapping.CTCOD), Name: text(mapping.CNAM1), ShortName: text(mapping.CNAM2),
		Source: s.Source.Input, Sheet: s.Source.Sheet, Row: it.Rec.Line, ResultRow: it.Seq + 2, InputSHA256: s.Source.InputSHA256,
		Lineage: s.Source.Lineage, RunID: s.Source.RunID,
	})
}

// record writes a sent row's outcome to the ledger; a is what TMS's
// answer was.
func (s *Stage) record(it *item, id int64, res row.Move, a answer) error {
	l := s.Ledger
	if it.Outcome.Code != "" {
		switch {
		case res.Status == row.StatusOK:
			return l.Accepted(it.Outcome.Code, it.FP, s.Source.RunID)
		case res.Status == row.StatusFailed && (a == answered || a == refused):
			return l.Failed(it.Outcome.Code) // TMS answered: nothing applied
		}
		return nil // no answer: TMS may hold it; the code stays pending
	}
	state := ledger.Refused // nothing was created
	switch res.Status {
	case row.StatusOK:
		state = ledger.Created
	case row.StatusUnknown:
		state = ledger.Unknown
	}
	return l.Settle(id, state, res.CCODE, res.ErrorCode, msg.Clip(res.Message, 500))
}

// resultOf turns a Sender's outcome into the row's next state.
func (s *Stage) resultOf(it *item, o tms.Outcome) row.Move {
	res := row.Move{Attempts: o.Attempts}
	idempotent := it.Outcome.Code != ""
	switch {
	case o.Unknown:
		res.Status, res.Message = row.StatusUnknown, s.Texts.Unknown(o.Err)
	case o.Err != nil && o.Attempts == 0:
		res.Status, res.Message = row.StatusNotSent, s.Texts.NotSent(o.Err)
	case errors.Is(o.Err, context.Canceled) && !idempotent:
		// Aborted (a second Ctrl-C) before TMS could have seen it: a
		// create that may have reached TMS is Unknown, handled above.
		res.Status, res.Message = row.StatusNotSent, s.Texts.Interrupted()
	case errors.Is(o.Err, context.Canceled):
		// Aborted in flight: the row has a code, so resending is safe.
		res.Status, res.ErrorCode, res.Message = row.StatusFailed, "ABORTED", s.Texts.Aborted()
	case o.Err != nil:
		res.Status, res.ErrorCode = row.StatusFailed, LocalErrorCode(o.Err)
		res.Message = s.Texts.Failure(o.Err, o.Attempts)
	case o.Response.Status == "S" && !idempotent && strings.TrimSpace(o.Response.CCODE) == "":
		// A create TMS says it made, without saying which code: the
		// customer exists, but no code can be recorded or resent safely.
		res.Status, res.ErrorCode, res.Message = row.StatusUnknown, "NO_CCODE", s.Texts.CreatedWithoutCode()
	case o.Response.Status == "S":
		res.Status, res.CCODE = row.StatusOK, o.Response.CCODE
		if res.CCODE == "" {
			res.CCODE = it.Outcome.Code
		}
		if sent := it.Outcome.Code; sent != "" && !strings.EqualFold(strings.TrimSpace(res.CCODE), sent) {
			res.Warning = s.Texts.OtherCode(sent, res.CCODE)
		}
	case it.Decision.MaybeApplied && tms.CodeExists(o.Response):
		// An add whose earlier request (in an earlier run) got no answer
		// may have created the code itself: TMS cannot tell us.
		res.Status, res.ErrorCode = row.StatusUnknown, o.Response.ErrorCode
		res.Message = s.Texts.ExistsAfterMaybe(it.Outcome.Code, o.Response.ErrorMessage)
	default:
		res.Status, res.ErrorCode, res.Message = row.StatusFailed, o.Response.ErrorCode, o.Response.ErrorMessage
		if res.Message == "" {
			res.Message = s.Texts.ServerError(o.Response.ErrorCode)
		}
		// A refusal of the request itself is about the settings, not
		// the row: say which, after TMS's own words.
		if hint := probe.Hint(o.Response.ErrorCode, o.Response.ErrorMessage, s.Texts.Lang()); hint != "" {
			res.Message += HintSep + hint
		}
	}
	return res
}

// HintSep joins TMS's message and the setting it points at.
const HintSep = " → "

// tmsSaid is TMS's own message of a result, without the hint.
func TMSSaid(message string) string {
	said, _, _ := strings.Cut(message, HintSep)
	return said
}

// ErrLedger and ErrResults mark a run stopped by its own records.
var (
	ErrLedger  = errors.New("the ledger could not be written")
	ErrResults = errors.New("the results file could not be written")
)

// Local error codes of rows that got no answer from TMS, or none that
// can be trusted.
const (
	codeNetwork   = "NETWORK"
	codeTimeout   = "TIMEOUT"
	codeAmbiguous = "AMBIGUOUS" // an answer that reads both as a success and as a failure
)

// localErrorCode names failures that have no server ErrorCode.
func LocalErrorCode(err error) string {
	if tms.Kind(err) == tms.KindAmbiguousAnswer {
		return codeAmbiguous
	}
	var te *tms.Error
	if errors.As(err, &te) && te.HTTPStatus != 0 {
		return "HTTP" + strconv.Itoa(te.HTTPStatus)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return codeTimeout
	}
	return codeNetwork
}

// earlierCreates warns in m, a create TMS accepted, when an earlier
// run's create got the same code from TMS; the worker calls it (the
// ledger's reads cannot see this run's own creates reliably, and need
// not). It reports whether it warned.
func (s *Stage) earlierCreates(ctx context.Context, it *item, m *row.Move) bool {
	code := GivenCode(it.Outcome.Code, m.Status, m.Attempts, m.CCODE)
	if code == "" || s.Ledger == nil {
		return false
	}
	if s.EarlierCodes != nil && !s.EarlierCodes[code] {
		return false // no earlier run's create got it: nothing to read
	}
	creates, err := s.Ledger.CreatedWithCode(context.WithoutCancel(ctx), code)
	if err != nil {
		s.Log.Warn("reading the ledger for creates with the same code", "line", it.Rec.Line, "code", code, "err", err)
		return false
	}
	var earlier []ledger.Create
	for _, c := range creates {
		if c.RunID != s.Source.RunID {
			earlier = append(earlier, c)
		}
	}
	if len(earlier) == 0 {
		return false
	}
	m.Warning = row.JoinWarnings(m.Warning, s.Texts.SameCodeEarlier(code, earlier))
	s.Log.Warn("TMS gave a new customer a code it gave an earlier create", "line", it.Rec.Line, "code", code, "earlier", len(earlier))
	return true
}
