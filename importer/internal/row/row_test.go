package row

import (
	"testing"

	"github.com/custimport/custimport/importer/source"
)

func TestAllowed(t *testing.T) {
	final := []Status{StatusInvalid, StatusOK, StatusFailed, StatusUnknown, StatusNotSent, StatusSkipped}
	all := append([]Status{Pending, StatusValid}, final...)
	want := map[[2]Status]bool{}
	for _, to := range all {
		want[[2]Status{Pending, to}] = to != Pending
	}
	for _, to := range []Status{Pending, StatusInvalid, StatusNotSent, StatusOK, StatusUnknown, StatusFailed} {
		want[[2]Status{StatusValid, to}] = true
	}
	for _, from := range all {
		for _, to := range all {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				if got := Allowed(from, to); got != want[[2]Status{from, to}] {
					t.Errorf("Allowed(%q, %q) = %v, want %v", from, to, got, !got)
				}
			})
		}
	}
}

// TestToKeepsWarnings follows one row through the moves an import makes
// of it: every warning given on the way is in its result at the end, in
// order, and Send follows VALID.
func TestToKeepsWarnings(t *testing.T) {
	it := &Item{Rec: source.Record{Line: 7}}
	it.To(Move{Status: StatusValid, CCODE: "C1", Warning: "電話格式"})
	if !it.Send {
		t.Fatal("a VALID row is to be sent")
	}
	it.Warn("")
	it.Warn("可能建立新客戶")
	it.To(Move{Status: StatusOK, CCODE: "C1", Attempts: 2, Warning: "TMS 給了別的代號"})
	it.Warn("同一代號")
	got := it.Result()
	want := Result{Line: 7, Status: StatusOK, CCODE: "C1", Attempts: 2, Warnings: "電話格式; 可能建立新客戶; TMS 給了別的代號; 同一代號"}
	if got != want {
		t.Errorf("result\n got %+v\nwant %+v", got, want)
	}
	if it.Send {
		t.Error("a row sent is not to be sent again")
	}
}

func TestToPendingDropsTheResult(t *testing.T) {
	it := &Item{Rec: source.Record{Line: 3}}
	it.To(Move{Status: StatusValid, Warning: "w"})
	it.To(Move{Status: Pending})
	if got := it.Result(); got != (Result{Line: 3}) || it.Send {
		t.Errorf("after a move back to Pending: %+v, Send %v", got, it.Send)
	}
}

func TestToRefusesAMoveThePipelineNeverMakes(t *testing.T) {
	for _, tc := range []struct{ from, to Status }{
		{StatusOK, StatusValid},   // sent twice
		{StatusInvalid, StatusOK}, // an invalid row sent
		{StatusSkipped, StatusNotSent},
		{StatusValid, StatusSkipped},
		{StatusValid, StatusValid},
	} {
		t.Run(string(tc.from)+"→"+string(tc.to), func(t *testing.T) {
			it := &Item{Rec: source.Record{Line: 12}}
			it.To(Move{Status: tc.from}) // every status is reached from Pending
			defer func() {
				if recover() == nil {
					t.Errorf("moved %s → %s", tc.from, tc.to)
				}
			}()
			it.To(Move{Status: tc.to})
		})
	}
}
