//go:build unix

package main

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{2.5}, 2.5},
		{"odd, unsorted", []float64{3, 1, 2}, 2},
		{"odd, an outlier", []float64{0.9, 50, 1.1}, 1.1},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.in...)
			if got := median(in); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("median reordered its input: %v, was %v", in, tt.in)
				}
			}
		})
	}
}

func TestRatios(t *testing.T) {
	s := time.Second
	tests := []struct {
		name       string
		peer, ours []time.Duration
		want       []float64
		median     float64
	}{
		{"pairs in order", []time.Duration{2 * s, 3 * s, 4 * s}, []time.Duration{4 * s, 3 * s, 1 * s}, []float64{0.5, 1, 4}, 1},
		{"the median of the ratios, not the ratio of the medians", []time.Duration{1 * s, 10 * s, 10 * s}, []time.Duration{1 * s, 1 * s, 100 * s}, []float64{1, 10, 0.1}, 1},
		{"an unpaired run is left out", []time.Duration{2 * s, 2 * s}, []time.Duration{1 * s}, []float64{2}, 2},
		{"a zero time is left out", []time.Duration{2 * s, 2 * s}, []time.Duration{0, 4 * s}, []float64{0.5}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ratios(tt.peer, tt.ours)
			if len(got) != len(tt.want) {
				t.Fatalf("ratios = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("ratios = %v, want %v", got, tt.want)
				}
			}
			if m := median(got); m != tt.median {
				t.Errorf("median = %v, want %v", m, tt.median)
			}
		})
	}
}

func TestGoals(t *testing.T) {
	tests := []struct {
		name string
		got  verdict
		want verdict
	}{
		{"ratio above the goal", atLeast(0.96, 0.95), met},
		{"ratio at the goal", atLeast(3, 3), met},
		{"ratio under the goal", atLeast(0.07, 0.5), missed},
		{"memory under the limit", below(99.9, 100), met},
		{"memory at the limit", below(100, 100), missed},
		{"memory over the limit", below(144, 100), missed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// withCPU gives runs their CPU times.
func withCPU(ps []proc, cpu ...time.Duration) []proc {
	for i := range ps {
		ps[i].cpu = cpu[i]
	}
	return ps
}

func TestCompared(t *testing.T) {
	s := time.Second
	runs := func(ds ...time.Duration) []proc {
		var ps []proc
		for _, d := range ds {
			ps = append(ps, proc{wall: d})
		}
		return ps
	}
	tests := []struct {
		name        string
		peers, ours []proc
		want        line
	}{
		{"no peer: not judged", nil, runs(2*s, 2*s, 2*s), line{now: "500 rows/s (2.00 s)", peer: "no peer", goal: "≥ 3×", verdict: skipped}},
		{"goal met", runs(6*s, 7*s, 6*s), runs(2*s, 2*s, 3*s), line{now: "500 rows/s (2.00 s)", peer: "p 167 rows/s (6.00 s)", ratio: "3.00×", goal: "≥ 3×", verdict: met}},
		{"goal missed", runs(1*s, 1*s, 1*s), runs(2*s, 2*s, 2*s), line{now: "500 rows/s (2.00 s)", peer: "p 1,000 rows/s (1.00 s)", ratio: "0.50×", goal: "≥ 3×", verdict: missed}},
		{"CPU time shown, wall time judged", withCPU(runs(2*s, 2*s, 2*s), 1*s, 1*s, 1*s), withCPU(runs(1*s, 1*s, 1*s), 3*s, 4*s, 2*s),
			line{now: "1,000 rows/s (1.00 s), 3.00 s CPU", peer: "p 500 rows/s (2.00 s), 1.00 s CPU", ratio: "2.00× (CPU 0.33×)", goal: "≥ 3×", verdict: missed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.work = "w"
			if got := compared("w", 1000, "p", tt.peers, tt.ours, 3, "≥ 3×"); got != tt.want {
				t.Errorf("compared =\n%+v, want\n%+v", got, tt.want)
			}
		})
	}
}

func TestLineString(t *testing.T) {
	tests := []struct {
		name string
		in   line
		want string
	}{
		{"every cell", line{"check", "1 rows/s", "p 2 rows/s", "2.00×", "≥ 3×", missed}, "| check | 1 rows/s | p 2 rows/s | 2.00× | ≥ 3× | MISSED |"},
		{"empty cells are dashes", line{work: "rss", now: "9.0 MB", goal: "< 100 MB"}, "| rss | 9.0 MB | — | — | < 100 MB | ok |"},
		{"a | cannot break the row", line{work: "a|b", verdict: skipped}, `| a\|b | — | — | — | — | skipped |`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	writeTable(&b, "CPU X, 2 cores", []line{{work: "a", verdict: met}, {work: "b", verdict: missed}}, []string{"no peer"})
	want := "custimport speed benchmark — CPU X, 2 cores\n\n" + header +
		"| a | — | — | — | — | ok |\n| b | — | — | — | — | MISSED |\n\n- no peer\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if n := missedCount([]line{{verdict: met}, {verdict: missed}, {verdict: skipped}, {verdict: missed}}); n != 2 {
		t.Errorf("missedCount = %d, want 2 (skipped lines are not missed)", n)
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(1234567), "1,234,567"},
		{thousands(-1234), "-1,234"},
		{megabytes(144 << 20), "144.0 MB"},
		{ratioText(0.0712), "0.07×"},
		{rate(1_000_000, []time.Duration{20 * time.Second, 17 * time.Second, 18 * time.Second}), "55,556 rows/s (18.00 s)"},
		{rate(10, nil), "—"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestGeneratedIDs checks the generated 統一編號 and 身分證字號 against the
// published checksums, computed here independently: a wrong one would make
// rows INVALID and the benchmark would time the error path.
func TestGeneratedIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		if ban := banWithChecksum(r); !banOK(ban) {
			t.Fatalf("統一編號 %s fails the checksum", ban)
		}
		if id := nationalID(r); !idOK(id) {
			t.Fatalf("身分證字號 %s fails the checksum", id)
		}
	}
	if banOK("12345678") || idOK("A123456788") {
		t.Fatal("the test's checksums accept wrong numbers")
	}
}

func banOK(s string) bool {
	w := []int{1, 2, 1, 2, 1, 2, 4, 1}
	sum := 0
	for i := range 8 {
		p := int(s[i]-'0') * w[i]
		sum += p/10 + p%10
	}
	return len(s) == 8 && sum%5 == 0
}

func idOK(s string) bool {
	n := strings.IndexByte("ABCDEFGHJKLMNPQRSTUVXYWZIO", s[0]) + 10
	sum := n/10 + n%10*9
	for i, w := range []int{8, 7, 6, 5, 4, 3, 2, 1, 1} {
		sum += int(s[i+1]-'0') * w
	}
	return len(s) == 10 && (s[1] == '1' || s[1] == '2') && sum%10 == 0
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-only", "nope"}, {"-scale", "0"}, {"-nope"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errb strings.Builder
			if code := Main(args, &out, &errb); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

// TestSmoke runs every row on a thousandth of the rows: the program must
// build the binary, generate the files, run the peers and drive the
// simulator, and every row must be VALID or OK (checked inside). Speed is
// not judged here (too few rows; tests are not the place for it).
func TestSmoke(t *testing.T) {
	clitest.RequireProcessTests(t)
	var out, errb strings.Builder
	code := Main([]string{"-scale", "0.001"}, &out, &errb)
	if code == 2 {
		t.Fatalf("exit 2:\n%s%s", out.String(), errb.String())
	}
	for _, want := range []string{"| `check` of a 1,000 × 10 CSV", "| `check` of that CSV: peak RSS", "| `check` of a 100 × 20 XLSX",
		"| import of 4 rows (a third auto-numbered creates), 8 workers", "| import of 1,000 rows (8 workers"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no line %q:\n%s", want, out.String())
		}
	}
}

// TestSendRows checks the send row's file and the bare client's requests
// row by row: every third row (from the first) has no code and is sent as
// an auto-numbered create, the others as upserts of their code.
func TestSendRows(t *testing.T) {
	const n = 9
	path := filepath.Join(t.TempDir(), "send.csv")
	if err := writeSendCSV(path, n); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != n+1 {
		t.Fatalf("%d records, %v; want a header and %d rows", len(recs), err, n)
	}
	var payloads []tms.Main
	sendCustomers(n, func(_ int, c customer) error { payloads = append(payloads, sendPayload(c)); return nil })
	for i, p := range payloads {
		t.Run(fmt.Sprint("row ", i+1), func(t *testing.T) {
			code := recs[i+1][0]
			create := i%3 == 0
			if (code == "") != create {
				t.Fatalf("code %q, want a create: %t", code, create)
			}
			want := map[string]string{"CCODE": code, "EditItem": "2", "AutoCCODE": ""}
			if create {
				want = map[string]string{"CCODE": "", "EditItem": "0", "AutoCCODE": "1"}
			}
			for k, v := range want {
				got := ""
				if x, ok := p[k]; ok {
					got = fmt.Sprint(x)
				}
				if got != v {
					t.Errorf("payload %s = %q, want %q", k, got, v)
				}
			}
			if p["CNAM1"] != recs[i+1][1] {
				t.Errorf("payload CNAM1 = %v, the file's name %q", p["CNAM1"], recs[i+1][1])
			}
		})
	}
}
