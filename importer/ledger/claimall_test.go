package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestClaimAllAndWithdraw checks claiming creates ahead, several in one
// commit, and withdrawing those that were not sent.
func TestClaimAllAndWithdraw(t *testing.T) {
	ctx := context.Background()
	states := func(t *testing.T, d *DB) map[string]string {
		t.Helper()
		cs, err := d.creates(ctx, "ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range cs {
			got[c.Fingerprint] = c.State
		}
		return got
	}
	tests := []struct {
		name     string
		claim    int   // creates claimed together: fp0, fp1, ...
		settle   []int // then settled (sent), by index
		withdraw []int // then withdrawn, by index
		wantErr  bool
		want     map[string]string // fingerprint → state afterwards
	}{
		{name: "none", want: map[string]string{}},
		{name: "one", claim: 1, want: map[string]string{"fp0": Sending}},
		{name: "three, two withdrawn", claim: 3, withdraw: []int{0, 2}, want: map[string]string{"fp1": Sending}},
		{name: "all withdrawn", claim: 2, withdraw: []int{0, 1}, want: map[string]string{}},
		{name: "a sent one is not withdrawn, nor the others with it", claim: 3, settle: []int{1}, withdraw: []int{0, 1}, wantErr: true,
			want: map[string]string{"fp0": Sending, "fp1": Created, "fp2": Sending}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var commits atomic.Int64
			d := openTest(t, tempDir(t), Options{BeforeCommit: func() error { commits.Add(1); return nil }})
			cs := make([]Create, tt.claim)
			for i := range cs {
				cs[i] = Create{Fingerprint: fmt.Sprint("fp", i), Row: i + 2, Payload: `{"CCODE":""}`}
			}
			before := commits.Load()
			ids, err := d.ClaimAll(ctx, cs)
			if err != nil {
				t.Fatal(err)
			}
			if n := commits.Load() - before; tt.claim > 0 && n != 1 {
				t.Errorf("%d claims took %d commits, want 1", tt.claim, n)
			}
			if len(ids) != tt.claim {
				t.Fatalf("%d ids for %d claims", len(ids), tt.claim)
			}
			for i := 1; i < len(ids); i++ {
				if ids[i] <= ids[i-1] {
					t.Errorf("ids %v are not in order", ids)
				}
			}
			for _, i := range tt.settle {
				if err := d.Settle(ids[i], Created, fmt.Sprint("C", i), "", ""); err != nil {
					t.Fatal(err)
				}
			}
			var wd []int64
			for _, i := range tt.withdraw {
				wd = append(wd, ids[i])
			}
			if err := d.Withdraw(ctx, wd...); (err != nil) != tt.wantErr {
				t.Errorf("Withdraw: %v, want an error: %t", err, tt.wantErr)
			}
			got := states(t, d)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("creates %v, want %v", got, tt.want)
			}
			// A refused withdrawal is the caller's alone: the ledger
			// still writes.
			if _, err := d.Claim(ctx, Create{Fingerprint: "after"}); err != nil {
				t.Errorf("a claim after it: %v", err)
			}
		})
	}
}

// TestClaimAllCanceled checks that claims whose context ended before
// they were written are not written.
func TestClaimAllCanceled(t *testing.T) {
	d := openTest(t, tempDir(t), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.ClaimAll(ctx, []Create{{Fingerprint: "a"}, {Fingerprint: "b"}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("ClaimAll = %v, want context.Canceled", err)
	}
	cs, err := d.creates(context.Background(), "")
	if err != nil || len(cs) != 0 {
		t.Fatalf("creates = %v, %v; want none", cs, err)
	}
}
