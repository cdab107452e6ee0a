package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
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
	// The same customer created on both PCs before the merge is named.
	for i, pc := range pcs {
		id, err := pc.Claim(ctx, Create{Fingerprint: "both", Name: "甲公司", Source: fmt.Sprintf("/pc%d.csv", i), Row: 9})
		if err != nil {
			t.Fatal(err)
		}
		pc.Settle(id, Created, fmt.Sprintf("D%d", i), "", "")
		pc.Flush(ctx)
	}
	if _, err := Copy(ctx, pcs[0], team); err != nil {
		t.Fatal(err)
	}
	rep, err = Copy(ctx, pcs[1], team)
	if err != nil || rep.TwiceCount != 1 || len(rep.Twice) != 1 || rep.Twice[0] != (Twice{Name: "甲公司", Code: "D1", Other: "D0"}) {
		t.Errorf("merging a customer both PCs created: %+v (%d), %v; want 甲公司 D1 and D0", rep.Twice, rep.TwiceCount, err)
	}
	other := openTenant(t, tempDir(t), Tenant{URL: "https://other.example.com", PNO: "P9", ProNum: "P9"}, Options{})
	if _, err := Copy(ctx, other, team); !errors.Is(err, ErrOtherTenant) {
		t.Errorf("copying another tenant's ledger = %v, want ErrOtherTenant", err)
	}
}

// TestCopyManyRoundTrip: a ledger of many creates (2,000; LEDGER_COPY_ROWS
// sets another number, e.g. 100000) copied from SQLite into PostgreSQL and
// back gives the same export.
func TestCopyManyRoundTrip(t *testing.T) {
	n := 2000
	if s := os.Getenv("LEDGER_COPY_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	lite := openTest(t, tempDir(t), Options{})
	run, err := lite.BeginRun(ctx, Run{Input: "/in/big.csv"})
	if err != nil {
		t.Fatal(err)
	}
	// Claims written straight into the file: the writer's one commit per
	// claim would take minutes for 100,000.
	err = lite.wait(ctx, func(ctx context.Context, tx *txn) error {
		for i := range n {
			state, code := Created, fmt.Sprintf("C%06d", i)
			if i%10 == 0 {
				state, code = Unknown, ""
			}
			if _, err := tx.insert(ctx, "INSERT INTO creates(fingerprint, payload, name, source, row, run_id, state, ccode, created, updated) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				fmt.Sprintf("fp%d", i), fmt.Sprintf(`{"CNAM1":"客戶%d"}`, i), fmt.Sprintf("客戶%d", i), "/in/big.csv", i+2, run, state, code,
				formatTime(time.Unix(int64(i), 0)), formatTime(time.Unix(int64(i), 1))); err != nil {
				return err
			}
			if code != "" {
				if _, err := tx.exec(ctx, "INSERT INTO codes(ccode, fingerprint, run_id, updated) VALUES(?, ?, ?, ?)", code, fmt.Sprintf("fp%d", i), run, formatTime(time.Unix(int64(i), 1))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	pg := openPG(t, pgURL(t), testTenant, Options{})
	rep, err := Copy(ctx, lite, pg)
	if err != nil {
		t.Fatal(err)
	}
	into := time.Since(start)
	back := openTest(t, tempDir(t), Options{})
	if _, err := Copy(ctx, pg, back); err != nil {
		t.Fatal(err)
	}
	want := exportOf(t, lite)
	if got := exportOf(t, back); got != want {
		t.Errorf("the export after SQLite → PostgreSQL → SQLite differs (%d and %d bytes)", len(got), len(want))
	}
	if got := exportOf(t, pg); got != want {
		t.Errorf("PostgreSQL's export differs (%d and %d bytes)", len(got), len(want))
	}
	t.Logf("%d creates: into PostgreSQL %v, back %v; %v", n, into.Round(time.Millisecond), (time.Since(start) - into).Round(time.Millisecond), rep.Source["creates"])
}
