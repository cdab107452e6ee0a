package ledger

import (
	"context"
	"fmt"
	"testing"
)

func TestCreatedWithCode(t *testing.T) {
	ctx := context.Background()
	tenant, _ := NewTenant("https://tms.example", "P1", "")
	db, err := Open(ctx, t.TempDir(), tenant, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, st := range []struct{ state, code string }{{Created, "H1"}, {Created, "H2"}, {Unknown, "H1"}, {Created, "H1"}, {Created, "h1"}} {
		id, err := db.Claim(ctx, Create{Fingerprint: fmt.Sprint(i), Name: fmt.Sprint("n", i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Settle(id, st.state, st.code, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := db.CreatedWithCode(ctx, "H1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "n0" || got[1].Name != "n3" {
		t.Errorf("got %+v, want the two created with H1 (n0, n3), oldest first", got)
	}
}
