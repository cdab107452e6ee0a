package source

import (
	"archive/zip"
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

// readAllRecords reads every record of a stored workbook holding sheetData
// with cell's fast path on or off; err is the error that ended it (nil at
// io.EOF).
func readAllRecords(tb testing.TB, book []byte, fast bool, opts Options) (recs []Record, err error) {
	tb.Helper()
	old := cellFastPath
	cellFastPath = fast
	defer func() { cellFastPath = old }()
	r, err := openXLSXAt("cells.xlsx", bytes.NewReader(book), int64(len(book)), opts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadAtMost(r, math.MaxInt)
}

// checkCellBody reads sheetData with and without cellBody and wants the
// same records and the same error.
func checkCellBody(t *testing.T, sheetData string, opts Options) {
	t.Helper()
	parts := handmade("", sheetData, `<si><t>shared</t></si>`,
		`<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="49"/></cellXfs>`)
	book := zipPartsMethod(t, parts, zip.Store)
	fast, fastErr := readAllRecords(t, book, true, opts)
	slow, slowErr := readAllRecords(t, book, false, opts)
	if !reflect.DeepEqual(fast, slow) {
		t.Errorf("records differ:\nfast %+v\nslow %+v", fast, slow)
	}
	if (fastErr == nil) != (slowErr == nil) || fastErr != nil && fastErr.Error() != slowErr.Error() {
		t.Errorf("errors differ:\nfast %v\nslow %v", fastErr, slowErr)
	}
}

// cellBodyCases are cells in and around the two shapes cellBody reads.
var cellBodyCases = []string{
	`<c r="A1" t="inlineStr"><is><t>plain</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>中文 text</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t></t></is></c>`,
	`<c r="A1"><v>300000.25</v></c>`,
	`<c r="A1" s="1"><v>45000</v></c>`,
	`<c r="A1" s="2"><v>007</v></c>`,
	`<c r="A1" t="s"><v>0</v></c>`,
	`<c r="A1" t="s"><v>7</v></c>`,
	`<c r="A1" t="b"><v>1</v></c>`,
	`<c r="A1" t="e"><v>#REF!</v></c>`,
	`<c r="A1" t="str"><v>a_x000D_b</v></c>`,
	`<c r="A1" t="inlineStr"><is><t>a_x0041_b</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>amp &amp; lt &lt;</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>cr` + "\r\n" + `lf</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>tab` + "\t\n" + `nl</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>quote " apos '</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>]]></t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>bad ` + "\xff" + ` utf8</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>` + "\uFFFE" + `</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>` + "\uFFFD\uFFFF" + `</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>ctl ` + "\x01" + `</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>cut</t></is>`,
	`<c r="A1" t="inlineStr"><is><t>cut</t>`,
	`<c r="A1" t="inlineStr"><is><t>no end`,
	`<c r="A1"><v>1</v></c >`,
	`<c r="A1"><v>1</v ></c>`,
	`<c r="A1"><v>1</v><f>A2</f></c>`,
	`<c r="A1"><f>A2</f></c>`,
	`<c r="A1"/>`,
	`<c r="A1"></c>`,
	`<c r="A1"><x:v>1</x:v></c>`,
	`<c r="A1" t="inlineStr"><is><t xml:space="preserve"> sp </t></is></c>`,
	`<c r="A1" t="inlineStr"><is><r><t>rich</t></r></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>王</t><rPh><t>ㄨㄤˊ</t></rPh></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>` + strings.Repeat("x", 40) + `</t></is></c>`,
	`<c r="A1" t="inlineStr"><is><t>` + strings.Repeat("長", 40) + `</t></is></c>`,
	`<c r="A1" t="d"><v>2024-01-02T00:00:00</v></c>`,
}

func TestCellBodyMatchesTokens(t *testing.T) {
	for _, c := range cellBodyCases {
		t.Run(c, func(t *testing.T) {
			checkCellBody(t, `<row r="1">`+c+`<c r="B1"><v>2</v></c></row><row r="2">`+c+`</row>`, Options{})
			// A cell limit the texts cross: the too-large error is the same.
			checkCellBody(t, `<row r="1">`+c+`</row>`, Options{MaxCellBytes: 20})
		})
	}
}

// TestCellBodyAcrossBuffer puts a cell's body across the end of the
// scanner's buffer at every offset: cellBody leaves it to the tokens.
func TestCellBodyAcrossBuffer(t *testing.T) {
	cell := `<c r="A1" t="inlineStr"><is><t>跨緩衝區 text</t></is></c><c r="B1"><v>12.5</v></c>`
	for pad := range 80 {
		var b strings.Builder
		b.WriteString(`<row r="1"><c r="C1" t="inlineStr"><is><t>`)
		b.WriteString(strings.Repeat("p", 64<<10-200+pad))
		b.WriteString(`</t></is></c></row><row r="2">`)
		for range 3 {
			b.WriteString(cell)
		}
		b.WriteString(`</row>`)
		checkCellBody(t, b.String(), Options{})
	}
}

// FuzzCellBody reads fuzzed sheet data with and without cellBody: the
// records and errors must be the same.
func FuzzCellBody(f *testing.F) {
	for _, c := range cellBodyCases {
		f.Add(`<row r="1">` + c + `</row>`)
	}
	f.Fuzz(func(t *testing.T, sheetData string) {
		checkCellBody(t, sheetData, Options{MaxCellBytes: 64})
	})
}
