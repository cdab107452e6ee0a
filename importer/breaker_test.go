package importer

import (
	"errors"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms"
)

func TestBreaker(t *testing.T) {
	type step struct {
		a    answer
		code string
	}
	no, ok, gone := step{a: noAnswer}, step{a: answered}, step{a: aborted}
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := breaker{limit: tt.limit}
			var err error
			for _, s := range tt.steps {
				err = b.observe(s.a, Result{ErrorCode: s.code})
			}
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
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

func TestReorder(t *testing.T) {
	var b reorder
	seqs := func(items []*item) []int {
		var out []int
		for _, it := range items {
			out = append(out, it.seq)
		}
		return out
	}
	steps := []struct {
		add  int
		want []int
	}{
		{2, nil}, {1, nil}, {0, []int{0, 1, 2}}, {4, nil}, {3, []int{3, 4}}, {5, []int{5}},
	}
	for _, s := range steps {
		got := seqs(b.add(&item{seq: s.add}))
		if len(got) != len(s.want) {
			t.Fatalf("add %d: got %v, want %v", s.add, got, s.want)
		}
		for i := range got {
			if got[i] != s.want[i] {
				t.Fatalf("add %d: got %v, want %v", s.add, got, s.want)
			}
		}
	}
	if len(b.pending) != 0 {
		t.Errorf("%d rows left in the buffer", len(b.pending))
	}
}

// Rows refused for their timestamp blame the clock, not the key.
func TestBreakerTimestamp(t *testing.T) {
	b := breaker{limit: 2}
	b.observe(refused, Result{ErrorCode: "9003"})
	err := b.observe(refused, Result{ErrorCode: "9003"})
	if !errors.Is(err, ErrTimestampRefused) || !errors.Is(err, ErrTMSRefuses) {
		t.Fatalf("got %v, want ErrTimestampRefused (an ErrTMSRefuses)", err)
	}
	m := messages("en").why(err)
	if !strings.Contains(m, "clock") || strings.Contains(m, "key") {
		t.Errorf("the message blames %q, want the clock", m)
	}
	b = breaker{limit: 2}
	b.observe(refused, Result{ErrorCode: "9002"})
	if err := b.observe(refused, Result{ErrorCode: "9002"}); errors.Is(err, ErrTimestampRefused) {
		t.Errorf("9002 (signature) blamed on the clock: %v", err)
	}
}
