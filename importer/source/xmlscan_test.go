package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// Parts of the workbooks FuzzXLSXScanner builds around a fuzzed sheet.
const (
	scanSST = `<si><t>plain</t></si>` +
		`<si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r></si>` +
		`<si><t>王</t><rPh sb="0" eb="1"><t>ㄨㄤˊ</t></rPh></si>` +
		`<si><t>line_x000D_break</t></si>` +
		`<si><t>0912345678</t></si>` +
		`<si><t>` + "0123456789012345678901234567890123456789012345678901234567890123456789" + `</t></si>`
	scanStyles = `<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/><numFmt numFmtId="165" formatCode="0000000000"/></numFmts>` +
		`<cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="22"/>` +
		`<xf numFmtId="20"/><xf numFmtId="165"/><xf numFmtId="10"/><xf numFmtId="4"/></cellXfs>`
	scanMaxCell = 64
)

// scanBook returns a workbook whose sheet part is sheet.
func scanBook(t testing.TB, sheet []byte) []byte {
	parts := handmade("", "", scanSST, scanStyles)
	parts[4][1] = string(sheet)
	return zipBytes(t, parts...)
}

// scanResult is what a reader gave for a sheet: its records and how it
// ended.
type scanResult struct {
	recs []Record
	end  string
}

// endClass describes how reading ended: io.EOF, or the class, line and
// column of the error.
func endClass(err error) string {
	if err == io.EOF {
		return "EOF"
	}
	class := "other"
	switch {
	case errors.Is(err, ErrCellTooLarge):
		class = "too large"
	case errors.Is(err, ErrCorrupt):
		class = "corrupt"
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		return class + " (not a ParseError)"
	}
	return fmt.Sprintf("%s at line %d column %d", class, pe.Line, pe.Column)
}

// scanRead reads the sheet of book with the reference reader (ref), or with
// XLSXReader using a read buffer of bufSize bytes (0: the default) and, if
// oneByte, a reader that gives one byte per read.
func scanRead(t testing.TB, book []byte, ref bool, bufSize int, oneByte bool) scanResult {
	r, err := openXLSXAt("fuzz.xlsx", bytes.NewReader(book), int64(len(book)), Options{MaxCellBytes: scanMaxCell, MaxBytes: 8 << 20})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer r.Close()
	var rd Reader = r
	if ref {
		rr, err := newRefReader(r)
		must(t, err)
		defer rr.Close()
		rd = rr
	} else {
		if bufSize > 0 {
			r.xs.buf = make([]byte, bufSize)
		}
		if oneByte {
			r.xs.rd = iotest.OneByteReader(r.xs.rd)
		}
	}
	var res scanResult
	for range 1 << 20 {
		rec, err := rd.Read()
		if err != nil {
			res.end = endClass(err)
			if _, err2 := rd.Read(); err2 != err && err2.Error() != err.Error() {
				t.Errorf("error not sticky: %v, then %v", err, err2)
			}
			return res
		}
		res.recs = append(res.recs, rec)
	}
	t.Fatal("too many records")
	return res
}

// scanCompare checks that XLSXReader reads sheet as the reference does.
func scanCompare(t *testing.T, sheet []byte, bufSize int, oneByte bool) {
	book := scanBook(t, sheet)
	want := scanRead(t, book, true, 0, false)
	for _, size := range []int{0, bufSize} {
		got := scanRead(t, book, false, size, oneByte)
		if got.end != want.end {
			t.Fatalf("buffer %d: reading ended with %s, the reference with %s\nsheet %q", size, got.end, want.end, sheet)
		}
		if !reflect.DeepEqual(got.recs, want.recs) {
			t.Fatalf("buffer %d: got records\n%#v\nthe reference\n%#v\nsheet %q", size, got.recs, want.recs, sheet)
		}
	}
}

// sheetPart wraps sheet data in a worksheet part.
func sheetPart(data string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<worksheet " + nsMain + "><sheetData>" + data + "</sheetData></worksheet>"
}

// scanCases are hand-written sheets for FuzzXLSXScanner's seeds and
// TestXLSXScannerCases: what real files hold, and what the XML syntax
// allows or forbids.
var scanCases = map[string]string{
	"prefixes": `<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>` +
		`<x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
	"attributes": sheetPart(`<row hidden='1' r = '2' ><c t='s' s="1" r='B2'><v>0</v></c><c s='1' r="C2"><v>45000</v></c></row>` +
		"<row\tr=\"3\"\nhidden=\"true\"><c\r\nr=\"A3\"t=\"str\"><v>x</v></c></row><row r=\"4\" hidden=\"0\"><c r=\"A4\" r=\"B4\"><v>1</v></c></row>"),
	"entities": sheetPart(`<row r="1"><c r="A1" t="inlineStr"><is><t>&amp;&lt;&gt;&quot;&apos;&#x41;&#65;&#x4e2d;&#0000000066;&#xFFFD;&#xD800;</t></is></c>` +
		`<c r="&#66;1" t="&#115;"><v>&#49;</v></c><c r="C1" t="inlineStr"><is><t>&#13;&#10;&#9;</t></is></c></row>`),
	"cdata": sheetPart(`<row><c t="str"><v><![CDATA[a<b>&amp;]]></v></c><c t="str"><v>x<![CDATA[]]]]><![CDATA[>]]>y</v></c>` +
		`<c t="inlineStr"><is><t><![CDATA[]]></t></is></c><c><v><![CDATA[12]]></v></c></row>`),
	"comments and PIs": sheetPart(`<!-- top --><?pi x?><row><!-- c --><?pi x?><c><!----><v>1<!--x-->2<?y?></v></c><!DOCTYPE x [<!ENTITY a "b>">]></row>`),
	"self-closing":     sheetPart(`<row r="1"/><row r="2"><c r="A2"/><c r="B2"><v/></c><c r="C2" t="inlineStr"><is/></c><c r="D2" t="s"><v>2</v></c></row>`),
	"formulas": sheetPart(`<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"</f></c><c r="C1"><f t="shared" si="0"/></c>` +
		`<c r="D1" t="inlineStr"><f>x</f><is><t>in</t></is></c><c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row><row r="2"><c r="A2"><f>A1</f></c></row>`),
	"rich text": sheetPart(`<row><c t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve"> a </t></r><r><t>b<x>c</x>d</t></r>` +
		`<rPh sb="0"><t>x</t></rPh><phoneticPr fontId="1"/><t>e<t>f</t>g</t></is></c></row>`),
	"types and styles": sheetPart(`<row r="5"><c t="b"><v>1</v></c><c t="b"><v> false </v></c><c t="b"><v>x</v></c><c t="e"><v>#N/A</v></c>` +
		`<c t="d" s="3"><v>2024-02-29T13:45:10Z</v></c><c t="d" s="4"><v>2024-02-29T13:45:10</v></c><c t="d"><v>2024-02-29</v></c><c t="d"><v>bad</v></c>` +
		`<c t="n" s="1"><v>45000</v></c><c s="2"><v>45000.5</v></c><c s="3"><v>45000.75</v></c><c s="4"><v>0.5</v></c><c s="5"><v>933555666</v></c>` +
		`<c s="6"><v>0.05</v></c><c s="7"><v>1234.5</v></c><c><v>1e20</v></c><c><v>-2.5</v></c><c><v> 12 </v></c><c><v>007</v></c><c><v>0</v></c>` +
		`<c s="9"><v>12</v></c><c s="x"><v>12</v></c><c s="-0"><v>12</v></c><c s="+1"><v>45000</v></c><c s="1"><v>99999999</v></c><c s="1"><v>-1</v></c>` +
		`<c s="5"><v>0</v></c><c s="5"><v>12345678901</v></c><c><v>123456789012345</v></c><c><v>1234567890123456</v></c><c><v>abc</v></c><c t="zz"><v>7</v></c></row>`),
	"shared strings": sheetPart(`<row><c t="s"><v>0</v></c><c t="s"><v> 1 </v></c><c t="s"><v>+2</v></c><c t="s"><v>-0</v></c><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="s"><v></v></c></row>` +
		`<row><c t="s"><v>5</v></c></row>`),
	"bad shared string":    sheetPart(`<row r="1"><c t="s"><v>1</v></c></row><row r="3"><c r="B3" t="s"><v>99</v></c></row>`),
	"negative shared text": sheetPart(`<row r="2"><c r="C2" t="s"><v>-1</v></c></row>`),
	"no r attributes":      sheetPart(`<row><c t="s"><v>0</v></c><c><v>1</v></c></row><row><c/><c><v>2</v></c></row><row r="7"><c r="C7"><v>3</v></c><c><v>4</v></c></row><row><c><v>5</v></c></row>`),
	"unknown elements": sheetPart(`<row><extLst><c r="A1"><v>9</v></c><row/></extLst><c><v>1</v><foo><v>2</v></foo></c><x:c xmlns:x="u"><x:v>3</x:v></x:c></row>` +
		`<foo><row r="9"><c><v>1</v></c></row></foo>`),
	"white space":         sheetPart("\n  <row r=\"1\">\n    <c r=\"A1\" t=\"inlineStr\">\n <is><t>a\r\nb\rc\nd\r</t></is>\n</c> <c><v>\t1\t</v></c>\n  </row>\r\n"),
	"x escapes":           sheetPart(`<row><c t="inlineStr"><is><t>a_x000D_b_x0041__x00zz_</t></is></c><c t="str"><v>_x005F_x0041_</v></c><c t="e"><v>_x0023_</v></c></row>`),
	"hidden and blank":    sheetPart(`<row r="1" hidden="1"><c><v> </v></c></row><row r="2" hidden="1"><c t="inlineStr"><is><t>  </t></is></c><c><v>1</v></c></row>`),
	"after sheetData":     sheetPart(`<row><c><v>1</v></c></row>`) + `<bad<<&&`,
	"row outside data":    `<worksheet><row r="2"><c><v>1</v></c></row><sheetData><row><c><v>2</v></c></row></sheetData></worksheet>`,
	"too large inline":    sheetPart(`<row r="7"><c r="C7" t="inlineStr"><is><t>` + strings.Repeat("x", scanMaxCell) + `</t><t>y</t></is></c></row>`),
	"too large cdata":     sheetPart(`<row r="7"><c r="C7"><v><![CDATA[` + strings.Repeat("x", scanMaxCell) + `]]><![CDATA[]]><![CDATA[y]]></v></c></row>`),
	"just fits cdata":     sheetPart(`<row r="7"><c r="C7" t="str"><v><![CDATA[` + strings.Repeat("x", scanMaxCell-2) + `]]]]></v></c></row>`),
	"too large entity":    sheetPart(`<row r="7"><c r="C7" t="str"><v>` + strings.Repeat("x", scanMaxCell-1) + `&#x4e2d;</v></c></row>`),
	"too long sst":        sheetPart(`<row r="7"><c r="C7" t="s"><v>5</v></c></row>`),
	"too large then bad":  sheetPart(`<row r="7"><c r="C7" t="str"><v>` + strings.Repeat("x", scanMaxCell+1) + "\xff</v></c></row>"),
	"long ignored text":   sheetPart(`<row r="7"><c r="C7" t="str"><f>` + strings.Repeat("x", 3*scanMaxCell) + `</f><v>1</v></c></row>`),
	"bad row number":      sheetPart(`<row r="1"><c><v>1</v></c></row><row r="0"><c><v>1</v></c></row>`),
	"huge row number":     sheetPart(`<row r="1048577"><c><v>1</v></c></row>`),
	"padded row number":   sheetPart(`<row r="+0000000000000000000000000000003"><c><v>1</v></c></row><row r="-0"><c><v>1</v></c></row>`),
	"bad cell reference":  sheetPart(`<row r="4"><c r="11"><v>1</v></c></row>`),
	"column beyond":       sheetPart(`<row r="4"><c r="XFD4"><v>1</v></c><c><v>2</v></c></row>`),
	"column way beyond":   sheetPart(`<row r="4"><c r="ZZZZ4"><v>1</v></c></row>`),
	"invalid UTF-8":       sheetPart("<row r=\"2\"><c t=\"str\"><v>a\xe4\xb8b</v></c></row>"),
	"cut UTF-8 at end":    sheetPart(`<row><c><v>1</v></c></row>`) + "\xe4\xb8",
	"U+FFFE":              sheetPart("<row r=\"2\"><c t=\"str\"><v>a\uFFFD\xef\xbf\xbe</v></c></row>"),
	"U+FFFF in attr":      sheetPart("<row r=\"2\" x=\"\xef\xbf\xbf\"><c><v>1</v></c></row>"),
	"NUL entity":          sheetPart(`<row r="2"><c><v>&#0;</v></c></row>`),
	"control byte":        sheetPart("<row r=\"2\"><c><v>\x01</v></c></row>"),
	"unknown entity":      sheetPart(`<row r="2"><c t="str"><v>&nbsp;</v></c></row>`),
	"entity without ;":    sheetPart(`<row r="2"><c t="str"><v>&amp x</v></c></row>`),
	"big char entity":     sheetPart(`<row r="2"><c t="str"><v>&#x110000;</v></c></row>`),
	"empty char entity":   sheetPart(`<row r="2"><c t="str"><v>&#;&#x;</v></c></row>`),
	"unquoted attribute":  sheetPart(`<row r=2><c><v>1</v></c></row>`),
	"attribute without =": sheetPart(`<row r><c><v>1</v></c></row>`),
	"two colons":          sheetPart(`<row><a:b:c/><c><v>1</v></c></row>`),
	"two colons in attr":  sheetPart(`<row a:b:c="1"><c><v>1</v></c></row>`),
	"colon edges":         sheetPart(`<row><:c><:v>1</:v></:c><c:><v>2</v></c:><c :x="1" x:="2"><v>3</v></c></row>`),
	"non-ASCII names":     sheetPart(`<row r="1"><名 屬="1"/><c r="A1" é="2"><v>1</v></c><c><v>2</v><·/></c></row>`),
	"bad non-ASCII name":  sheetPart(`<row r="1"><c><v>1</v></c><·x/></row>`),
	"digit name":          sheetPart(`<row r="1"><c><v>1</v></c><1x/></row>`),
	"unclosed comment":    sheetPart(`<row><c><v>1</v></c></row><!-- x`),
	"double dash comment": sheetPart(`<row r="1"><c><v>1</v></c><!-- a -- b --></row>`),
	"short comment":       sheetPart(`<row r="1"><c><v>1</v></c><!--->--></row>`),
	"bad bang":            sheetPart(`<row r="1"><c><v>1</v></c><!-x></row>`),
	"bad CDATA start":     sheetPart(`<row r="1"><c><v><![CDAT[1]]></v></c></row>`),
	"EOF in CDATA":        sheetPart(`<row r="1"><c><v><![CDATA[1`),
	"EOF mid row":         `<worksheet><sheetData><row r="3"><c r="A3"><v>1</v></c>`,
	"EOF mid tag":         `<worksheet><sheetData><row r="3"><c r="A3"`,
	"EOF mid attribute":   `<worksheet><sheetData><row r="3`,
	"EOF in name":         `<worksheet><sheetData><row r="3"><c r="A3"><v>1</v`,
	"EOF after end":       `<worksheet><sheetData><row r="3"><c r="A3"><v>1</v></c></row>`,
	"text at EOF":         `<worksheet><sheetData><row r="3"><c r="A3"><v>1</v></c></row>abc`,
	"entity at EOF":       `<worksheet><sheetData><row r="3"><c r="A3"><v>1</v></c></row>&am`,
	"]]> in text":         sheetPart(`<row r="1"><c t="str"><v>a]]>b</v></c></row>`),
	"]]> in attribute":    sheetPart(`<row r="1" x="]]>"><c t="str"><v>a]]&gt;b]>]x]]</v></c></row>`),
	"< in attribute":      sheetPart(`<row r="1" x="a<b"><c><v>1</v></c></row>`),
	"tag spacing":         sheetPart(`<row r="1" ><c r="A1" /><c r="B1"><v>1</v ></c ></row >`),
	"bad end tag":         sheetPart(`<row r="1"><c><v>1</v x></c></row>`),
	"bad self-close":      sheetPart(`<row r="1"><c/ ></row>`),
	"no name":             sheetPart(`<row r="1">< c/></row>`),
	"end without name":    sheetPart(`<row r="1"></ ></row>`),
	"mismatched tags":     sheetPart(`<row r="1"><c r="A1"><v>1</c></row><row r="2"><c><v>2</v></c></row>`),
	"stray end tags":      sheetPart(`<row r="1"></x><c><v>1</v></c></y></row><row r="2"><c><v>2</v></c></row>`),
	"xml declaration":     `<?xml version="1.0" encoding='utf-8' standalone="yes"?><worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
	"xml version 1.1":     `<?xml version="1.1"?><worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
	"xml latin1":          `<worksheet><sheetData><row><c><v>1</v></c></row><?xml encoding="latin1"?><row><c><v>2</v></c></row></sheetData></worksheet>`,
	"PI without target":   sheetPart(`<row><c><v>1</v></c></row><? x?>`),
	"doctype":             `<!DOCTYPE worksheet [<!ELEMENT x (#PCDATA)><!-- a > b --><!ATTLIST x y CDATA "<'>">]><worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
	"odd directives":      `<!>x><!"><!<><worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
	"entity in name":      sheetPart(`<row r="1"><c><v>&a&#x31;;</v></c></row>`),
	"chinese text":        sheetPart(`<row r="1"><c t="inlineStr"><is><t>台北市信義區市府路１號，備註</t></is></c><c t="inlineStr"><is><t>客戶😀</t></is></c></row>`),
}

func TestXLSXScannerCases(t *testing.T) {
	for name, sheet := range scanCases {
		t.Run(name, func(t *testing.T) {
			for _, size := range []int{4, 5, 7, 64} {
				scanCompare(t, []byte(sheet), size, size == 5)
			}
		})
	}
}

// TestXLSXScannerExpected pins some of what both readers give.
func TestXLSXScannerExpected(t *testing.T) {
	tests := []struct {
		name string
		want []Record
		end  string
	}{
		{"entities", []Record{rec(1, "&<>\"'AA中B\uFFFD\uFFFD", "rich text", "\r\n\t")}, "EOF"},
		{"cdata", []Record{rec(1, "a<b>&amp;", "x]]>y", "", "12")}, "EOF"},
		{"prefixes", []Record{rec(1, "a", "rich text")}, "EOF"},
		{"white space", []Record{rec(1, "a\nb\nc\nd\n", "1")}, "EOF"},
		{"too large then bad", nil, "corrupt at line 7 column 0"},
		{"too large cdata", nil, "too large at line 7 column 3"},
		{"mismatched tags", nil, "corrupt at line 1 column 0"},
		{"bad row number", []Record{rec(1, "1")}, "corrupt at line 2 column 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scanRead(t, scanBook(t, []byte(scanCases[tc.name])), false, 0, false)
			if got.end != tc.end {
				t.Errorf("ended with %s, want %s", got.end, tc.end)
			}
			checkRecords(t, got.recs, tc.want)
		})
	}
}

// scanSeeds returns the sheets of the workbooks in testdata/sheets and of
// one written by excelize, cut after their third row (the fuzzer minimizes
// big inputs slowly).
func scanSeeds(t testing.TB) [][]byte {
	paths, err := filepath.Glob("testdata/sheets/*.xml")
	must(t, err)
	var seeds [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		must(t, err)
		seeds = append(seeds, b)
	}
	book, err := os.ReadFile(valuesBook(t, t.TempDir()))
	must(t, err)
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	must(t, err)
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			rc, err := zf.Open()
			must(t, err)
			b, err := io.ReadAll(rc)
			must(t, err)
			seeds = append(seeds, b)
		}
	}
	for i, s := range seeds {
		if n := nthIndex(s, []byte("</row>"), 3); n >= 0 {
			seeds[i] = append(s[:n:n], "</sheetData></worksheet>"...)
		}
	}
	return seeds
}

// nthIndex returns the index just past the nth sep in s, or -1.
func nthIndex(s, sep []byte, n int) int {
	at := 0
	for range n {
		i := bytes.Index(s[at:], sep)
		if i < 0 {
			return -1
		}
		at += i + len(sep)
	}
	return at
}

// FuzzXLSXScanner checks that XLSXReader reads any sheet as the reference
// reader built on encoding/xml does: the same records, and the same error
// (class, line and column) or none. Small read buffers and one-byte reads
// exercise tokens cut by the buffer's end.
func FuzzXLSXScanner(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s, uint8(0))
	}
	i := uint8(0)
	for _, s := range scanCases {
		f.Add([]byte(s), i)
		i += 7
	}
	f.Fuzz(func(t *testing.T, sheet []byte, mode uint8) {
		scanCompare(t, sheet, 4+int(mode%64), mode >= 128)
	})
}
