package dispatch

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/tms"
)

func TestBreaker(t *testing.T) {
	type step struct {
		a    answer
		code string
	}
	no, ok, gone, bz := step{a: noAnswer}, step{a: answered}, step{a: aborted}, step{a: busy, code: "HTTP429"}
	ref := func(code string) step { return step{a: refused, code: code} }
	tests := []struct {
		name  string
		limit int
		steps []step
		want  error // after the last step
	}{
		{"no answers in a row trip it", 3, []step{no, no, no}, ErrTMSUnreachable},
		{"an answer resets the count", 3, []step{no, no, ok, no, no}, nil},
		{"aborted rows say nothing of TMS", 3, []step{no, no, gone, gone}, nil},
		{"aborted rows do not reset either", 3, []step{no, no, gone, no}, ErrTMSUnreachable},
		{"the same refusal in a row trips it", 2, []step{ref("9003"), ref("9003")}, ErrTMSRefuses},
		{"different refusals do not", 2, []step{ref("9003"), ref("9004")}, nil},
		{"a refusal is an answer", 2, []step{no, ref("9003"), no}, nil},
		{"limit 0 never trips", 0, []step{no, no, no, no}, nil},
		{"busy rows in a row trip it as busy", 3, []step{bz, bz, bz}, ErrTMSBusy},
		{"busy rows count as no answer", 3, []step{no, bz, bz}, ErrTMSUnreachable},
		{"an answer resets the busy count", 3, []step{bz, bz, ok, bz, bz}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := breaker{limit: tt.limit}
			var err error
			for _, s := range tt.steps {
				err = b.observe(s.a, row.Move{ErrorCode: s.code}, 0)
			}
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if tt.want == ErrTMSUnreachable && errors.Is(err, ErrTMSBusy) {
				t.Errorf("got %v, want it not to blame a busy TMS: not every row was busy", err)
			}
		})
	}
}

// A busy stop says how long TMS asked to wait: the longest wait of the
// rows in a row, in the user's language.
func TestBreakerBusyWait(t *testing.T) {
	b := breaker{limit: 3}
	b.observe(busy, row.Move{ErrorCode: "HTTP429"}, time.Hour)
	b.observe(busy, row.Move{ErrorCode: "HTTP429"}, 24*time.Hour)
	err := b.observe(busy, row.Move{ErrorCode: "HTTP503"}, 0)
	var be *BusyError
	if !errors.As(err, &be) || be.Rows != 3 || be.Wait != 24*time.Hour || be.Code != "HTTP503" {
		t.Fatalf("got %v (%+v), want a BusyError of 3 rows asking 24h", err, be)
	}
	if !errors.Is(err, ErrTMSUnreachable) || !errors.Is(err, ErrTMSBusy) {
		t.Errorf("got %v, want an ErrTMSBusy and an ErrTMSUnreachable", err)
	}
}

func TestAnswerOf(t *testing.T) {
	tests := []struct {
		name string
		o    tms.Outcome
		want answer
	}{
		{"accepted", tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S"}}, answered},
		{"business error", tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: "1002"}}, answered},
		{"request refused", tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: "9003"}}, refused},
		{"network failure", tms.Outcome{Attempts: 5, Err: &tms.Error{Class: tms.Retryable, HTTPStatus: 502}}, noAnswer},
		{"given up as busy", tms.Outcome{Attempts: 1, Err: fmt.Errorf("gave up: %w", &tms.Error{Class: tms.Retryable, HTTPStatus: 429})}, busy},
		{"a create unknown after a busy attempt", tms.Outcome{Attempts: 2, Unknown: true, Err: &tms.Error{Class: tms.Retryable, HTTPStatus: 503}}, noAnswer},
		{"unknown create", tms.Outcome{Attempts: 1, Unknown: true, Err: errors.New("reset")}, noAnswer},
		{"stopped before sending again", tms.Outcome{Attempts: 2, Err: tms.ErrStopped}, aborted},
		{"never sent", tms.Outcome{Err: errors.New("x")}, aborted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := answerOf(tt.o); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// Rows refused for their timestamp blame the clock, not the key.
func TestBreakerTimestamp(t *testing.T) {
	b := breaker{limit: 2}
	b.observe(refused, row.Move{ErrorCode: "9003"}, 0)
	err := b.observe(refused, row.Move{ErrorCode: "9003"}, 0)
	if !errors.Is(err, ErrTimestampRefused) || !errors.Is(err, ErrTMSRefuses) {
		t.Fatalf("got %v, want ErrTimestampRefused (an ErrTMSRefuses)", err)
	}
	b = breaker{limit: 2}
	b.observe(refused, row.Move{ErrorCode: "9002"}, 0)
	if err := b.observe(refused, row.Move{ErrorCode: "9002"}, 0); errors.Is(err, ErrTimestampRefused) {
		t.Errorf("9002 (signature) blamed on the clock: %v", err)
	}
}
