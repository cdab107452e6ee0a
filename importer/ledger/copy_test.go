package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func exportOf(t *testing.T, d *DB) string {
	t.Helper()
	var b bytes.Buffer
	if err := d.Export(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCopyRoundTrip: an SQLite ledger copied into an empty PostgreSQL
// one, and that back into a new SQLite one, gives the same export, the
// same answers and the same sums, and the ids PostgreSQL hands out after
// the copy follow the copied ones.
func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	opts := Options{Now: func() time.Time { now = now.Add(time.Millisecond); return now }}
	lite := openTest(t, tempDir(t), opts)
	script(t, lite)
	pg := openPG(t, pgURL(t), testTenant, opts)
	rep, err := Copy(ctx, lite, pg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added["creates"] != 4 || rep.Added["codes"] != 4 || rep.Added["runs"] != 1 || rep.Added["existing"] != 2 {
		t.Errorf("added %v", rep.Added)
	}
	back := openTest(t, tempDir(t), opts)
	if _, err := Copy(ctx, pg, back); err != nil {
		t.Fatal(err)
	}
	want := exportOf(t, lite)
	for name, d := range map[string]*DB{"PostgreSQL": pg, "SQLite again": back} {
		if got := exportOf(t, d); got != want {
			t.Errorf("%s export:\n%s\nwant\n%s", name, got, want)
		}
		ex, _, err := d.Existing(ctx)
		if err != nil || len(ex.Customers) != 2 || ex.Info.Source != "tms.xlsx" {
			t.Errorf("%s existing = %+v, %v", name, ex, err)
		}
	}
	id, err := pg.Claim(ctx, Create{Fingerprint: "next"})
	if err != nil || id != 5 {
		t.Errorf("the next claim after the copy = %d, %v; want id 5", id, err)
	}
}

// TestCopyMerge: two PCs' ledgers of one tenant merge into one; copying
// one again adds nothing; a create one PC left in flight takes the
// outcome the other knows; another tenant's ledger is refused.
func TestCopyMerge(t *testing.T) {
	ctx := context.Background()
	url := pgURL(t)
	team := openPG(t, url, testTenant, Options{})
	pcs := []*DB{openTest(t, tempDir(t), Options{}), openTest(t, tempDir(t), Options{})}
	for i, pc := range pcs {
		run, err := pc.BeginRun(ctx, Run{Input: fmt.Sprintf("/pc%d/a.csv", i)})
		if err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			id, err := pc.Claim(ctx, Create{Fingerprint: fmt.Sprintf("pc%d-%d", i, j), Source: "/x.csv", Row: j + 2, RunID: run})
			if err != nil {
				t.Fatal(err)
			}
			if err := pc.Settle(id, Created, fmt.Sprintf("P%d%d", i, j), "", ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := pc.SendingCode("SHARED", fmt.Sprintf("fp%d", i), Names{}, run); err != nil {
			t.Fatal(err)
		}
		pc.Flush(ctx)
		time.Sleep(2 * time.Millisecond) // the second PC's SHARED is the later
	}
	for _, pc := range pcs {
		if _, err := Copy(ctx, pc, team); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Copy(ctx, pcs[0], team)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added["creates"] != 0 || rep.Present["creates"] != 3 || rep.Added["runs"] != 0 {
		t.Errorf("copying again added %v (present %v), want nothing", rep.Added, rep.Present)
	}
	sums, err := Sums(ctx, team)
	if err != nil || sums["creates"].Rows != 6 || sums["runs"].Rows != 2 || sums["codes"].Rows != 7 {
		t.Errorf("merged sums %v, %v; want 6 creates, 2 runs, 7 codes", sums, err)
	}
	if c, _, _ := team.Code(ctx, "SHARED"); c.Pending != "fp1" {
		t.Errorf("SHARED = %+v, want the later record (fp1)", c)
	}
	// Each create points at its own PC's run.
	for _, q := range []string{"pc0-0", "pc1-2"} {
		cs, err := team.Find(ctx, "P"+q[2:3]+q[4:5])
		if err != nil || len(cs) != 1 {
			t.Fatalf("find %s: %+v %v", q, cs, err)
		}
		runs, _ := team.Runs(ctx, 0)
		for _, r := range runs {
			if r.ID == cs[0].RunID && r.Input != "/pc"+q[2:3]+"/a.csv" {
				t.Errorf("create %s points at run %+v", q, r)
			}
		}
	}
	other := openTenant(t, tempDir(t), Tenant{URL: "https://other.example.com", PNO: "P9", ProNum: "P9"}, Options{})
	if _, err := Copy(ctx, other, team); !errors.Is(err, ErrOtherTenant) {
		t.Errorf("copying another tenant's ledger = %v, want ErrOtherTenant", err)
	}
}
