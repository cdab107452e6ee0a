package ledger

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestAsyncWritesWaitTheGap checks the writer's batching with a fake
// clock: a write nobody waits for (a settle) waits for the next waited
// one (a claim), or for the gap, and is not committed at once because a
// claim was committed just before it.
func TestAsyncWritesWaitTheGap(t *testing.T) {
	dir := tempDir(t)
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		var commits atomic.Int64
		d, err := Open(ctx, dir, testTenant, Options{BeforeCommit: func() error { commits.Add(1); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		step := func(what string, want int64) {
			t.Helper()
			synctest.Wait()
			if n := commits.Load(); n != want {
				t.Fatalf("after %s: %d commits, want %d", what, n, want)
			}
		}
		id := claim(t, d, Create{Fingerprint: "a"})
		step("a claim", 1)
		if err := d.Settle(id, Created, "A1", "", ""); err != nil {
			t.Fatal(err)
		}
		step("a settle right after it", 1) // it waits: for the gap or a claim
		id2 := claim(t, d, Create{Fingerprint: "b"})
		step("the next claim (the settle rides with it)", 2)
		if cs, err := d.CreatedWithCode(ctx, "A1"); err != nil || len(cs) != 1 {
			t.Fatalf("the settle rode with the claim: CreatedWithCode = %v, %v", cs, err)
		}
		if err := d.Settle(id2, Created, "B1", "", ""); err != nil {
			t.Fatal(err)
		}
		step("a second settle", 2)
		time.Sleep(asyncGap) // the bubble's fake time
		step("the gap", 3)
	})
}
