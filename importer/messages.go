package importer

import (
	"fmt"
	"time"
)

// catalogMessages holds the importer's own messages in one language.
type catalogMessages struct{ lang string }

func messages(lang string) catalogMessages { return catalogMessages{lang: lang} }

var zh = map[string]string{
	"Status":                 "狀態",
	"Rows":                   "筆數",
	"Total":                  "合計",
	"Error":                  "錯誤",
	"File warnings":          "檔案警告",
	"Input":                  "輸入檔",
	"Mode":                   "模式",
	"dry-run (nothing sent)": "檢查 (未送出)",
	"import":                 "匯入",
	"Sheet":                  "工作表",
	"Interrupted":            "中斷",
	"yes":                    "是",
}

func (m catalogMessages) t(s string) string {
	if m.lang == "en" {
		return s
	}
	if z, ok := zh[s]; ok {
		return z
	}
	return s
}

func (m catalogMessages) pick(zhText, enText string, args ...any) string {
	if m.lang == "en" {
		return fmt.Sprintf(enText, args...)
	}
	return fmt.Sprintf(zhText, args...)
}

func (m catalogMessages) unknownColumn(col, header string) string {
	return m.pick("欄 %s %q 無對應欄位,未匯入 (保留於結果檔)", "column %s %q matches no field and is not imported (kept in the results)", col, header)
}

func (m catalogMessages) noFormulaValue(cell string) string {
	return m.pick("儲存格 %s 是公式,但檔案沒有存下它的計算結果 (由不會計算公式的程式產生):請用 Excel 開啟後存檔再匯入",
		"cell %s holds a formula whose result was never saved (the file was made by a program that does not calculate): open it in Excel, save it, and import it again", cell)
}

func (m catalogMessages) noDataRows(headerLine int) string {
	return m.pick("檔案只有標題列 (第 %d 列),沒有任何資料列:未匯入任何客戶", "the file has a header (line %d) but no data rows: no customer was imported", headerLine)
}

func (m catalogMessages) moreUnknownColumns(n int) string {
	return m.pick("另有 %d 欄無對應欄位,未匯入 (保留於結果檔)", "%d more columns match no field and are not imported (kept in the results)", n)
}

func (m catalogMessages) ragged(n, want int, extra string) string {
	return m.pick("此列有 %d 格,標題只有 %d 欄,多出的內容: %s", "the row has %d cells but the header has %d columns; extra content: %s", n, want, extra)
}

func (m catalogMessages) interrupted() string {
	return m.pick("匯入中斷,此列未送出", "the import was interrupted before this row was sent")
}

func (m catalogMessages) aborted() string {
	return m.pick("匯入被強制中止時此列正在送出,TMS 可能已套用也可能沒有;此列有客戶代號,重新匯入會安全地再送一次",
		"the import was aborted while this row was being sent; TMS may or may not have applied it. The row has a code, so re-running sends it again safely")
}

func (m catalogMessages) notSent(err error) string {
	return m.pick("未送出: %v", "not sent: %v", err)
}

func (m catalogMessages) unknown(err error) string {
	return m.pick("無法確定 TMS 是否已建立此客戶 (%v)。請先在 TMS 查詢後再重新匯入此列,以免重複建立",
		"cannot tell whether TMS created this customer (%v). Check TMS before re-running this row, or it may be created twice", err)
}

func (m catalogMessages) serverError(code string) string {
	return m.pick("TMS 回傳錯誤 %s", "TMS answered error %s", code)
}

func (m catalogMessages) editedAfterCreate(code string) string {
	if code == "" {
		code = "?"
	}
	return m.pick("輸入檔已變更:先前的匯入在這一列建立了客戶 (代號 %s,或結果未知),而這列內容已不同。若是同一位客戶,請把代號填入客戶代號欄以更新;若是新客戶,請以 --resend-unknown 送出",
		"the input changed: an earlier run created a customer at this row (code %s, or with an unknown outcome) and the row's content differs now. If it is the same customer, put its code in the code column to update it; if it is a new one, run with --resend-unknown", code)
}

func (m catalogMessages) existsAfterMaybe(code, server string) string {
	return m.pick("TMS 回覆客戶代號 %s 已存在 (%s),但先前一次送出此列時沒有收到回覆,可能就是那次建立的。請在 TMS 確認這位客戶的資料",
		"TMS says code %s already exists (%s), but an earlier attempt for this row got no answer and may have created it. Check the customer in TMS", code, server)
}

func (m catalogMessages) priorUnknown() string {
	return m.pick("先前的匯入無法確定 TMS 是否已建立此客戶,本次未送出。請先在 TMS 查詢:已存在就把代號填入客戶代號欄;不存在再以 --resend-unknown 送出",
		"an earlier run could not tell whether TMS created this customer; not sent. Check TMS: if it is there, put its code in the code column; if not, run with --resend-unknown")
}

func (m catalogMessages) priorOK() string {
	return m.pick("先前已匯入成功,本次未再送出", "imported by an earlier run; not sent again")
}

func (m catalogMessages) journalOK(t time.Time) string {
	return m.pick("已於 %s 的匯入成功,本次未再送出", "imported by the run of %s; not sent again", t.Local().Format("2006-01-02 15:04:05"))
}

func (m catalogMessages) journalUnknown(t time.Time) string {
	return m.pick("先前的匯入於 %s 送出此列後中斷,無法確定 TMS 是否已建立此客戶。請先在 TMS 查詢;確定不存在後以 --resend-unknown 重新送出",
		"an earlier run sent this row at %s and stopped before the answer: TMS may have created it. Check TMS; if it is not there, run again with --resend-unknown", t.Local().Format("2006-01-02 15:04:05"))
}
