package ledger

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// v1Ledger writes a version 1 ledger of testTenant at dir, as custimport
// 0.3.0 left it: one create settled with code 0456, and one code sent
// as an upsert.
func v1Ledger(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := FilePath(dir, testTenant)
	rawExec(t, path, schemaV1,
		fmt.Sprintf("INSERT INTO meta(key, value) VALUES('url', '%s'), ('pno', '%s'), ('pronum', '%s')", testTenant.URL, testTenant.PNO, testTenant.ProNum),
		`INSERT INTO creates(fingerprint, tax_id, name, short_name, state, ccode) VALUES('fp1', '04595257', '北極星貿易有限公司', '北極星', 'created', '0456')`,
		`INSERT INTO codes(ccode, fingerprint, pending) VALUES('0456', 'fp1', ''), ('B001', 'fp2', ''), ('0999', '', '')`,
		"PRAGMA user_version = 1")
	return path
}

func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v1Ledger(t, dir)

	// Read-only, it stays version 1 and reads as one.
	ro, err := Open(ctx, dir, testTenant, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok, err := ro.Code(ctx, "0456"); err != nil || !ok || c.Fingerprint != "fp1" || c.Name != "" {
		t.Errorf("read-only version 1: Code(0456) = %+v, %v, %v", c, ok, err)
	}
	if _, ok, err := ro.Existing(ctx); ok || err != nil {
		t.Errorf("read-only version 1: Existing = %v, %v; want none", ok, err)
	}
	if p, err := ro.Padded(ctx, []string{"456"}); err != nil || len(p["456"]) != 1 {
		t.Errorf("read-only version 1: Padded = %v, %v", p, err)
	}
	ro.Close()

	d := openTest(t, dir, Options{})
	var version int
	if err := d.rdb.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion {
		t.Fatalf("user_version = %d, %v; want %d", version, err, SchemaVersion)
	}
	c, ok, err := d.Code(ctx, "0456")
	want := Code{CCODE: "0456", Fingerprint: "fp1", Names: Names{Name: "北極星貿易有限公司", ShortName: "北極星", TaxID: "04595257"}}
	if err != nil || !ok || c != want {
		t.Errorf("migrated: Code(0456) = %+v, %v, %v; want the create's names %+v", c, ok, err, want)
	}
	if c, _, _ := d.Code(ctx, "B001"); c.Name != "" || c.Fingerprint != "fp2" {
		t.Errorf("migrated: Code(B001) = %+v", c)
	}
	if err := d.LoadExisting(ctx, ExistingList{Customers: []Customer{{CCODE: "A1"}}}); err != nil {
		t.Errorf("migrated: LoadExisting: %v", err)
	}
	d.Close()
	// Opened again, it is not migrated twice.
	openTest(t, dir, Options{})
}

func TestLoadExisting(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 2, 3, 4, 5, 0, time.UTC)
	d := openTest(t, t.TempDir(), Options{Now: func() time.Time { return now }})
	if _, ok, err := d.Existing(ctx); ok || err != nil {
		t.Fatalf("a new ledger: Existing = %v, %v; want none", ok, err)
	}
	asOf := time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)
	first := ExistingList{
		Info: ExistingInfo{Source: "/exports/客戶.xlsx", Sheet: "客戶資料", SHA256: "abc", AsOf: asOf},
		Customers: []Customer{
			{CCODE: "0456", Names: Names{Name: "北極星貿易有限公司", ShortName: "北極星", TaxID: "04595257"}, Phone: "02-1234", Mobile: "0912", Row: 2},
			{CCODE: "A001", Names: Names{Name: "甲"}, Row: 3},
		},
	}
	if err := d.LoadExisting(ctx, first); err != nil {
		t.Fatal(err)
	}
	got, ok, err := d.Existing(ctx)
	if err != nil || !ok {
		t.Fatalf("Existing = %v, %v", ok, err)
	}
	wantInfo := first.Info
	wantInfo.Loaded, wantInfo.Count = now, 2
	if got.Info != wantInfo {
		t.Errorf("Info = %+v, want %+v", got.Info, wantInfo)
	}
	if !reflect.DeepEqual(got.Customers, first.Customers) {
		t.Errorf("Customers = %+v, want %+v", got.Customers, first.Customers)
	}

	// Loading again replaces the list, not adds to it.
	second := ExistingList{Info: ExistingInfo{Source: "/b.csv", SHA256: "def", AsOf: asOf}, Customers: []Customer{{CCODE: "B9", Row: 2}}}
	if err := d.LoadExisting(ctx, second); err != nil {
		t.Fatal(err)
	}
	got, _, _ = d.Existing(ctx)
	if len(got.Customers) != 1 || got.Customers[0].CCODE != "B9" || got.Info.Source != "/b.csv" || got.Info.Sheet != "" || got.Info.Count != 1 {
		t.Errorf("after replacing: %+v", got)
	}

	for name, bad := range map[string][]Customer{
		"no code":    {{CCODE: ""}},
		"code twice": {{CCODE: "X"}, {CCODE: "X"}},
	} {
		if err := d.LoadExisting(ctx, ExistingList{Customers: bad}); err == nil {
			t.Errorf("%s: LoadExisting took it", name)
		}
	}
	if got, _, _ := d.Existing(ctx); len(got.Customers) != 1 {
		t.Errorf("a refused list replaced the one loaded: %+v", got)
	}

	// A read-only ledger reads it.
	ro, err := Open(ctx, filepath.Dir(d.Path()), testTenant, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got, ok, err := ro.Existing(ctx); err != nil || !ok || len(got.Customers) != 1 {
		t.Errorf("read-only: Existing = %+v, %v, %v", got, ok, err)
	}
}

func TestPaddedAndFind(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, t.TempDir(), Options{})
	for _, c := range []struct {
		code, fp string
		names    Names
		accepted bool
	}{
		{"0456", "f1", Names{Name: "零二商行", TaxID: "04595257"}, true},
		{"000456", "f2", Names{}, true},
		{"456", "f3", Names{}, false}, // sent, never answered: pending
		{"0789", "f4", Names{}, true},
		{"A456", "f5", Names{ShortName: "零二"}, true},
	} {
		if err := d.SendingCode(c.code, c.fp, c.names, 1); err != nil {
			t.Fatal(err)
		}
		if c.accepted {
			d.Accepted(c.code, c.fp, 1)
		}
	}
	d.SendingCode("0123", "f6", Names{}, 1)
	d.Failed("0123") // refused: TMS does not have it
	// An update sent without names keeps the names known.
	d.SendingCode("0456", "f7", Names{}, 2)
	d.Accepted("0456", "f7", 2)
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := d.Code(ctx, "0456"); c.Name != "零二商行" || c.TaxID != "04595257" {
		t.Errorf("an update without names forgot them: %+v", c)
	}

	padded, err := d.Padded(ctx, []string{"456", "789", "123", "9"})
	if err != nil {
		t.Fatal(err)
	}
	codes := func(cs []Code) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.CCODE)
		}
		sort.Strings(out)
		return out
	}
	for k, want := range map[string][]string{"456": {"000456", "0456", "456"}, "789": {"0789"}, "123": nil, "9": nil} {
		if got := codes(padded[k]); !slices.Equal(got, want) {
			t.Errorf("Padded[%s] = %q, want %q", k, got, want)
		}
	}

	for _, tt := range []struct {
		text string
		want []string
	}{
		{"0456", []string{"000456", "0456"}},
		{"456", []string{"000456", "0456", "456"}},
		{"a456", []string{"A456"}},
		{"零二", []string{"0456", "A456"}},
		{"04595257", []string{"0456"}},
		{"nothing", nil},
		{" ", nil},
	} {
		got, err := d.FindCodes(ctx, tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if g := codes(got); !slices.Equal(g, tt.want) {
			t.Errorf("FindCodes(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}

	if err := d.LoadExisting(ctx, ExistingList{Customers: []Customer{
		{CCODE: "0456", Names: Names{Name: "北極星貿易有限公司", TaxID: "04595257"}},
		{CCODE: "B001", Names: Names{ShortName: "南風"}},
	}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"456", []string{"0456"}},
		{"b001", []string{"B001"}},
		{"北極星", []string{"0456"}},
		{"南風", []string{"B001"}},
		{"04595257", []string{"0456"}},
		{"0459525", nil},
	} {
		got, err := d.FindExisting(ctx, tt.text)
		if err != nil {
			t.Fatal(err)
		}
		var g []string
		for _, c := range got {
			g = append(g, c.CCODE)
		}
		if !slices.Equal(g, tt.want) {
			t.Errorf("FindExisting(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}

// The look-up of a shortened code uses its index: a ledger of a million
// codes answers a batch without reading them all.
func TestPaddedUsesIndex(t *testing.T) {
	d := openTest(t, t.TempDir(), Options{})
	var plan string
	rows, err := d.rdb.Query("EXPLAIN QUERY PLAN SELECT "+codeCols+" FROM codes WHERE ltrim(ccode, '0') IN (?, ?)", "1", "2")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan += detail + "\n"
	}
	if want := "USING INDEX codes_digits"; !strings.Contains(plan, want) {
		t.Errorf("query plan:\n%s\nwant %q", plan, want)
	}
}
