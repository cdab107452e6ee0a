package ledger

import (
	"context"
	"fmt"
	"testing"
)

// parses returns how many statements c prepared so far.
func (c *stmtCache) parsed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.parses
}

// TestWritesPrepareOnce checks that the writes of many rows, each
// committed on its own (as a claim is), prepare each statement once, not
// once per transaction, and still record what they should.
func TestWritesPrepareOnce(t *testing.T) {
	const rows = 40
	ctx := context.Background()
	tests := []struct {
		name  string
		write func(t *testing.T, d *DB, i int)
		check func(t *testing.T, d *DB)
	}{
		{"claim and settle", func(t *testing.T, d *DB, i int) {
			id := claim(t, d, Create{Fingerprint: fmt.Sprint("fp", i), Name: fmt.Sprint("name", i), Payload: `{"CNAM1":"x"}`})
			if err := d.Settle(id, Created, fmt.Sprintf("A%03d", i), "", ""); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, d *DB) {
			for i := range rows {
				cs, err := d.CreatedWithCode(ctx, fmt.Sprintf("A%03d", i))
				if err != nil || len(cs) != 1 || cs[0].Fingerprint != fmt.Sprint("fp", i) || cs[0].Name != fmt.Sprint("name", i) {
					t.Fatalf("CreatedWithCode(A%03d) = %+v, %v", i, cs, err)
				}
			}
		}},
		{"sending, accepted and failed codes", func(t *testing.T, d *DB, i int) {
			code := fmt.Sprintf("B%03d", i)
			if err := d.SendingCode(code, fmt.Sprint("fp", i), Names{Name: fmt.Sprint("name", i)}, 1); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				err := d.Accepted(code, fmt.Sprint("fp", i), 1)
				if err != nil {
					t.Fatal(err)
				}
			} else if err := d.Failed(code); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, d *DB) {
			codes := make([]string, rows)
			for i := range codes {
				codes[i] = fmt.Sprintf("B%03d", i)
			}
			got, err := d.Codes(ctx, codes)
			if err != nil {
				t.Fatal(err)
			}
			for i, code := range codes {
				c := got[code]
				want := ""
				if i%2 == 0 {
					want = fmt.Sprint("fp", i)
				}
				if c.Fingerprint != want || c.Pending != "" || c.Name != fmt.Sprint("name", i) {
					t.Errorf("code %s = %+v, want fingerprint %q, nothing pending, name name%d", code, c, want, i)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openTest(t, tempDir(t), Options{})
			for i := range rows {
				tt.write(t, d, i)
				if err := d.Flush(ctx); err != nil { // one transaction per row
					t.Fatal(err)
				}
			}
			tt.check(t, d)
			tt.check(t, d)
			// Each distinct statement at most twice: once for the
			// transaction that met it, once for the cache.
			if n := d.w.stmts.parsed(); n > 2*6 {
				t.Errorf("%d rows written one transaction each prepared %d statements, want at most 12 (each once)", rows, n)
			}
			if n := d.reads.parsed(); n > 2 {
				t.Errorf("reading twice prepared %d statements, want at most 2", n)
			}
		})
	}
}
