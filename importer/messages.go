package importer

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
)

// catalogMessages holds the importer's own messages in one language.
type catalogMessages struct{ lang string }

func messages(lang string) catalogMessages { return catalogMessages{lang: lang} }

var zh = map[string]string{
	"Status":                      "狀態",
	"Rows":                        "筆數",
	"Total":                       "合計",
	"Error":                       "錯誤",
	"File warnings":               "檔案警告",
	"Input":                       "輸入檔",
	"Mode":                        "模式",
	"dry-run (nothing sent)":      "檢查 (未送出)",
	"import":                      "匯入",
	"Sheet":                       "工作表",
	"Interrupted":                 "中斷",
	"Started":                     "開始時間",
	"Duration":                    "耗時",
	"yes":                         "是",
	"Existing customers":          "既有客戶清單",
	"Rows that create a customer": "會新增客戶的列",
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

func (m catalogMessages) plainResults() string {
	return m.pick("輸入檔有密碼保護,結果檔沒有:結果檔只有您的帳號能讀取 (權限 600),請妥善保管,用完即刪除", "the input is password-protected but its results are not: they are readable by your account only (mode 600); keep them safe and delete them when done")
}

func (m catalogMessages) priorSkipped() string {
	return m.pick("先前的匯入略過此列,本次仍略過;若要匯入,請清空它的 ImportStatus 儲存格", "an earlier run skipped this row, and so does this one; to import it, clear its ImportStatus cell")
}

func (m catalogMessages) hiddenRow() string {
	return m.pick("此列在 Excel 中是隱藏的,依 --skip-hidden 未匯入", "the row is hidden in Excel: left out (--skip-hidden)")
}

func (m catalogMessages) hiddenRows(n int, skipped bool) string {
	if skipped {
		return m.pick("%d 列在 Excel 中是隱藏的 (手動隱藏或被篩選掉),依 --skip-hidden 未匯入 (結果檔中標為 SKIPPED)", "%d rows hidden in Excel (by hand or by a filter) were left out (--skip-hidden; SKIPPED in the results)", n)
	}
	return m.pick("%d 列在 Excel 中是隱藏的 (手動隱藏或被篩選掉),仍已匯入;若不要匯入它們,請加上 --skip-hidden", "%d rows hidden in Excel (by hand or by a filter) were imported too; to leave them out, pass --skip-hidden", n)
}

func (m catalogMessages) otherSheet(first, used string) string {
	return m.pick("第一個工作表 %q 沒有標題列 (可能是說明頁),已改讀有標題列的工作表 %q", "the first sheet %q has no header row (a cover sheet?); read sheet %q, the one that has", first, used)
}

func (m catalogMessages) unlabelledColumn(col string) string {
	return m.pick("欄 %s 有資料但沒有標題 (可能是合併儲存格的後半),未匯入:請為它加上標題", "column %s holds data but has no header (the second half of a merged cell?) and is not imported: give it a header", col)
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
	return m.pick("未送出: %s", "not sent: %s", m.why(err))
}

func (m catalogMessages) unknown(err error) string {
	reason := m.why(err)
	if tms.Kind(err) == tms.KindStopped {
		// Cancelled with the request in flight (a second Ctrl-C).
		reason = m.pick("匯入被強制中止時請求正在送出", "the import was aborted with the request in flight")
	}
	return m.pick("無法確定 TMS 是否已建立此客戶 (%s)。請先在 TMS 查詢後再重新匯入此列,以免重複建立",
		"cannot tell whether TMS created this customer (%s): check TMS before re-running this row, or it may be created twice", reason)
}

func (m catalogMessages) serverError(code string) string {
	return m.pick("TMS 回傳錯誤 %s", "TMS answered error %s", code)
}

func (m catalogMessages) existsAfterMaybe(code, server string) string {
	return m.pick("TMS 回覆客戶代號 %s 已存在 (%s),但先前一次送出此列時沒有收到回覆,可能就是那次建立的。請在 TMS 確認這位客戶的資料",
		"TMS says code %s already exists (%s), but an earlier attempt for this row got no answer and may have created it. Check the customer in TMS", code, server)
}

func (m catalogMessages) priorUnknown() string {
	return m.pick("先前的匯入無法確定 TMS 是否已建立此客戶,本次未送出。請先在 TMS 查詢:已存在就把代號填入客戶代號欄;不存在再以 --resend-unknown 送出",
		"an earlier run could not tell whether TMS created this customer; not sent. Check TMS: if it is there, put its code in the code column; if not, run with --resend-unknown")
}

func (m catalogMessages) createdWithoutCode() string {
	return m.pick("TMS 回覆已建立此客戶,卻沒有回傳客戶代號:請在 TMS 查出這位客戶的代號,填入客戶代號欄後再匯入,以免重複建立",
		"TMS says it created this customer but gave no customer code: find the customer in TMS and put its code in the code column before running this row again, or it may be created twice")
}

func (m catalogMessages) otherCode(sent, got string) string {
	return m.pick("送出的客戶代號是 %s,TMS 回覆的卻是 %s:請在 TMS 確認是哪一位客戶被更新", "the row was sent with code %s but TMS answered with code %s: check in TMS which customer was updated", sent, got)
}

// sameCodeInRun is the warning of a new customer's row whose code TMS
// also gave the rows lines of this run.
func (m catalogMessages) sameCodeInRun(code string, lines []int) string {
	rows := make([]string, len(lines))
	for i, l := range lines {
		rows[i] = itoa(l)
	}
	return m.pick("TMS 也把客戶代號 %s 給了第 %s 列的新客戶:可能建立了重複或互相覆蓋的客戶,請在 TMS 確認",
		"TMS gave customer code %s to the new customer of row %s too: customers may have been created twice or stored as one; check them in TMS",
		code, strings.Join(rows, ", "))
}

// sameCodeEarlier is the warning of a new customer's row whose code TMS
// gave earlier runs' creates.
func (m catalogMessages) sameCodeEarlier(code string, creates []ledger.Create) string {
	where := make([]string, len(creates))
	for i := range creates {
		where[i] = m.pick("%s (%s 匯入)", "%s (imported on %s)", m.where(&creates[i]), when(creates[i].Created))
	}
	return m.pick("TMS 先前已把客戶代號 %s 給了 %s 的新客戶:可能建立了重複或互相覆蓋的客戶,請在 TMS 確認",
		"TMS gave customer code %s to the new customer of %s before: customers may have been created twice or stored as one; check them in TMS",
		code, strings.Join(where, ", "))
}

// sharedCodes is the file-level warning of a run where TMS gave one code
// to several new customers.
func (m catalogMessages) sharedCodes(n int) string {
	return m.pick("TMS 把同一個客戶代號給了不只一位新客戶:共 %d 列 (說明見 ImportWarnings),請在 TMS 確認這些客戶",
		"TMS gave one customer code to more than one new customer: %d rows (see ImportWarnings); check those customers in TMS", n)
}

func (m catalogMessages) priorOK() string {
	return m.pick("先前已匯入成功,本次未再送出", "imported by an earlier run; not sent again")
}

// failure is the message of a row that got no usable answer after
// attempts requests.
func (m catalogMessages) failure(err error, attempts int) string {
	if attempts > 1 {
		return m.pick("%s (重試 %d 次後放棄)", "%s (gave up after %d attempts)", m.why(err), attempts)
	}
	return m.why(err)
}

// why says what went wrong in the catalog's words: never Go or HTTP error
// text, which goes to the log.
func (m catalogMessages) why(err error) string {
	var be *BusyError
	var refusedErr *RefusedError
	switch {
	case errors.As(err, &be) && be.Wait > 0:
		return m.pick("TMS 連續 %d 列都回覆「忙碌」(%s),並要求等待 %s,已停止送出;請等 TMS 恢復後重新執行即可續傳",
			"%d rows in a row got a busy answer from TMS (%s), which asked to wait %s, so sending stopped; run again when TMS is back to resume",
			be.Rows, be.Code, WaitText(be.Wait, m.lang))
	case errors.As(err, &be):
		return m.pick("TMS 連續 %d 列都回覆「忙碌」(%s),已停止送出;請等 TMS 恢復後重新執行即可續傳",
			"%d rows in a row got a busy answer from TMS (%s), so sending stopped; run again when TMS is back to resume", be.Rows, be.Code)
	case errors.Is(err, ErrTMSUnreachable):
		return m.pick("TMS 連續多列沒有回應,已停止送出;確認網址、網路與 TMS 後重新執行即可續傳",
			"TMS stopped answering, so sending stopped; check the URL, the network and TMS, then run again to resume")
	case errors.Is(err, ErrTimestampRefused):
		return m.pick("TMS 連續拒絕請求的時間戳記 (9003),已停止送出;請校正這台電腦的時鐘與時區後重新執行即可續傳",
			"TMS kept refusing the requests' timestamp (9003), so sending stopped; set this computer's clock and time zone right, then run again to resume")
	case errors.As(err, &refusedErr) && probe.Hint(refusedErr.Code, refusedErr.Message, m.lang) != "":
		return m.pick("TMS 連續以 %s 拒絕請求本身,已停止送出 (%s);改好後重新執行即可續傳",
			"TMS kept refusing the requests themselves with %s, so sending stopped (%s); then run again to resume",
			strings.TrimSpace(refusedErr.Code+" "+refusedErr.Message), probe.Hint(refusedErr.Code, refusedErr.Message, m.lang))
	case errors.Is(err, ErrTMSRefuses):
		return m.pick("TMS 連續拒絕請求本身,已停止送出;確認金鑰、pno、ProNum 與簽章方式後重新執行即可續傳",
			"TMS kept refusing the requests themselves, so sending stopped; check the key, pno, ProNum and signing recipe, then run again to resume")
	case errors.Is(err, errLedger):
		return m.pick("記錄檔 (ledger) 無法寫入,已停止送出", "the ledger could not be written, so sending stopped")
	case errors.Is(err, errResults):
		return m.pick("結果檔無法寫入,已停止送出", "the results file could not be written, so sending stopped")
	}
	var te *tms.Error
	status := 0
	if errors.As(err, &te) {
		status = te.HTTPStatus
	}
	switch tms.Kind(err) {
	case tms.KindTimeout:
		return m.pick("TMS 沒有在時限內回應", "TMS did not answer in time")
	case tms.KindReset:
		return m.pick("與 TMS 的連線在送出後中斷", "the connection to TMS broke after the request was sent")
	case tms.KindRefused:
		return m.pick("無法連上 TMS (網址、網路,或 TMS 未啟動)", "could not reach TMS (the address, the network, or TMS is down)")
	case tms.KindBusy:
		if te != nil && te.RetryAfter > 0 {
			return m.pick("TMS 忙碌中 (HTTP %d),要求等待 %s", "TMS is busy (HTTP %d) and asked to wait %s", status, WaitText(te.RetryAfter, m.lang))
		}
		return m.pick("TMS 忙碌中 (HTTP %d),重試後仍未成功", "TMS stayed busy (HTTP %d) through the retries", status)
	case tms.KindHTTP:
		return m.pick("TMS 回傳 HTTP %d 錯誤", "TMS answered HTTP %d", status)
	case tms.KindTLS:
		return m.pick("TMS 的憑證不受信任或 TLS 連線失敗 (測試用伺服器可加 --insecure-skip-verify)", "TMS's certificate is not trusted, or the TLS connection failed (for a test server: --insecure-skip-verify)")
	case tms.KindBadAnswer:
		if errors.Is(err, tms.ErrResponseTooLarge) {
			return m.pick("TMS 的回覆超過 1 MiB,未讀取", "TMS's answer is a response larger than 1 MiB, not read")
		}
		return m.pick("TMS 的回覆不是規格所述的格式", "TMS's answer is not in the format the specification describes")
	case tms.KindRedirect:
		return m.pick("TMS 回覆轉址 (不會跟隨):請確認 TMS 網址", "TMS answered with a redirect (not followed): check the TMS URL")
	case tms.KindAmbiguousAnswer:
		return m.pick("TMS 的回覆自相矛盾 (同一欄位出現兩次、狀態與錯誤代碼不符,或 HTTP 錯誤卻說成功),無法判斷結果;原始回覆記在日誌中",
			"TMS's answer contradicts itself (a field given twice, a Status that disagrees with its ErrorCode, or success with an HTTP error), so its outcome cannot be told; the raw answer is in the log")
	case tms.KindStopped:
		return m.pick("匯入已停止,此列未送出", "the import stopped before this row was sent")
	}
	return m.pick("送出時發生錯誤 (詳見日誌)", "sending failed (see the log)")
}

func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// WaitText says how long a wait is, in lang ("en", else Traditional
// Chinese), as people say it: "90 秒", "5 minutes", "24 hours".
func WaitText(d time.Duration, lang string) string {
	n, zhUnit, enUnit := int64(d.Round(time.Second)/time.Second), "秒", "second"
	switch {
	case d >= 2*time.Hour:
		n, zhUnit, enUnit = int64(d.Round(time.Hour)/time.Hour), "小時", "hour"
	case d >= 2*time.Minute:
		n, zhUnit, enUnit = int64(d.Round(time.Minute)/time.Minute), "分鐘", "minute"
	}
	if lang != "en" {
		return fmt.Sprintf("%d %s", n, zhUnit)
	}
	if n != 1 {
		enUnit += "s"
	}
	return fmt.Sprintf("%d %s", n, enUnit)
}

// where names the file and row of an earlier create: "客戶.xlsx 第 5 列".
func (m catalogMessages) where(c *ledger.Create) string {
	name := filepath.Base(c.Source)
	if c.Sheet != "" {
		name += " [" + c.Sheet + "]"
	}
	return m.pick("%s 第 %d 列", "%s row %d", name, c.Row)
}

func (m catalogMessages) unchanged() string {
	return m.pick("內容與 TMS 上次接受的相同,本次未再送出", "unchanged since TMS last accepted it; not sent again")
}

// ledgerOK is the note on a create settled from the ledger.
func (m catalogMessages) ledgerOK(c *ledger.Create) string {
	return m.pick("已於 %s 由 %s 匯入成功 (代號 %s),本次未再送出", "imported on %s from %s (code %s); not sent again",
		when(c.Updated), m.where(c), c.CCODE)
}

// held explains a row held as UNKNOWN by the ledger's rules.
func (m catalogMessages) held(d decide.Decision) string {
	c := d.Record
	if d.Match == decide.SameContent {
		return m.pick("%s 送出相同內容的列 (%s) 後沒有收到回覆,無法確定 TMS 是否已建立此客戶。請先在 TMS 查詢:已存在就把代號填入客戶代號欄;不存在再以 --resend-unknown 送出",
			"the same content was sent on %s (%s) without an answer: TMS may have created this customer. Check TMS: if it is there, put its code in the code column; if not, run with --resend-unknown",
			when(c.Created), m.where(c))
	}
	code := c.CCODE
	if code == "" {
		code = "?"
	}
	how := map[decide.Match]string{decide.SameTaxID: "統一編號相同", decide.SameName: "名稱相同", decide.SameRow: "同一檔案的同一列"}[d.Match]
	if m.lang == "en" {
		how = map[decide.Match]string{decide.SameTaxID: "the same 統一編號", decide.SameName: "the same name", decide.SameRow: "the same row of the same file"}[d.Match]
	}
	return m.pick("看起來是先前建立的客戶 (代號 %s,%s 於 %s 建立;%s) 修改後的資料。若是同一位客戶,請把代號填入客戶代號欄以更新;若是另一位客戶,請以 --resend-unknown 送出",
		"looks like the customer created earlier (code %s, from %s on %s; %s) edited. If it is the same customer, put its code in the code column to update it; if it is another customer, run with --resend-unknown",
		code, m.where(c), when(c.Created), how)
}

// wouldSettle is a check's note on a row the import would not send.
func (m catalogMessages) wouldSettle(d decide.Decision) string {
	if d.Record == nil {
		return m.pick("匯入時不會送出: %s", "the import would not send it: %s", m.unchanged())
	}
	return m.pick("匯入時不會送出: %s", "the import would not send it: %s", m.ledgerOK(d.Record))
}

// wouldHold is a check's note on a row the import would hold as UNKNOWN.
func (m catalogMessages) wouldHold(d decide.Decision) string {
	return m.pick("匯入時會標為 UNKNOWN、不送出: %s", "the import would mark it UNKNOWN and not send it: %s", m.held(d))
}

// wouldNotSend is a check's file-level note on what the ledger knows.
func (m catalogMessages) wouldNotSend(settle, hold int) string {
	return m.pick("依記錄檔 (ledger),匯入時 %d 列已在 TMS、不會再送出;%d 列會標為 UNKNOWN、不送出 (說明見 ImportWarnings)",
		"by the ledger, the import would not send %d rows already in TMS, and would hold %d rows as UNKNOWN (see ImportWarnings)", settle, hold)
}

// StopText says in lang why sending stopped early (Summary.StopErr), in
// the catalog's words: TMS's own code and message where it refused, never
// Go or network error text. "" for a nil err.
func StopText(err error, lang string) string {
	if err == nil {
		return ""
	}
	m := messages(lang)
	if be := (*BusyError)(nil); errors.As(err, &be) {
		return m.pick("TMS 連續 %d 列回覆忙碌 (%s),已停止送出;稍後重新執行即可續傳",
			"TMS answered busy for %d rows in a row (%s), so sending stopped; run again later to resume", be.Rows, be.Code)
	}
	if re := (*RefusedError)(nil); errors.As(err, &re) && !errors.Is(err, ErrTimestampRefused) {
		return m.pick("TMS 連續 %d 列拒絕請求 (%s %s),已停止送出",
			"TMS refused the requests of %d rows in a row (%s %s), so sending stopped", re.Rows, re.Code, clip(re.Message, 200))
	}
	return m.why(err)
}
