package ui

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// Every status has words on the zh page; the code is the tooltip.
func TestStatusNames(t *testing.T) {
	want := map[importer.Status]string{
		importer.StatusOK: "成功", importer.StatusInvalid: "錯誤", importer.StatusSkipped: "略過",
		importer.StatusNotSent: "未送出", importer.StatusFailed: "失敗", importer.StatusUnknown: "不確定", importer.StatusValid: "可匯入",
	}
	for _, st := range importer.Statuses {
		t.Run(string(st), func(t *testing.T) {
			if got := statusName("zh", st); got != want[st] {
				t.Errorf("zh %q, want %q", got, want[st])
			}
			if got := statusName("en", st); got == "" || strings.Contains(got, "st-") {
				t.Errorf("en %q", got)
			}
		})
	}
}

// A library message that suggests what to do names the page's own
// control, never a command-line option, in both languages.
func TestPageHints(t *testing.T) {
	tests := []struct {
		name, lang, code, want string
		args                   []any
	}{
		{"resend zh", "zh", "importer.prior_unknown", "不存在再勾選「重新送出「不確定」的列(已在 TMS 查過,確定沒有建立)」後再匯入", nil},
		{"resend en", "en", "importer.prior_unknown", "if not, tick “Send UNKNOWN rows again", nil},
		{"hidden zh", "zh", "importer.hidden_rows_sent", "請勾選「略過 Excel 中隱藏的列」", []any{3}},
		{"hidden row zh", "zh", "importer.hidden_row", "依「略過 Excel 中隱藏的列」未匯入", nil},
		{"hidden row en", "en", "importer.hidden_row", "left out (“Leave out rows hidden in Excel”)", nil},
		{"choose a column", "zh", "validate.column_looks_like", "或在「對應欄位」選擇它", []any{"B", "x", "CPHONE", "0912", `"x"`, "CPHONE", validate.HintChooseColumn}},
		{"no control", "zh", "importer.why.tls", "TMS 的憑證不受信任或 TLS 連線失敗 (公司自簽的憑證請洽 IT 安裝)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			switch tc.code {
			case "importer.prior_unknown":
				args = append(args, importer.HintDoResendUnknown)
			case "importer.hidden_rows_sent":
				args = append(args, importer.HintDoSkipHidden)
			case "importer.hidden_row":
				args = append(args, importer.HintSkipHidden)
			case "importer.why.tls":
				args = append(args, importer.HintDoTrustTLS)
			}
			got := msg.Printer{Lang: tc.lang, Hints: pageHints}.Sprint(tc.code, args...)
			if strings.Contains(got, "--") || !strings.Contains(got, tc.want) {
				t.Errorf("%q\nwant it to contain %q and no option", got, tc.want)
			}
		})
	}
}

var (
	tagRe   = regexp.MustCompile(`(?s)<[^>]*>`)
	asciiRe = regexp.MustCompile(`[A-Za-z][A-Za-z_]+`)
)

// The zh page, with a file checked, imported and stopped: no English word
// outside the data, the codes in tooltips and the products' names, and
// no command-line option.
func TestZhPageWords(t *testing.T) {
	g := newGatedSim(t)
	u := newTestUI(t, Config{Conn: g.conn})
	lines := append(customerLines(6), "A999,壞的,12x")
	u.upload("a.csv", big5CSV(t, lines...))
	u.post("/import", nil)
	g.pass(2)
	g.next()
	u.post("/stop", nil)
	g.release <- struct{}{}
	u.waitImport()
	body := u.get("/").body
	for _, s := range []string{">成功<", ">未送出<", ">錯誤<", `title="NOT_SENT"`, `title="OK"`, "廠商代號", "實際送出速率", "選擇檔案…", "尚未選擇檔案", "繼續匯入剩下的 3 筆"} {
		if !strings.Contains(body, s) {
			t.Errorf("the zh page lacks %q", s)
		}
	}
	for _, w := range englishWords(body) {
		t.Errorf("the zh page shows the English word %q", w)
	}
	if strings.Contains(tagRe.ReplaceAllString(body, " "), " --") {
		t.Error("the page names a command-line option")
	}
}

// The 403 page says in both languages what to do.
func TestForbiddenPage(t *testing.T) {
	u := newTestUI(t, Config{})
	resp, err := newClient().Get(u.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(b.String(), "重新啟動") || !strings.Contains(b.String(), "start it again") {
		t.Errorf("403 page: %d\n%s", resp.StatusCode, b.String())
	}
}

// englishWords are the English words a zh page shows outside the data
// (cells, examples, the file's name, the settings typed), #status (its
// counts name the results' status codes), the options of drop-downs
// (the fields' codes) and the importer's row messages, beyond the
// product names, keys and codes allowed.
func englishWords(body string) []string {
	// The words the page shows, without the data (cells, examples, the
	// file's name), #status (its counts name the results' status codes)
	// and the field codes of the mapping.
	view := body
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?s)<td class="cell[^>]*>.*?</td>`), regexp.MustCompile(`(?s)<td class="ex">.*?</td>`),
		regexp.MustCompile(`(?s)<p id="status".*?</p>`), regexp.MustCompile(`(?s)<option[^>]*>.*?</option>`),
		regexp.MustCompile(`(?s)<span class="ccode">.*?</span>`), regexp.MustCompile(`(?s)<b>[^<]*\.(?:csv|xlsx)</b>`), // the file's name
		regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<title>.*?</title>`),
		regexp.MustCompile(`(?s)<p class="connline">.*?</p>`),  // the settings, data
		regexp.MustCompile(`(?s)<span class="msg">.*?</span>`), // the importer's row messages: checked below for options
		regexp.MustCompile(`https?://[^\s)]+`),                 // the TMS address typed, in the connection test's verdict

	} {
		view = re.ReplaceAllString(view, " ")
	}
	allowed := map[string]bool{"custimport": true, "TMS": true, "Excel": true, "CSV": true, "API": true, "EN": true, "sha": true, "big": true, "results": true, "xlsx": true,
		"Enter": true, "Tab": true, "F": true, // keys as printed on the keyboard
		"PostgreSQL": true, // the shared ledger's database, by its product name
		// The connection test's verdict (probe's table) names the api-pno
		// header and TMS's Date header beside their Chinese words, as the
		// fields' codes are.
		"pno": true, "Date": true}
	for _, f := range mapping.Fields() {
		allowed[f.Code] = true // a field is named by its code beside its Chinese name
	}
	var out []string
	for _, w := range asciiRe.FindAllString(tagRe.ReplaceAllString(view, " "), -1) {
		if !allowed[w] {
			out = append(out, w)
		}
	}
	return out
}

// The zh page in each state the second round added has no English word:
// the password form, the settings refused before the first row, the
// remembered mapping offered, the header-row picker, the replacement's
// preview and what it did, the sheets ticked, the 信用額度 warning.
func TestZhNewStatesWords(t *testing.T) {
	_, conn := startSim(t)
	state := t.TempDir()
	conn.StateDir = state
	getenv := func(k string) string {
		if k == "CUSTIMPORT_STATE_DIR" {
			return state
		}
		return ""
	}
	u := newTestUI(t, Config{Conn: conn, Getenv: getenv})
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"客戶代號"})
	var locked bytes.Buffer
	if err := f.Write(&locked, excelize.Options{Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	list := big5CSV(t, "舊系統編號,客戶名稱", "A001,甲商行", "A002,乙O商行")
	states := []struct {
		name string
		do   func() page
		want string // an id the state shows
	}{
		{"password", func() page { return u.upload("有密碼.xlsx", locked.Bytes()) }, `id="xlsx-password"`},
		{"wrong password", func() page { return u.post("/password", url.Values{"password": {"x"}}) }, "密碼不對"},
		{"credit warning", func() page {
			u.upload("a.csv", list)
			return u.post("/mapping", url.Values{"col0": {"CCODE"}})
		}, `id="fix-default-credit"`},
		{"remembered", func() page { u.upload("b.csv", list); return u.upload("b.csv", list) }, `id="apply-remembered"`},
		{"replace preview", func() page {
			u.post("/mapping-remembered", nil)
			return u.post("/replace", url.Values{"find": {"O"}, "with": {"0"}, "col": {"1"}, "op": {"preview"}})
		}, `id="replace-cells"`},
		{"replaced", func() page {
			return u.post("/replace", url.Values{"find": {"O"}, "with": {"0"}, "col": {"1"}, "op": {"apply"}})
		}, `id="replace-done"`},
		{"refused", func() page {
			u.post("/settings", url.Values{"url": {conn.URL}, "pno": {conn.PNO}, "key": {"wrong"}, "sign": {""}})
			return u.post("/import", nil)
		}, `id="import-refused"`},
		{"sheets", func() page {
			u.upload("各區.xlsx", twoRegions(t))
			return u.post("/options", url.Values{"sheet": {"北區"}, "alsoform": {"1"}, "also": {"南區"}})
		}, `id="also-note"`},
	}
	for _, st := range states {
		p := st.do()
		if !strings.Contains(p.body, st.want) {
			t.Errorf("%s: the page lacks %s", st.name, st.want)
			continue
		}
		if w := englishWords(p.body); len(w) > 0 {
			t.Errorf("%s: the zh page shows the English words %q", st.name, w)
		}
	}
}

// A file whose header or rows cannot be resolved is answered with the
// page's own advice (its controls) followed by what the error's fields
// say: which columns, which rows, which limit; in the page's language.
func TestFileMessageNamesWhat(t *testing.T) {
	header := func(rows ...[]string) error {
		_, err := mapping.FindHeader(rows, nil)
		if err == nil {
			t.Fatalf("FindHeader(%q): no error", rows)
		}
		return err
	}
	tests := []struct {
		name   string
		err    error
		zh, en []string // all in the message
	}{
		{"two columns, one field", header([]string{"CCODE", "CNAM1", "客戶名稱"}),
			[]string{"「對應欄位」", "欄 B「CNAM1」與欄 C「客戶名稱」都是 CNAM1"}, []string{"Not imported", `column B "CNAM1" and column C "客戶名稱"`}},
		{"no code column", header([]string{"客戶識別碼", "客戶名稱"}),
			[]string{"「對應欄位」", "欄 A「客戶識別碼」看起來是客戶代號"}, []string{"match it", `column A "客戶識別碼" looks like a customer code`}},
		{"no known column", header([]string{"foo", "bar"}),
			[]string{"「對應欄位」", "「foo」、「bar」"}, []string{"match the columns", `"foo", "bar"`}},
		{"damaged rows", &importer.DamagedRowsError{Input: "b.xlsx", Row: 3, After: 5},
			[]string{"在 Excel 開啟後重新儲存", "第 3 列出現在第 5 列之後"}, []string{"save it again", "row 3 comes after row 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for lang, want := range map[string][]string{"zh": tt.zh, "en": tt.en} {
				got := fileMessage(lang, tt.err)
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("%s: %q, want it to say %q", lang, got, w)
					}
				}
			}
		})
	}
	// Through the page: an upload whose two columns feed one field.
	u := newTestUI(t, Config{})
	p := u.upload("a.csv", []byte("客戶代號,電話,客戶電話\nC001,02-1,02-2\n"))
	if !strings.Contains(p.body, "欄 B「電話」與欄 C「客戶電話」") {
		t.Errorf("the upload's answer does not name the two columns:\n%s", p.body)
	}
}
