package importer

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
)

// Hints the importer's messages name: what the user can do, in the
// library's words. A front end says them its own way (Options.Hints):
// the command line names its flag, the page its checkbox.
const (
	HintSkipHidden      msg.Hint = "skip_hidden"       // the setting that leaves out rows hidden in Excel
	HintDoSkipHidden    msg.Hint = "do.skip_hidden"    // turn that setting on
	HintDoResendUnknown msg.Hint = "do.resend_unknown" // send rows held as UNKNOWN again
	HintDoTrustTLS      msg.Hint = "do.trust_tls"      // what to do about a certificate TMS's host has
)

// hintTexts are the neutral words of the importer's hints, for a front
// end that has none of its own: no flag, no control.
var _ = msg.Register("hint", msg.Table{
	string(HintSkipHidden):      {"「略過隱藏的列」設定", "the setting to leave out hidden rows"},
	string(HintDoSkipHidden):    {"設定略過隱藏的列", "ask to leave out hidden rows"},
	string(HintDoResendUnknown): {"選擇重新送出「不確定」的列", "choose to send UNKNOWN rows again"},
	string(HintDoTrustTLS):      {"公司自簽的憑證請洽 IT 安裝", "for a company's own certificate, ask IT to install it"},
})

// texts are the importer's messages: code → Traditional Chinese and
// English (fmt formats; %q quotes a value as typed). Stable codes.
var texts = msg.Register("importer", msg.Table{
	// The Summary sheet's labels.
	"label.status":      {"狀態", "Status"},
	"label.rows":        {"筆數", "Rows"},
	"label.total":       {"合計", "Total"},
	"label.error":       {"錯誤", "Error"},
	"label.warnings":    {"檔案警告", "File warnings"},
	"label.input":       {"輸入檔", "Input"},
	"label.mode":        {"模式", "Mode"},
	"label.dry_run":     {"檢查 (未送出)", "dry-run (nothing sent)"},
	"label.import":      {"匯入", "import"},
	"label.sheet":       {"工作表", "Sheet"},
	"label.interrupted": {"中斷", "Interrupted"},
	"label.started":     {"開始時間", "Started"},
	"label.duration":    {"耗時", "Duration"},
	"label.yes":         {"是", "yes"},
	"label.existing":    {"既有客戶清單", "Existing customers"},
	"label.will_create": {"會新增客戶的列", "Rows that create a customer"},

	// The file.
	"unknown_column":      {"欄 %s%q無對應欄位,未匯入 (保留於結果檔)", "column %s %q matches no field and is not imported (kept in the results)"},
	"plain_results":       {"輸入檔有密碼保護,結果檔沒有:結果檔只有您的帳號能讀取 (權限 600),請妥善保管,用完即刪除", "the input is password-protected but its results are not: they are readable by your account only (mode 600); keep them safe and delete them when done"},
	"hidden_rows_skipped": {"%d 列在 Excel 中是隱藏的 (手動隱藏或被篩選掉),依%s未匯入 (結果檔中標為 SKIPPED)", "%d rows hidden in Excel (by hand or by a filter) were left out (%s; SKIPPED in the results)"},
	"hidden_rows_sent":    {"%d 列在 Excel 中是隱藏的 (手動隱藏或被篩選掉),仍已匯入;若不要匯入它們,請%s", "%d rows hidden in Excel (by hand or by a filter) were imported too; to leave them out, %s"},
	"other_sheet":         {"第一個工作表%q沒有標題列 (可能是說明頁),已改讀有標題列的工作表%q", "the first sheet %q has no header row (a cover sheet?); read sheet %q, the one that has"},
	"unlabelled_column":   {"欄 %s 有資料但沒有標題 (可能是合併儲存格的後半),未匯入:請為它加上標題", "column %s holds data but has no header (the second half of a merged cell?) and is not imported: give it a header"},
	"no_formula_value": {"儲存格 %s 是公式,但檔案沒有存下它的計算結果 (由不會計算公式的程式產生):請用 Excel 開啟後存檔再匯入",
		"cell %s holds a formula whose result was never saved (the file was made by a program that does not calculate): open it in Excel, save it, and import it again"},
	"no_data_rows":         {"檔案只有標題列 (第 %d 列),沒有任何資料列:未匯入任何客戶", "the file has a header (line %d) but no data rows: no customer was imported"},
	"more_unknown_columns": {"另有 %d 欄無對應欄位,未匯入 (保留於結果檔)", "%d more columns match no field and are not imported (kept in the results)"},
	"too_many_invalid": {"未送出:檔案有 %d 列 INVALID (共 %d 列),超過允許的 %s,整份檔案都沒有送出。請確認是否為正確的檔案,修正後重新匯入",
		"not sent: %d of the file's %d rows are INVALID, more than the %s allowed, so nothing of the file was sent. Check that it is the right file, fix it and import it again"},
	"shared_codes": {"TMS 把同一個客戶代號給了不只一位新客戶:共 %d 列 (說明見 ImportWarnings),請在 TMS 確認這些客戶",
		"TMS gave one customer code to more than one new customer: %d rows (see ImportWarnings); check those customers in TMS"},
	"would_not_send": {"依記錄檔 (ledger),匯入時 %d 列已在 TMS、不會再送出;%d 列會標為 UNKNOWN、不送出 (說明見 ImportWarnings)",
		"by the ledger, the import would not send %d rows already in TMS, and would hold %d rows as UNKNOWN (see ImportWarnings)"},

	// A row.
	"prior_skipped": {"先前的匯入略過此列,本次仍略過;若要匯入,請清空它的 ImportStatus 儲存格", "an earlier run skipped this row, and so does this one; to import it, clear its ImportStatus cell"},
	"hidden_row":    {"此列在 Excel 中是隱藏的,依%s未匯入", "the row is hidden in Excel: left out (%s)"},
	"ragged":        {"此列有 %d 格,標題只有 %d 欄,多出的內容: %s", "the row has %d cells but the header has %d columns; extra content: %s"},
	"interrupted":   {"匯入中斷,此列未送出", "the import was interrupted before this row was sent"},
	"aborted": {"匯入被強制中止時此列正在送出,TMS 可能已套用也可能沒有;此列有客戶代號,重新匯入會安全地再送一次",
		"the import was aborted while this row was being sent; TMS may or may not have applied it. The row has a code, so re-running sends it again safely"},
	"not_sent":        {"未送出: %s", "not sent: %s"},
	"aborted_request": {"匯入被強制中止時請求正在送出", "the import was aborted with the request in flight"},
	"unknown": {"無法確定 TMS 是否已建立此客戶 (%s)。請先在 TMS 查詢後再重新匯入此列,以免重複建立",
		"cannot tell whether TMS created this customer (%s): check TMS before re-running this row, or it may be created twice"},
	"server_error": {"TMS 回傳錯誤 %s", "TMS answered error %s"},
	"exists_after_maybe": {"TMS 回覆客戶代號 %s 已存在 (%s),但先前一次送出此列時沒有收到回覆,可能就是那次建立的。請在 TMS 確認這位客戶的資料",
		"TMS says code %s already exists (%s), but an earlier attempt for this row got no answer and may have created it. Check the customer in TMS"},
	"prior_unknown": {"先前的匯入無法確定 TMS 是否已建立此客戶,本次未送出。請先在 TMS 查詢:已存在就把代號填入客戶代號欄;不存在再%s",
		"an earlier run could not tell whether TMS created this customer; not sent. Check TMS: if it is there, put its code in the code column; if not, %s"},
	"created_without_code": {"TMS 回覆已建立此客戶,卻沒有回傳客戶代號:請在 TMS 查出這位客戶的代號,填入客戶代號欄後再匯入,以免重複建立",
		"TMS says it created this customer but gave no customer code: find the customer in TMS and put its code in the code column before running this row again, or it may be created twice"},
	"other_code": {"送出的客戶代號是 %s,TMS 回覆的卻是 %s:請在 TMS 確認是哪一位客戶被更新", "the row was sent with code %s but TMS answered with code %s: check in TMS which customer was updated"},
	"same_code_in_run": {"TMS 也把客戶代號 %s 給了第 %s 列的新客戶:可能建立了重複或互相覆蓋的客戶,請在 TMS 確認",
		"TMS gave customer code %s to the new customer of row %s too: customers may have been created twice or stored as one; check them in TMS"},
	"imported_on": {"%s (%s 匯入)", "%s (imported on %s)"},
	"same_code_earlier": {"TMS 先前已把客戶代號 %s 給了 %s 的新客戶:可能建立了重複或互相覆蓋的客戶,請在 TMS 確認",
		"TMS gave customer code %s to the new customer of %s before: customers may have been created twice or stored as one; check them in TMS"},
	"prior_ok":  {"先前已匯入成功,本次未再送出", "imported by an earlier run; not sent again"},
	"gave_up":   {"%s (重試 %d 次後放棄)", "%s (gave up after %d attempts)"},
	"where":     {"%s 第 %d 列", "%s row %d"},
	"unchanged": {"內容與 TMS 上次接受的相同,本次未再送出", "unchanged since TMS last accepted it; not sent again"},
	"ledger_ok": {"已於 %s 由 %s 匯入成功 (代號 %s),本次未再送出", "imported on %s from %s (code %s); not sent again"},
	"held_same": {"%s 送出相同內容的列 (%s) 後沒有收到回覆,無法確定 TMS 是否已建立此客戶。請先在 TMS 查詢:已存在就把代號填入客戶代號欄;不存在再%s",
		"the same content was sent on %s (%s) without an answer: TMS may have created this customer. Check TMS: if it is there, put its code in the code column; if not, %s"},
	"held_edited": {"看起來是先前建立的客戶 (代號 %s,%s 於 %s 建立;%s) 修改後的資料。若是同一位客戶,請把代號填入客戶代號欄以更新;若是另一位客戶,請%s",
		"looks like the customer created earlier (code %s, from %s on %s; %s) edited. If it is the same customer, put its code in the code column to update it; if it is another customer, %s"},
	"match.tax_id":       {"統一編號相同", "the same 統一編號"},
	"match.name":         {"名稱相同", "the same name"},
	"match.row":          {"同一檔案的同一列", "the same row of the same file"},
	"would_not_send_row": {"匯入時不會送出: %s", "the import would not send it: %s"},
	"would_hold":         {"匯入時會標為 UNKNOWN、不送出: %s", "the import would mark it UNKNOWN and not send it: %s"},

	// Why a row failed, or sending stopped: never Go or HTTP error text.
	"why.busy_wait": {"TMS 連續 %d 列都回覆「忙碌」(%s),並要求等待 %s,已停止送出;請等 TMS 恢復後重新執行即可續傳",
		"%d rows in a row got a busy answer from TMS (%s), which asked to wait %s, so sending stopped; run again when TMS is back to resume"},
	"why.busy": {"TMS 連續 %d 列都回覆「忙碌」(%s),已停止送出;請等 TMS 恢復後重新執行即可續傳",
		"%d rows in a row got a busy answer from TMS (%s), so sending stopped; run again when TMS is back to resume"},
	"why.unreachable": {"TMS 連續多列沒有回應,已停止送出;確認網址、網路與 TMS 後重新執行即可續傳",
		"TMS stopped answering, so sending stopped; check the URL, the network and TMS, then run again to resume"},
	"why.timestamp": {"TMS 連續拒絕請求的時間戳記 (9003),已停止送出;請校正這台電腦的時鐘與時區後重新執行即可續傳",
		"TMS kept refusing the requests' timestamp (9003), so sending stopped; set this computer's clock and time zone right, then run again to resume"},
	"why.refused_hint": {"TMS 連續以 %s 拒絕請求本身,已停止送出 (%s);改好後重新執行即可續傳",
		"TMS kept refusing the requests themselves with %s, so sending stopped (%s); then run again to resume"},
	"why.refused": {"TMS 連續拒絕請求本身,已停止送出;確認金鑰、pno、ProNum 與簽章方式後重新執行即可續傳",
		"TMS kept refusing the requests themselves, so sending stopped; check the key, pno, ProNum and signing recipe, then run again to resume"},
	"why.ledger":         {"記錄檔 (ledger) 無法寫入,已停止送出", "the ledger could not be written, so sending stopped"},
	"why.results":        {"結果檔無法寫入,已停止送出", "the results file could not be written, so sending stopped"},
	"why.timeout":        {"TMS 沒有在時限內回應", "TMS did not answer in time"},
	"why.reset":          {"與 TMS 的連線在送出後中斷", "the connection to TMS broke after the request was sent"},
	"why.unreached":      {"無法連上 TMS (網址、網路,或 TMS 未啟動)", "could not reach TMS (the address, the network, or TMS is down)"},
	"why.busy_http_wait": {"TMS 忙碌中 (HTTP %d),要求等待 %s", "TMS is busy (HTTP %d) and asked to wait %s"},
	"why.busy_http":      {"TMS 忙碌中 (HTTP %d),重試後仍未成功", "TMS stayed busy (HTTP %d) through the retries"},
	"why.http":           {"TMS 回傳 HTTP %d 錯誤", "TMS answered HTTP %d"},
	"why.tls":            {"TMS 的憑證不受信任或 TLS 連線失敗 (%s)", "TMS's certificate is not trusted, or the TLS connection failed (%s)"},
	"why.too_large":      {"TMS 的回覆超過 1 MiB,未讀取", "TMS's answer is a response larger than 1 MiB, not read"},
	"why.bad_answer":     {"TMS 的回覆不是規格所述的格式", "TMS's answer is not in the format the specification describes"},
	"why.redirect":       {"TMS 回覆轉址 (不會跟隨):請確認 TMS 網址", "TMS answered with a redirect (not followed): check the TMS URL"},
	"why.ambiguous": {"TMS 的回覆自相矛盾 (同一欄位出現兩次、狀態與錯誤代碼不符,或 HTTP 錯誤卻說成功),無法判斷結果;原始回覆記在日誌中",
		"TMS's answer contradicts itself (a field given twice, a Status that disagrees with its ErrorCode, or success with an HTTP error), so its outcome cannot be told; the raw answer is in the log"},
	"why.stopped": {"匯入已停止,此列未送出", "the import stopped before this row was sent"},
	"why.other":   {"送出時發生錯誤 (詳見日誌)", "sending failed (see the log)"},
	"stop.busy": {"TMS 連續 %d 列回覆忙碌 (%s),已停止送出;稍後重新執行即可續傳",
		"TMS answered busy for %d rows in a row (%s), so sending stopped; run again later to resume"},
	"stop.refused": {"TMS 連續 %d 列拒絕請求 (%s %s),已停止送出",
		"TMS refused the requests of %d rows in a row (%s %s), so sending stopped"},
	"wait.seconds": {"%d 秒", "%d seconds"},
	"wait.second":  {"%d 秒", "%d second"},
	"wait.minutes": {"%d 分鐘", "%d minutes"},
	"wait.minute":  {"%d 分鐘", "%d minute"},
	"wait.hours":   {"%d 小時", "%d hours"},
	"wait.hour":    {"%d 小時", "%d hour"},
})

// catalogMessages renders the importer's messages in one language, with
// the front end's hints.
type catalogMessages struct {
	lang string
	p    msg.Printer
}

func messages(lang string) catalogMessages { return messagesWith(lang, nil) }

// messagesWith renders with a front end's words for the hints.
func messagesWith(lang string, hints map[msg.Hint]msg.Text) catalogMessages {
	lang = msg.Lang(lang)
	return catalogMessages{lang: lang, p: msg.Printer{Lang: lang, Hints: hints}}
}

// s renders one of the importer's messages.
func (m catalogMessages) s(code string, args ...any) string {
	if _, ok := texts[code]; !ok {
		panic("importer: no message " + code)
	}
	return m.p.Sprint("importer."+code, args...)
}

// labels are the codes of the Summary sheet's labels, by their English.
var labels = map[string]string{
	"Status": "label.status", "Rows": "label.rows", "Total": "label.total", "Error": "label.error",
	"File warnings": "label.warnings", "Input": "label.input", "Mode": "label.mode",
	"dry-run (nothing sent)": "label.dry_run", "import": "label.import", "Sheet": "label.sheet",
	"Interrupted": "label.interrupted", "Started": "label.started", "Duration": "label.duration",
	"yes": "label.yes", "Existing customers": "label.existing", "Rows that create a customer": "label.will_create",
}

// t is a Summary label in the run's language, given its English.
func (m catalogMessages) t(s string) string {
	if code, ok := labels[s]; ok {
		return m.s(code)
	}
	return s
}

func (m catalogMessages) unknownColumn(col, header string) string {
	return m.s("unknown_column", col, header)
}

func (m catalogMessages) plainResults() string { return m.s("plain_results") }

func (m catalogMessages) PriorSkipped() string { return m.s("prior_skipped") }

func (m catalogMessages) HiddenRow() string { return m.s("hidden_row", HintSkipHidden) }

func (m catalogMessages) hiddenRows(n int, skipped bool) string {
	if skipped {
		return m.s("hidden_rows_skipped", n, HintSkipHidden)
	}
	return m.s("hidden_rows_sent", n, HintDoSkipHidden)
}

func (m catalogMessages) otherSheet(first, used string) string {
	return m.s("other_sheet", first, used)
}

func (m catalogMessages) unlabelledColumn(col string) string {
	return m.s("unlabelled_column", col)
}

func (m catalogMessages) NoFormulaValue(cell string) string { return m.s("no_formula_value", cell) }

func (m catalogMessages) noDataRows(headerLine int) string { return m.s("no_data_rows", headerLine) }

func (m catalogMessages) moreUnknownColumns(n int) string { return m.s("more_unknown_columns", n) }

func (m catalogMessages) Ragged(n, want int, extra string) string {
	return m.s("ragged", n, want, extra)
}

func (m catalogMessages) Interrupted() string { return m.s("interrupted") }

func (m catalogMessages) tooManyInvalid(e *TooManyInvalidError) string {
	return m.s("too_many_invalid", e.Invalid, e.Rows, e.Budget)
}

func (m catalogMessages) Aborted() string { return m.s("aborted") }

func (m catalogMessages) NotSent(err error) string { return m.s("not_sent", m.Why(err)) }

func (m catalogMessages) Unknown(err error) string {
	reason := m.Why(err)
	if tms.Kind(err) == tms.KindStopped {
		// Cancelled with the request in flight (a second Ctrl-C).
		reason = m.s("aborted_request")
	}
	return m.s("unknown", reason)
}

func (m catalogMessages) ServerError(code string) string { return m.s("server_error", code) }

func (m catalogMessages) ExistsAfterMaybe(code, server string) string {
	return m.s("exists_after_maybe", code, server)
}

func (m catalogMessages) PriorUnknown() string { return m.s("prior_unknown", HintDoResendUnknown) }

func (m catalogMessages) CreatedWithoutCode() string { return m.s("created_without_code") }

func (m catalogMessages) OtherCode(sent, got string) string { return m.s("other_code", sent, got) }

// sameCodeInRun is the warning of a new customer's row whose code TMS
// also gave the rows lines of this run.
func (m catalogMessages) SameCodeInRun(code string, lines []int) string {
	rows := make([]string, len(lines))
	for i, l := range lines {
		rows[i] = itoa(l)
	}
	return m.s("same_code_in_run", code, strings.Join(rows, ", "))
}

// sameCodeEarlier is the warning of a new customer's row whose code TMS
// gave earlier runs' creates.
func (m catalogMessages) SameCodeEarlier(code string, creates []ledger.Create) string {
	where := make([]string, len(creates))
	for i := range creates {
		where[i] = m.s("imported_on", m.where(&creates[i]), when(creates[i].Created))
	}
	return m.s("same_code_earlier", code, strings.Join(where, ", "))
}

// sharedCodes is the file-level warning of a run where TMS gave one code
// to several new customers.
func (m catalogMessages) sharedCodes(n int) string { return m.s("shared_codes", n) }

func (m catalogMessages) PriorOK() string { return m.s("prior_ok") }

// failure is the message of a row that got no usable answer after
// attempts requests.
func (m catalogMessages) Failure(err error, attempts int) string {
	if attempts > 1 {
		return m.s("gave_up", m.Why(err), attempts)
	}
	return m.Why(err)
}

// why says what went wrong in the catalog's words: never Go or HTTP error
// text, which goes to the log.
func (m catalogMessages) Why(err error) string {
	var be *BusyError
	var refusedErr *RefusedError
	switch {
	case errors.As(err, &be) && be.Wait > 0:
		return m.s("why.busy_wait", be.Rows, be.Code, WaitText(be.Wait, m.lang))
	case errors.As(err, &be):
		return m.s("why.busy", be.Rows, be.Code)
	case errors.Is(err, ErrTMSUnreachable):
		return m.s("why.unreachable")
	case errors.Is(err, ErrTimestampRefused):
		return m.s("why.timestamp")
	case errors.As(err, &refusedErr) && probe.Hint(refusedErr.Code, refusedErr.Message, m.lang) != "":
		return m.s("why.refused_hint", strings.TrimSpace(refusedErr.Code+" "+refusedErr.Message), probe.Hint(refusedErr.Code, refusedErr.Message, m.lang))
	case errors.Is(err, ErrTMSRefuses):
		return m.s("why.refused")
	case errors.Is(err, dispatch.ErrLedger):
		return m.s("why.ledger")
	case errors.Is(err, dispatch.ErrResults):
		return m.s("why.results")
	}
	var te *tms.Error
	status := 0
	if errors.As(err, &te) {
		status = te.HTTPStatus
	}
	switch tms.Kind(err) {
	case tms.KindTimeout:
		return m.s("why.timeout")
	case tms.KindReset:
		return m.s("why.reset")
	case tms.KindRefused:
		return m.s("why.unreached")
	case tms.KindBusy:
		if te != nil && te.RetryAfter > 0 {
			return m.s("why.busy_http_wait", status, WaitText(te.RetryAfter, m.lang))
		}
		return m.s("why.busy_http", status)
	case tms.KindHTTP:
		return m.s("why.http", status)
	case tms.KindTLS:
		return m.s("why.tls", HintDoTrustTLS)
	case tms.KindBadAnswer:
		if errors.Is(err, tms.ErrResponseTooLarge) {
			return m.s("why.too_large")
		}
		return m.s("why.bad_answer")
	case tms.KindRedirect:
		return m.s("why.redirect")
	case tms.KindAmbiguousAnswer:
		return m.s("why.ambiguous")
	case tms.KindStopped:
		return m.s("why.stopped")
	}
	return m.s("why.other")
}

func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// WaitText says how long a wait is, in lang ("en", else Traditional
// Chinese), as people say it: "90 秒", "5 minutes", "24 hours".
func WaitText(d time.Duration, lang string) string {
	n, unit := int64(d.Round(time.Second)/time.Second), "second"
	switch {
	case d >= 2*time.Hour:
		n, unit = int64(d.Round(time.Hour)/time.Hour), "hour"
	case d >= 2*time.Minute:
		n, unit = int64(d.Round(time.Minute)/time.Minute), "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return messages(lang).s("wait."+unit, n)
}

// where names the file and row of an earlier create: "客戶.xlsx 第 5 列".
func (m catalogMessages) where(c *ledger.Create) string {
	name := filepath.Base(c.Source)
	if c.Sheet != "" {
		name += " [" + c.Sheet + "]"
	}
	return m.s("where", name, c.Row)
}

func (m catalogMessages) Unchanged() string { return m.s("unchanged") }

// ledgerOK is the note on a create settled from the ledger.
func (m catalogMessages) LedgerOK(c *ledger.Create) string {
	return m.s("ledger_ok", when(c.Updated), m.where(c), c.CCODE)
}

// held explains a row held as UNKNOWN by the ledger's rules.
func (m catalogMessages) Held(d decide.Decision) string {
	c := d.Record
	if d.Match == decide.SameContent {
		return m.s("held_same", when(c.Created), m.where(c), HintDoResendUnknown)
	}
	code := c.CCODE
	if code == "" {
		code = "?"
	}
	how := map[decide.Match]string{decide.SameTaxID: "match.tax_id", decide.SameName: "match.name", decide.SameRow: "match.row"}[d.Match]
	howText := ""
	if how != "" {
		howText = m.s(how)
	}
	return m.s("held_edited", code, m.where(c), when(c.Created), howText, HintDoResendUnknown)
}

// wouldSettle is a check's note on a row the import would not send.
func (m catalogMessages) WouldSettle(d decide.Decision) string {
	if d.Record == nil {
		return m.s("would_not_send_row", m.Unchanged())
	}
	return m.s("would_not_send_row", m.LedgerOK(d.Record))
}

// wouldHold is a check's note on a row the import would hold as UNKNOWN.
func (m catalogMessages) WouldHold(d decide.Decision) string {
	return m.s("would_hold", m.Held(d))
}

// wouldNotSend is a check's file-level note on what the ledger knows.
func (m catalogMessages) wouldNotSend(settle, hold int) string {
	return m.s("would_not_send", settle, hold)
}

// StopText says in lang why sending stopped early (Summary.StopErr), in
// the catalog's words: TMS's own code and message where it refused, never
// Go or network error text. "" for a nil err. Hints are the catalog's
// neutral words; StopMessage takes a front end's.
func StopText(err error, lang string) string { return StopMessage(err, msg.In(lang)) }

// StopMessage is StopText rendered by a front end's Printer (its
// language and its words for hints).
func StopMessage(err error, p msg.Printer) string {
	if err == nil {
		return ""
	}
	m := messagesWith(p.Lang, p.Hints)
	if be := (*BusyError)(nil); errors.As(err, &be) {
		return m.s("stop.busy", be.Rows, be.Code)
	}
	if re := (*RefusedError)(nil); errors.As(err, &re) && !errors.Is(err, ErrTimestampRefused) {
		return m.s("stop.refused", re.Rows, re.Code, msg.Clip(re.Message, 200))
	}
	return m.Why(err)
}

// Lang is the language the messages are in.
func (m catalogMessages) Lang() string { return m.lang }
