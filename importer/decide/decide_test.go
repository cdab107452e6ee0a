package decide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/ledger"
)

// created, sending, unknown and refused are ledger records for the tables.
func rec(id int64, state, fp, tax, name, short, lineage string, row int, code string) ledger.Create {
	return ledger.Create{ID: id, State: state, Fingerprint: fp, TaxID: tax, Name: name, ShortName: short,
		Lineage: lineage, Row: row, CCODE: code}
}

// verdict prints a decision compactly: "settled C1 (same content)".
func verdict(d Decision) string {
	s := d.Action.String()
	if d.Code != "" {
		s += " " + d.Code
	}
	if d.Record != nil {
		s += fmt.Sprintf(" #%d", d.Record.ID)
	}
	if d.Match != NoMatch {
		s += " (" + d.Match.String() + ")"
	}
	if d.Release {
		s += " release"
	}
	if d.Unchanged {
		s += " unchanged"
	}
	if d.MaybeApplied {
		s += " maybe-applied"
	}
	return s
}

func TestDecide(t *testing.T) {
	const L = "/data/list.xlsx"
	row := func(seq, line int, fp, tax, name string) Row {
		return Row{Seq: seq, Line: line, Fingerprint: fp, TaxID: tax, Name: NormName(name), Lineage: L}
	}
	coded := func(seq int, code, fp string) Row {
		return Row{Seq: seq, Line: seq + 2, Code: code, Fingerprint: fp, Lineage: L}
	}
	tests := []struct {
		name    string
		rows    []Row
		creates []ledger.Create
		codes   map[string]ledger.Code
		opts    Options
		want    []string
	}{
		{name: "empty ledger: every create is sent",
			rows: []Row{row(0, 2, "a", "", "甲"), row(1, 3, "a", "", "甲")},
			want: []string{"send", "send"}},
		{name: "same content created: settled with its code",
			rows:    []Row{row(0, 2, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 2, "C1")},
			want:    []string{"settled C1 #1 (same content)"}},
		{name: "same content, copied to another file: still settled",
			rows:    []Row{{Seq: 0, Line: 9, Fingerprint: "a", Lineage: "/other/copy.xlsx"}},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 2, "C1")},
			want:    []string{"settled C1 #1 (same content)"}},
		{name: "same content sending or unknown: held",
			rows:    []Row{row(0, 2, "a", "", "甲"), row(1, 3, "b", "", "乙")},
			creates: []ledger.Create{rec(1, ledger.Sending, "a", "", "甲", "", L, 2, ""), rec(2, ledger.Unknown, "b", "", "乙", "", L, 3, "")},
			want:    []string{"hold #1 (same content)", "hold #2 (same content)"}},
		{name: "resend-unknown releases a same-content unknown",
			rows:    []Row{row(0, 2, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Unknown, "a", "", "甲", "", L, 2, "")},
			opts:    Options{ResendUnknown: true},
			want:    []string{"send #1 (same content) release"}},
		{name: "resend-unknown never resends a created customer",
			rows:    []Row{row(0, 2, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 2, "C1")},
			opts:    Options{ResendUnknown: true},
			want:    []string{"settled C1 #1 (same content)"}},
		{name: "refused and released records match nothing",
			rows:    []Row{row(0, 2, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Refused, "a", "", "甲", "", L, 2, ""), rec(2, ledger.Released, "a", "", "甲", "", L, 2, "")},
			want:    []string{"send"}},
		{name: "edited, same tax id: held naming the candidate code",
			rows:    []Row{row(0, 2, "a2", "04595257", "甲公司")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "04595257", "甲", "", L, 7, "C1")},
			want:    []string{"hold C1 #1 (same tax id)"}},
		{name: "edited, same name in full width and spaces: held",
			rows:    []Row{row(0, 5, "a2", "", "ＡＢＣ 商行")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "", "abc商行", "/x.csv", 1, "C1")},
			want:    []string{"hold C1 #1 (same name)"}},
		{name: "edited beyond recognition on the same row of an edited file: held",
			rows: []Row{row(0, 3, "k", "", "留"), row(1, 4, "z", "", "新名")},
			creates: []ledger.Create{rec(1, ledger.Created, "k", "", "留", "", L, 3, "C0"),
				rec(2, ledger.Created, "a", "", "舊名", "", L, 4, "C1")},
			want: []string{"settled C0 #1 (same content)", "hold C1 #2 (same row)"}},
		{name: "tonight's export of new customers under last night's name: all new",
			rows:    []Row{row(0, 2, "n1", "", "新一"), row(1, 3, "n2", "", "新二")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "舊一", "", L, 2, "C1"), rec(2, ledger.Created, "b", "", "舊二", "", L, 3, "C2")},
			want:    []string{"send", "send"}},
		{name: "last night's customers back under their codes take their records, not tonight's new rows",
			rows: []Row{coded(0, "C1", "a"), row(1, 3, "n", "", "新")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "舊", "", L, 2, "C1"),
				rec(2, ledger.Created, "b", "", "舊二", "", L, 3, "C2")},
			codes: map[string]ledger.Code{"C1": {CCODE: "C1", Fingerprint: "a"}},
			want:  []string{"settled C1 unchanged", "send"}},
		{name: "same row of another lineage is not a match",
			rows:    []Row{{Seq: 0, Line: 4, Fingerprint: "z", Name: "新名", Lineage: "/other.xlsx"}},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "舊名", "", L, 4, "C1")},
			want:    []string{"send"}},
		{name: "edited and moved: the name match takes the record, the new row on its old line is created",
			rows: []Row{
				row(0, 4, "new", "", "丙"),    // a genuinely new customer on the old line
				row(1, 9, "a-edit", "", "甲"), // the created customer, edited, moved down
			},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 4, "C1")},
			want:    []string{"send", "hold C1 #1 (same name)"}},
		{name: "a stronger match later in the file wins over a weaker one earlier",
			rows: []Row{
				row(0, 2, "b", "12345675", "乙"), // same tax id as the record, other content
				row(1, 3, "a", "12345675", "甲"), // the very content
			},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "12345675", "甲", "", L, 3, "C1")},
			want:    []string{"send", "settled C1 #1 (same content)"}},
		{name: "each record settles one row: two identical rows, one record",
			rows:    []Row{row(0, 2, "a", "", "甲"), row(1, 3, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 2, "C1")},
			want:    []string{"settled C1 #1 (same content)", "send"}},
		{name: "two identical rows, two records: both settled",
			rows: []Row{row(0, 2, "a", "", "甲"), row(1, 3, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 2, "C1"),
				rec(2, ledger.Created, "a", "", "甲", "", L, 3, "C2")},
			want: []string{"settled C1 #1 (same content)", "settled C2 #2 (same content)"}},
		{name: "a created record is preferred over an unknown one of the same content",
			rows: []Row{row(0, 2, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Unknown, "a", "", "甲", "", L, 2, ""),
				rec(2, ledger.Created, "a", "", "甲", "", L, 2, "C2")},
			want: []string{"settled C2 #2 (same content)"}},
		{name: "resend-unknown sends a look-alike without releasing the record",
			rows:    []Row{row(0, 2, "a2", "04595257", "甲")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "04595257", "甲", "", L, 2, "C1")},
			opts:    Options{ResendUnknown: true},
			want:    []string{"send #1 (same tax id)"}},
		{name: "code unchanged since TMS accepted it: settled",
			rows:  []Row{coded(0, "C1", "a")},
			codes: map[string]ledger.Code{"C1": {CCODE: "C1", Fingerprint: "a"}},
			want:  []string{"settled C1 unchanged"}},
		{name: "code with changed content: sent",
			rows:  []Row{coded(0, "C1", "b")},
			codes: map[string]ledger.Code{"C1": {CCODE: "C1", Fingerprint: "a"}},
			want:  []string{"send C1"}},
		{name: "code unknown to the ledger: sent",
			rows: []Row{coded(0, "C9", "a")},
			want: []string{"send C9"}},
		{name: "code whose last send got no answer: sent, maybe applied",
			rows:  []Row{coded(0, "C1", "a")},
			codes: map[string]ledger.Code{"C1": {CCODE: "C1", Fingerprint: "a", Pending: "b"}},
			want:  []string{"send C1 maybe-applied"}},
		{name: "resend-all sends unchanged codes",
			rows:  []Row{coded(0, "C1", "a")},
			codes: map[string]ledger.Code{"C1": {CCODE: "C1", Fingerprint: "a"}},
			opts:  Options{ResendAll: true},
			want:  []string{"send C1"}},
		{name: "a row with the created code takes its record: an identical blank row is another customer",
			rows:    []Row{coded(0, "C1", "a"), row(1, 3, "a", "", "甲")},
			creates: []ledger.Create{rec(1, ledger.Created, "a", "", "甲", "", L, 3, "C1")},
			want:    []string{"send C1", "send"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.rows, tt.creates, tt.codes, tt.opts)
			var lines []string
			for _, d := range got {
				lines = append(lines, verdict(d))
			}
			if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(lines, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestTouches(t *testing.T) {
	ix := NewIndex([]ledger.Create{rec(1, ledger.Created, "a", "04595257", "甲", "", "/l", 4, "C1")})
	tests := []struct {
		row  Row
		want bool
	}{
		{Row{Fingerprint: "a"}, true},
		{Row{Fingerprint: "x", TaxID: "04595257"}, true},
		{Row{Fingerprint: "x", Name: "甲"}, true},
		{Row{Fingerprint: "x", Lineage: "/l", Line: 4}, true},
		{Row{Fingerprint: "x", Lineage: "/l", Line: 5, Name: "乙"}, false},
	}
	for _, tt := range tests {
		if got := ix.Touches(tt.row); got != tt.want {
			t.Errorf("Touches(%+v) = %v, want %v", tt.row, got, tt.want)
		}
	}
}

func TestFingerprintIgnoresHowItIsSent(t *testing.T) {
	create := map[string]any{"CCODE": "", "AutoCCODE": "1", "EditItem": "0", "CNAM1": "甲", "CBELE": "0"}
	fedBack := map[string]any{"CCODE": "C1", "EditItem": "2", "CNAM1": "甲", "CBELE": "0"}
	edited := map[string]any{"CCODE": "C1", "EditItem": "2", "CNAM1": "甲", "CBELE": "10"}
	if Fingerprint(create) != Fingerprint(fedBack) {
		t.Error("a create and the same customer with its code differ")
	}
	if Fingerprint(fedBack) == Fingerprint(edited) {
		t.Error("an edit does not change the fingerprint")
	}
}

func TestNorm(t *testing.T) {
	for in, want := range map[string]string{"ＡＢＣ 商行": "abc商行", " 甲、乙 ": "甲乙", "": ""} {
		if got := NormName(in); got != want {
			t.Errorf("NormName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NormTaxID("０４５９５２５７ "); got != "04595257" {
		t.Errorf("NormTaxID = %q", got)
	}
}
