package validate

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/custimport/custimport/mapping"
)

// The fast paths give what the general code gives: each is checked against
// the code it stands in for.

// emailParsed is emailValid without its fast path.
func emailParsed(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func FuzzPlainEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", "wang.xm+tag@mail.example.com.tw", "a..b@x.com", ".a@x.com", "a.@x.com",
		"a@x", "a@.x.com", "a@x.com.", "a@x..com", "@x.com", "a@b@c.com", "a b@x.com", "王@x.com", "a@-x-.com", "a_b@x_y.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if plainEmail(s) && !emailParsed(s) {
			t.Fatalf("plainEmail(%q) is true, but net/mail refuses it", s)
		}
		if emailValid(s) != emailParsed(s) {
			t.Fatalf("emailValid(%q) = %v, want %v", s, emailValid(s), emailParsed(s))
		}
	})
}

func TestPlainEmail(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"a@example.com", true},
		{"wang.xm+tag@mail.example.com.tw", true},
		{"a..b@x.com", false},
		{"a@x", false},
		{"a@x..com", false},
		{"a b@x.com", false},
		{"\"a\"@x.com", false}, // left to net/mail
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := plainEmail(tt.in); got != tt.want {
				t.Errorf("plainEmail(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzDateFields(f *testing.F) {
	for _, s := range []string{"2024/05/01", "113.05.01", "2024-5-1", "//1//2/", "1.2", "a/b/c/d/e/f", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
		parts, n := dateFields(s)
		got := parts[:min(n, 4)]
		if n != len(want) || !slices.Equal(got, want[:min(n, 4)]) {
			t.Fatalf("dateFields(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestFormatDateAsSprintf(t *testing.T) {
	for _, y := range []int{0, 1, 9, 10, 99, 100, 999, 1000, 1912, 2024, 9999, 12345} {
		for _, md := range [][2]int{{1, 1}, {5, 9}, {12, 31}} {
			d := date{y, md[0], md[1]}
			for _, format := range []string{mapping.DateWestern, mapping.DateWesternDash, mapping.DateROC, mapping.DateROCDot} {
				got, ok := formatDate(d, format)
				var want string
				switch format {
				case mapping.DateWestern:
					want = fmt.Sprintf("%04d/%02d/%02d", y, md[0], md[1])
				case mapping.DateWesternDash:
					want = fmt.Sprintf("%04d-%02d-%02d", y, md[0], md[1])
				case mapping.DateROC, mapping.DateROCDot:
					sep := map[string]string{mapping.DateROC: "/", mapping.DateROCDot: "."}[format]
					if r := y - 1911; r >= 1 && r <= 999 {
						want = fmt.Sprintf("%03d%s%02d%s%02d", r, sep, md[0], sep, md[1])
					}
				}
				if got != want || ok != (want != "") {
					t.Errorf("formatDate(%v, %s) = %q %v, want %q", d, format, got, ok, want)
				}
			}
		}
	}
}

// Several Checkers of one Validator run at once (go test -race) and give
// what Validate gives one row at a time.
func TestCheckersConcurrent(t *testing.T) {
	rows := make([][]Value, 200)
	for i := range rows {
		rows[i] = rowOf("CCODE", fmt.Sprintf("%05d", i%150), "CNAM2", "小明", "CBELE", fmt.Sprint(i*10), "EMAIL", "a@x.com",
			"CBIRD", "1990/5/1", "CRDAT", "05", "VIPNO", fmt.Sprint(i))
	}
	want := make([]Outcome, len(rows))
	seq := mustNew(t, Config{})
	for i, r := range rows {
		want[i] = seq.Validate(i+2, r)
	}
	v := mustNew(t, Config{})
	checked := make([]Checked, len(rows))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			k := v.NewChecker()
			for i := w; i < len(rows); i += 4 {
				checked[i] = k.Check(rows[i])
			}
		})
	}
	wg.Wait()
	for i, ch := range checked {
		got := v.Remember(i+2, ch)
		if comparable(got) != comparable(want[i]) {
			t.Errorf("row %d:\n got %v\nwant %v", i+2, got, want[i])
		}
	}
	if n := len(want[len(want)-1].Problems); n == 0 {
		t.Error("the last row (a duplicate code) has no problem: the test checks nothing")
	}
}

// comparable prints an outcome without the fields' addresses, which
// differ between two validators.
func comparable(o Outcome) string {
	for i := range o.Problems {
		o.Problems[i].field = nil
	}
	return fmt.Sprint(o)
}

func FuzzMayBeLabel(f *testing.F) {
	for _, s := range []string{"合計", " 合 計 :", "ＴＯＴＡＬ 11", "Total", "共 11 筆", "製表人：王", "C0000001", "王小明", "　小計", "\t", "",
		"checkedby", "Ｃｈｅ", "su m", "總經理", "總額:", "經", "共", "共計", "gr", "sumx", "Reviewed"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !mayBeLabel(s) && labelOf(s) != notLabel {
			t.Fatalf("mayBeLabel(%q) is false, but it is a label", s)
		}
		if got, want := mayBeLabel(s), mayBeLabelMaps(s); got != want {
			t.Fatalf("mayBeLabel(%q) = %v, the prefix maps' %v", s, got, want)
		}
	})
}

// mayBeLabelMaps is mayBeLabel as it was, looking each prefix up in
// maps of the label words' prefixes and of the short words: what the
// lookup by first character must agree with.
func mayBeLabelMaps(text string) bool {
	prefixes, short := map[string]bool{}, map[string]bool{}
	for _, w := range labelWords {
		n := 0
		for i := range w {
			if n++; n > 3 {
				break
			}
			_, size := utf8.DecodeRuneInString(w[i:])
			prefixes[w[:i+size]] = true
		}
		if utf8.RuneCountInString(w) <= 3 {
			short[w] = true
		}
	}
	var buf [16]byte
	b, n := buf[:0], 0
	for _, r := range text {
		if unicode.IsSpace(r) {
			continue
		}
		if r >= utf8.RuneSelf {
			if w := width.LookupRune(r).Narrow(); w != 0 {
				r = w
			}
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
		switch {
		case !prefixes[string(b)]:
			return false
		case short[string(b)]:
			return true
		}
		if n++; n == 3 {
			break
		}
	}
	return n > 0
}

// A Checker reused row after row gives what a fresh one gives each row:
// nothing of a row (its cells, its blank cells, its conflicts) is left
// for the next, whose fields differ.
func TestCheckerReused(t *testing.T) {
	rows := [][]Value{
		rowOf("CCODE", "A1", "CNAM1", "甲公司", "CTCOD", "1234567", "CBELE", "", "CBIRD", "1990/5/1", "CBIRD", "1990/5/2"),
		rowOf("CNAM2", "乙", "CBELE", "100"),
		rowOf("CCODE", "", "CNAM1", "丙", "EMAIL", "x@", "CTELE", "912345678"),
		rowOf("CCODE", "B2", "CBELE", "", "CTCOD", "04595257"),
		rowOf("CCODE", "B3"),
		rowOf("CCODE", "B4", "CNAM1", "丁", "CNAM1", "戊", "VIPNO", "7", "CRDAT", "月底"),
		rowOf("CNAM1", ""),
	}
	for _, cfg := range []Config{{}, {Mode: ModeCreate}, {Mode: ModeUpdate}} {
		v := mustNew(t, cfg)
		reused := v.NewChecker()
		for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {0, 4, 0, 6, 3, 3, 5, 1}} {
			for _, i := range order {
				got, want := reused.Check(rows[i]).o, v.NewChecker().Check(rows[i]).o
				if comparable(got) != comparable(want) {
					t.Errorf("%+v, row %d after others:\n got %v\nwant %v", cfg, i, got, want)
				}
			}
		}
	}
}

// trim's quick look at the ends gives what trimming every end rune gives.
func FuzzTrim(f *testing.F) {
	for _, s := range []string{"", "a", " a ", "王小明", "\u3000王\u3000", "王\u00a0", "\u0085x", "x\u200b", "\ufeffx", "\u2028", "\u205f王",
		"\xe2", "王\xe2\x80", "\x80\x80\x80\x80", "é", "\xc2", "a\xc2\xa0", "\u1680", "\u202f", "\t\n", "ｘ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trim(s), strings.TrimFunc(s, isTrimmed); got != want {
			t.Fatalf("trim(%q) = %q, want %q", s, got, want)
		}
	})
}

// Every rune trim drops starts with a byte spaceLead marks (or is ASCII),
// so the quick look misses none.
func TestSpaceLead(t *testing.T) {
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if isTrimmed(r) && !spaceLead[string(r)[0]] {
			t.Errorf("%U is trimmed, but its first byte %#x is not in spaceLead", r, string(r)[0])
		}
	}
}

// date.valid is the calendar time.Date keeps.
func TestDateValid(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999, 10000} {
		for m := -1; m <= 14; m++ {
			for d := -1; d <= 33; d++ {
				want := y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1
				if want {
					tm := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
					want = tm.Day() == d && int(tm.Month()) == m
				}
				if got := (date{y, m, d}).valid(); got != want {
					t.Errorf("date{%d, %d, %d}.valid() = %v, want %v", y, m, d, got, want)
				}
			}
		}
	}
}

// FuzzDateTen checks the fast path of a ten-byte date with one separator
// (2024/05/01) against the eight digits of the same date (20240501),
// which another case reads, and against the date with its separators
// mixed (2024/05-01), which the case of separators reads.
func FuzzDateTen(f *testing.F) {
	f.Add(uint16(2024), uint8(5), uint8(1), byte('/'))
	f.Add(uint16(2024), uint8(13), uint8(1), byte('-'))
	f.Add(uint16(1899), uint8(2), uint8(30), byte('.'))
	f.Add(uint16(0), uint8(0), uint8(0), byte('/'))
	f.Fuzz(func(t *testing.T, y uint16, m, d uint8, sep byte) {
		if sep != '/' && sep != '-' && sep != '.' {
			sep = "/-."[sep%3]
		}
		ys, ms, ds := fmt.Sprintf("%04d", y%10000), fmt.Sprintf("%02d", m%100), fmt.Sprintf("%02d", d%100)
		ten := ys + string(sep) + ms + string(sep) + ds
		got, res := parseDate(ten)
		want, wantRes := parseDate(ys + ms + ds)
		if got != want || res != wantRes {
			t.Errorf("%q = %v, %v; %q = %v, %v", ten, got, res, ys+ms+ds, want, wantRes)
		}
		other := byte('/')
		if sep == '/' {
			other = '-'
		}
		mixed := ys + string(sep) + ms + string(other) + ds
		if got2, res2 := parseDate(mixed); got2 != got || res2 != res {
			t.Errorf("%q = %v, %v; %q = %v, %v", ten, got, res, mixed, got2, res2)
		}
	})
}

// CheckInto a Checked that holds another row's gives what Check gives:
// it overwrites all of it (a pipeline's row is checked into its item).
func TestCheckIntoOverwrites(t *testing.T) {
	rows := [][]Value{
		rowOf("CCODE", "A1", "CNAM1", "甲公司", "CTCOD", "1234567", "CBIRD", "1990/5/1", "CBIRD", "1990/5/2"),
		rowOf("CCODE", "0012", "CNAM1", "乙"),
		rowOf("CNAM1", "丙", "EMAIL", "x@"),
	}
	v := mustNew(t, Config{})
	k := v.NewChecker()
	var into Checked
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2, 1}} {
		for _, i := range order {
			k.CheckInto(rows[i], &into)
			want := v.NewChecker().Check(rows[i])
			if fmt.Sprintf("%v %v %v", comparable(into.o), into.code, into.zeros) != fmt.Sprintf("%v %v %v", comparable(want.o), want.code, want.zeros) {
				t.Errorf("row %d: CheckInto gave\n%+v\nCheck gave\n%+v", i, into, want)
			}
		}
	}
}
