package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/internal/detail"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// texts holds the page's words, [0] Traditional Chinese, [1] English,
// in the one message catalog (namespace "ui").
var texts = msg.Register("ui", msg.Table{
	"title":             {"客戶匯入 TMS 獲利王", "Import customers into TMS"},
	"stepFile":          {"選擇檔案", "Choose file"},
	"stepMap":           {"對應欄位", "Match columns"},
	"stepCheck":         {"檢查修正", "Check and fix"},
	"stepImport":        {"匯入", "Import"},
	"dropHere":          {"把 Excel 或 CSV 拖到這裡,或按這裡選擇檔案", "Drop an Excel or CSV file here, or click to choose one"},
	"chooseFile":        {"選擇檔案…", "Choose a file…"},
	"noFileChosen":      {"尚未選擇檔案", "No file chosen"},
	"st-OK":             {"成功", "OK"},
	"st-VALID":          {"可匯入", "Valid"},
	"st-INVALID":        {"錯誤", "Invalid"},
	"st-SKIPPED":        {"略過", "Skipped"},
	"st-NOT_SENT":       {"未送出", "Not sent"},
	"st-FAILED":         {"失敗", "Failed"},
	"st-UNKNOWN":        {"不確定", "Unknown"},
	"forbiddenTitle":    {"無法開啟這個頁面", "This page cannot be opened"},
	"forbiddenWhat":     {"這個網址只能開啟一次,或不是由這台電腦上的匯入程式提供。", "This address can be opened once only, or it does not come from the import program on this computer."},
	"forbiddenDo":       {"請關閉這個分頁,回到啟動匯入程式時出現的視窗,按它顯示的網址開啟;若網址已用過,請關閉匯入程式後重新啟動,會得到新的網址。", "Close this tab and open the address the import program showed when it started; if that address was used already, close the import program and start it again for a new one."},
	"checking":          {"讀取並檢查中…", "Reading and checking…"},
	"rowsUnit":          {"列", "rows"},
	"encoding":          {"編碼", "Encoding"},
	"sheet":             {"工作表", "Sheet"},
	"headerRow":         {"標題列", "Header row"},
	"auto":              {"自動", "automatic"},
	"rowN":              {"第 %d 列", "row %d"},
	"noFile":            {"還沒有選擇檔案。", "No file chosen yet."},
	"fileCol":           {"檔案的欄位", "Column in the file"},
	"tmsField":          {"TMS 欄位", "TMS field"},
	"examples":          {"範例值", "Examples"},
	"notImported":       {"不匯入", "Not imported"},
	"unmatched":         {"(不認得,不匯入)", "(not recognised: not imported)"},
	"saveMapping":       {"存成對應檔", "Save as mapping file"},
	"errorsOnly":        {"只看錯誤", "Errors only"},
	"find":              {"尋找", "Find"},
	"replaceWith":       {"取代為", "Replace with"},
	"inColumn":          {"欄位", "Column"},
	"allColumns":        {"全部欄位", "All columns"},
	"preview":           {"預覽", "Preview"},
	"replaceDo":         {"取代", "Replace"},
	"undo":              {"復原", "Undo"},
	"willChange":        {"%d 個儲存格會變更", "%d cells will change"},
	"changed":           {"已變更 %d 個儲存格", "%d cells changed"},
	"nothingFound":      {"找不到「%s」", "%q was not found"},
	"row":               {"列", "Row"},
	"status":            {"狀態", "Status"},
	"pageOf":            {"第 %d / %d 頁", "Page %d of %d"},
	"prev":              {"上一頁", "Previous"},
	"next":              {"下一頁", "Next"},
	"editHint":          {"點一下紅色的儲存格,輸入後按 Enter:這一列會馬上重新檢查。方向鍵移動,Tab 到下一格。", "Click a red cell, type, press Enter: the row is checked again at once. Arrow keys move, Tab goes on."},
	"noRows":            {"沒有要顯示的列。", "No rows to show."},
	"conn":              {"連線", "Connection"},
	"url":               {"TMS 網址", "TMS URL"},
	"pno":               {"公司代號", "Company (pno)"},
	"pronum":            {"廠商代號", "Vendor code (ProNum)"},
	"sign":              {"簽章方式", "Signing recipe"},
	"signDefault":       {"預設 (sha512)", "default (sha512)"},
	"signCustom":        {"自訂…", "Custom…"},
	"signCustomLabel":   {"自訂簽章方式", "Custom recipe"},
	"signCustomHint":    {"自訂的簽章方式,例如 sha512:{pno}{timestamp}{key}", "A custom recipe, e.g. sha512:{pno}{timestamp}{key}"},
	"signOf":            {"(%s)", " (%s)"},
	"signJoin":          {"、", ", "},
	"signIsDefault":     {"・預設", " · default"},
	"sign-pno":          {"公司代號", "company"},
	"sign-timestamp":    {"時間", "time"},
	"sign-key":          {"金鑰", "key"},
	"sign-body":         {"資料內容", "body"},
	"key":               {"API 金鑰", "API key"},
	"keySet":            {"金鑰已設定 ✓(留空表示不變)", "Key set ✓ (leave empty to keep it)"},
	"keyMissing":        {"請輸入金鑰(只存在這台電腦的記憶體中)", "Type the key (kept in memory only)"},
	"keyOK":             {"金鑰已設定 ✓", "key set ✓"},
	"keyNone":           {"尚未設定金鑰", "no key yet"},
	"saveConn":          {"儲存連線設定", "Save connection"},
	"testConn":          {"測試連線", "Test connection"},
	"testConnHint":      {"送出一個唯讀的查詢 (不會建立任何資料),確認網址、公司代號、金鑰與簽章方式;簽章被拒時會逐一試用已知的簽章方式。", "Sends one read-only query (nothing is created) to check the URL, company, key and signing recipe; when the signature is refused, the known recipes are tried."},
	"applyRecipe":       {"套用", "Apply"},
	"recipeApplied":     {"簽章方式已改為 %s。", "The signing recipe is now %s."},
	"badRecipe":         {"這不是可用的簽章方式。", "That is not a usable signing recipe."},
	"connSaved":         {"連線設定已儲存。", "Connection saved."},
	"importN":           {"匯入 %d 筆", "Import %d rows"},
	"importNone":        {"匯入", "Import"},
	"skipHidden":        {"略過 Excel 中隱藏的列", "Leave out rows hidden in Excel"},
	"resendUnknown":     {"重新送出「不確定」的列(已在 TMS 查過,確定沒有建立)", "Send UNKNOWN rows again (checked in TMS: they were not created)"},
	"alreadyN":          {"產生結果檔 (%d 筆先前已匯入,不會再送出)", "Write the results (%d rows imported before: nothing is sent again)"},
	"needConn":          {"請先完成連線設定(網址、公司代號、金鑰)。", "Complete the connection first (URL, company, key)."},
	"needRows":          {"沒有可以匯入的列。", "No rows to import."},
	"nothingSent":       {"按下「匯入」之前,不會傳送任何資料。", "Nothing is sent until you press Import."},
	"pause":             {"暫停", "Pause"},
	"resume":            {"繼續", "Resume"},
	"stop":              {"停止", "Stop"},
	"importing":         {"匯入中", "Importing"},
	"paused":            {"已暫停", "Paused"},
	"perSec":            {"實際送出速率 %.1f 筆/秒", "sent %.1f rows/s"},
	"eta":               {"約 %d 秒", "about %d s"},
	"done":              {"完成", "Done"},
	"stopped":           {"已停止:%s", "Stopped: %s"},
	"stoppedUser":       {"您按了停止,其餘的列沒有傳送(未送出)。", "You pressed Stop; the other rows were not sent (NOT_SENT)."},
	"stoppedTMS":        {"TMS 沒有回應或一直拒絕,其餘的列沒有傳送(未送出)。", "TMS did not answer or kept refusing; the other rows were not sent (NOT_SENT)."},
	"download":          {"下載結果檔 %s", "Download the results %s"},
	"unknownWhy":        {"「不確定」的列:送出了,但沒有收到 TMS 的回覆,不知道客戶是否已建立。請先到 TMS 查看,不要直接重送。", "UNKNOWN rows were sent but TMS's answer never came: the customer may or may not exist. Look in TMS before sending them again."},
	"importFailed":      {"無法匯入:%s", "Could not import: %s"},
	"trySearch":         {"按「測試連線」會逐一試用已知的簽章方式,找出 TMS 接受的那一種。", "Press “Test connection” to try the known signing recipes and find the one TMS accepts."},
	"refusedBefore":     {"TMS 拒絕了連線設定,沒有傳送任何資料:", "TMS refused the connection settings; nothing was sent:"},
	"continueN":         {"繼續匯入剩下的 %d 筆", "Import the remaining %d rows"},
	"staleTab":          {"這個分頁的內容已過期,請重新整理。(另一個分頁換了檔案或設定;這次沒有做任何變更。)", "This tab is out of date: reload it. (Another tab changed the file or the settings; nothing was changed now.)"},
	"reload":            {"重新整理", "Reload"},
	"imported":          {"這份檔案已匯入;修改儲存格或選擇新檔案後可再匯入。", "This file was imported; change a cell or choose a new file to import again."},
	"busy":              {"匯入進行中,請等它結束或按停止。", "An import is running: wait for it or press Stop."},
	"ledgerBusy":        {"另一個匯入(可能是命令列)正在使用同一個 TMS,請等它結束再試。", "Another import (perhaps the command line) is using the same TMS: try again when it ends."},
	"ledgerLost":        {"匯入紀錄不見了或是空的:請通知 IT 從備份放回。為了避免重複建立客戶,沒有傳送任何資料。", "The ledger is missing or empty: ask IT to put it back from a backup. To avoid creating customers twice, nothing was sent."},
	"ledgerUnreachable": {"連不上共用匯入紀錄的資料庫伺服器 (PostgreSQL),為了避免重複建立客戶,沒有傳送任何資料:請確認網路與資料庫伺服器 (或請資訊人員檢查設定),恢復後再按「匯入」。", "The shared ledger's PostgreSQL server cannot be reached; to avoid creating customers twice, nothing was sent. Check the network and the database server, or ask IT to check ledger_url; then press Import again."},
	"ledgerBad":         {"無法開啟匯入紀錄,為了避免重複建立客戶,沒有傳送任何資料。", "The ledger could not be opened; to avoid creating customers twice, nothing was sent."},
	"connBad":           {"連線設定有誤:%s", "The connection settings are wrong: %s"},
	"noURL":             {"請填寫 TMS 網址。", "Fill in the TMS URL."},
	"noPNO":             {"請填寫公司代號 (pno)。", "Fill in the company (pno)."},
	"noKey":             {"請輸入 API 金鑰。", "Type the API key."},
	"badMapping":        {"欄位對應有誤,請重新選擇。", "The column choices do not work together: choose again."},
	"tempFailed":        {"無法建立暫存檔。", "Could not create a temporary file."},
	"tooBig":            {"檔案太大(上限 %d MB)。", "The file is too large (limit %d MB)."},
	"tooManyRows":       {"檔案的列數太多(上限 %d 列)。", "The file has too many rows (limit %d)."},
	"noUpload":          {"沒有收到檔案,請再選一次。", "No file arrived: choose it again."},
	"empty":             {"檔案是空的。", "The file is empty."},
	"notSheet":          {"這不是 CSV 或 Excel (.xlsx) 檔案。", "This is not a CSV or Excel (.xlsx) file."},
	"legacyXLS":         {"舊版 .xls 檔:請在 Excel 開啟後另存成 .xlsx。", "An old .xls workbook: open it in Excel and save it as .xlsx."},
	"encrypted":         {"活頁簿有密碼保護:請在 Excel 移除密碼後再試。", "The workbook is password-protected: remove the password in Excel and try again."},
	"badEncoding":       {"檔案的文字編碼無法辨識(請存成 UTF-8 或 Big5 的 CSV)。", "The file's text encoding is not readable (save it as UTF-8 or Big5 CSV)."},
	"noKnownCol":        {"找不到認得的標題列:請確認有「客戶代號」「客戶名稱」等欄位,或在「對應欄位」選擇。", "No known header row: check for columns such as 客戶代號 (CCODE), or match the columns."},
	"dupField":          {"有兩個欄位對應到同一個 TMS 欄位:請在「對應欄位」把其中一個改成「不匯入」。", "Two columns feed the same TMS field: set one of them to Not imported."},
	"noCodeCol":         {"沒有「客戶代號」欄,但有一欄看起來像客戶代號:請在「對應欄位」選擇它(或設為不匯入)。", "No column feeds CCODE but one looks like a customer code: match it (or set it to Not imported)."},
	"damaged":           {"活頁簿已損壞:請在 Excel 開啟後重新儲存。", "The workbook is damaged: open it in Excel and save it again."},
	"readFailed":        {"無法讀取檔案:%s", "The file could not be read: %s"},
	"readFailedPlain":   {"無法讀取檔案:請確認它是 Excel (.xlsx) 或 CSV 檔,在 Excel 開啟後重新儲存再試。", "The file could not be read: check that it is an Excel (.xlsx) or CSV file, open it in Excel, save it again and retry."},
	"rowWhy":            {"%s%s", "%s: %s"},
	"whyQuote":          {"的引號 (\") 沒有成對:請檢查這一列,或在 Excel 開啟後重新儲存", "a quote (\") is not closed: check that row, or open the file in Excel and save it again"},
	"whyCellTooLarge":   {"有一格太長 (是不是有引號沒有關上?)", "a cell is too long (is a quote left open?)"},
	"withDetail":        {"%s(%s)。", "%s (%s)."},
	"warnings":          {"注意", "Note"},
	"headerPick":        {"換一列當標題(預覽前幾列)", "pick another row (a preview of the first rows)"},
	"alsoSheets":        {"一起匯入的工作表:", "Import these sheets together:"},
	"alsoShown":         {"畫面上的工作表一定會匯入", "The sheet shown is always imported"},
	"alsoNote":          {"也會匯入工作表:%s(這些工作表的列在匯入時檢查,結果在同一個結果檔)。", "The sheets %s go too (their rows are checked as they are imported; the results are in the same workbook)."},
	"sheetOf":           {"工作表「%s」(%d/%d)", "sheet “%s” (%d of %d)"},
	"cellAt":            {"第 %d 列 %s 欄", "row %d, column %s"},
	"andMore":           {"…還有 %d 個", "… and %d more"},
	"serialWas":         {"Excel 日期序號 %s", "Excel date serial %s"},
	"preloadFailed":     {"無法開啟「%s」,請在這裡重新選擇檔案。", "“%s” could not be opened: choose the file here again."},
	// A password-protected workbook.
	"passwordAsk":   {"「%s」有密碼保護,請輸入開啟密碼:", "“%s” is password-protected: type its password:"},
	"passwordOpen":  {"開啟", "Open"},
	"passwordHint":  {"密碼只用來開啟這個檔案,不會儲存。", "The password only opens this file; it is not stored."},
	"passwordWrong": {"密碼不對,請再輸入一次。", "That password is wrong: type it again."},
	"passwordNone":  {"請輸入密碼。", "Type the password."},
	// 信用額度's default.
	"creditDefault": {"信用額度預設值", "Default credit limit"},
	"creditWhy":     {"新增客戶時必須有信用額度:檔案沒有這一欄或格子空白時,用這個值。", "A new customer needs a credit limit: this value is used where the file has no column or an empty cell."},
	"creditMissing": {"新增客戶時必須有信用額度,但檔案沒有這一欄:沒有代號的列,以及 TMS 尚無此代號的列都會新增失敗。請填入「信用額度預設值」,或在檔案加上「信用額度」欄。", "A new customer needs a credit limit and the file has no such column: rows without a code, and rows whose code TMS does not have yet, would fail. Fill in “Default credit limit”, or add a 信用額度 column to the file."},
	"fixHere":       {"在這裡填入", "Fill it in here"},
	// Mapping files and the remembered choices.
	"loadMapping":       {"載入對應檔…", "Load a mapping file…"},
	"noMappingFile":     {"(未載入對應檔)", "(no mapping file loaded)"},
	"mappingLoaded":     {"已載入對應檔(%d 個欄位)。", "The mapping file is loaded (%d columns)."},
	"mappingBad":        {"這不是可用的對應檔(欄位名稱或 TMS 欄位代號有誤):請用「存成對應檔」存下的檔案。", "This is not a usable mapping file (a column or a TMS field is wrong): use one saved with “Save as mapping file”."},
	"rememberedOffer":   {"這台電腦記得這組欄位在 %s 用過的對應(與目前不同的有 %d 欄)。", "This PC remembers the column choices made for these headers on %s (%d differ from the ones now)."},
	"rememberedApply":   {"套用上次的對應", "Use them again"},
	"rememberedApplied": {"已套用上次的對應。", "The column choices of last time are in use."},
	// The customers TMS already has.
	"updateExisting":    {"更新已存在的客戶", "Update existing customers"},
	"updateExistingWhy": {"(沒有代號、但統一編號與 TMS 既有客戶相同的列,改為更新該客戶)", "(rows without a code that have an existing customer's 統一編號 update that customer)"},
	"existingTitle":     {"既有客戶清單", "Existing customers"},
	"existingHint":      {"從 TMS 客戶資料畫面匯出的 Excel 或 CSV(須有「客戶代號」欄):沒有代號的列,統一編號或名稱與其中客戶相同時不會再建立。", "TMS's customer list exported as Excel or CSV (with a 客戶代號 column): rows without a code whose 統一編號 or name is one of these customers' are not created again."},
	"existingAsOf":      {"資料日期", "As of"},
	"existingLoad":      {"載入清單", "Load the list"},
	"existingNone":      {"尚未載入既有客戶清單:沒有代號的列無法比對 TMS 已有、但不是由本程式建立的客戶。", "No list of existing customers yet: rows without a code cannot be matched with the customers TMS has that custimport did not create."},
	"existingLoaded":    {"已載入 %d 位既有客戶(%d 位有統一編號),資料日期 %s。", "Loaded %d existing customers (%d with a 統一編號), as of %s."},
	"existingBad":       {"無法讀取既有客戶清單:%s", "The list of existing customers could not be read: %s"},
	"existingNoCode":    {"既有客戶清單沒有「客戶代號」欄:請上傳 TMS 匯出的客戶資料。", "The list has no 客戶代號 (customer code) column: upload the customer list exported from TMS."},
	"existingEmpty":     {"既有客戶清單中沒有任何有代號的客戶。", "The list holds no customer with a code."},
	"existingNeedConn":  {"請先填寫 TMS 網址與公司代號:清單存在該 TMS 的匯入紀錄中。", "Fill in the TMS URL and company first: the list is kept in that TMS's ledger."},
	"existingStale":     {"清單已超過 %d 天,請從 TMS 重新匯出並載入。", "The list is more than %d days old: export it from TMS again and load it."},
	"badDate":           {"資料日期有誤,請用 YYYY-MM-DD。", "The date is not valid: use YYYY-MM-DD."},
	"willCreate":        {"會新增客戶的列:%d", "Rows that create a customer: %d"},
})

// statusWords is "成功 3 · 未送出 1": the counts in the summaries'
// order, each status in words (#status keeps the codes: statusLine).
func statusWords(lang string, counts map[importer.Status]int) string {
	var parts []string
	for _, st := range importer.Statuses {
		if n := counts[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", statusName(lang, st), n))
		}
	}
	return strings.Join(parts, " · ")
}

// statusName is a row status in words for office staff (the code goes in
// the badge's tooltip).
func statusName(lang string, st importer.Status) string {
	if _, ok := texts["st-"+string(st)]; !ok {
		return string(st)
	}
	return text(lang, "st-"+string(st))
}

// pageHints are the page's words for what the library's messages
// suggest (msg.Hint): its own controls, never a command-line flag. A hint
// the page has no control for keeps the catalog's neutral words.
var pageHints = map[msg.Hint]msg.Text{
	importer.HintSkipHidden:      {"「" + texts["skipHidden"].ZH() + "」", "“" + texts["skipHidden"].EN() + "”"},
	importer.HintDoSkipHidden:    {"勾選「" + texts["skipHidden"].ZH() + "」", "tick “" + texts["skipHidden"].EN() + "”"},
	validate.HintChooseColumn:    {"或在「對應欄位」選擇它", "or choose it under “Match columns”"},
	importer.HintDoResendUnknown: {"勾選「" + texts["resendUnknown"].ZH() + "」後再匯入", "tick “" + texts["resendUnknown"].EN() + "”"},
}

// text returns a page text in lang, formatted with args.
func text(lang, key string, args ...any) string {
	p, ok := texts[key]
	if !ok {
		return key
	}
	return msg.In(lang).Format(p, args...)
}

func (ss *session) t(key string, args ...any) string { return text(ss.lang, key, args...) }

// fileMessage says why a file cannot be read or checked, in words for
// office staff: no Go error text for the errors known here; a parse error
// names its row.
func fileMessage(lang string, err error) string {
	var pe *source.ParseError
	switch {
	case errors.Is(err, errTooManyRows):
		return text(lang, "tooManyRows", DefaultMaxRows)
	case errors.Is(err, source.ErrEmptyFile):
		return text(lang, "empty")
	case errors.Is(err, source.ErrLegacyXLS):
		return text(lang, "legacyXLS")
	case errors.Is(err, source.ErrEncrypted):
		return text(lang, "encrypted")
	case errors.Is(err, source.ErrNotSpreadsheet), errors.Is(err, source.ErrNUL):
		return text(lang, "notSheet")
	case errors.Is(err, source.ErrBadEncoding), errors.Is(err, source.ErrMixedEncoding):
		return text(lang, "badEncoding")
	case errors.Is(err, mapping.ErrNoKnownColumn), errors.Is(err, mapping.ErrEmptyHeader):
		return withDetail(lang, "noKnownCol", err)
	case errors.Is(err, mapping.ErrDuplicateField):
		return withDetail(lang, "dupField", err)
	case errors.Is(err, mapping.ErrNoCodeColumn):
		return withDetail(lang, "noCodeCol", err)
	case errors.Is(err, importer.ErrDamagedRows), errors.Is(err, source.ErrCorrupt):
		return withDetail(lang, "damaged", err)
	case errors.Is(err, source.ErrTooLarge):
		if what, _ := detail.Of(err, lang); what != "" {
			return text(lang, "readFailed", what)
		}
	case errors.As(err, &pe) && pe.Line > 0:
		where := text(lang, "rowN", pe.Line)
		if why := parseWhy(lang, pe.Err); why != "" {
			where = text(lang, "rowWhy", where, why)
		}
		return text(lang, "readFailed", where)
	}
	if what, _ := detail.Of(err, lang); what != "" {
		return text(lang, "readFailed", what)
	}
	// The error itself is Go's or the library's English: the log has it.
	return text(lang, "readFailedPlain")
}

// parseWhy says what is wrong in a row the reader could not read, when
// it is known.
func parseWhy(lang string, err error) string {
	switch {
	case errors.Is(err, source.ErrQuote):
		return text(lang, "whyQuote")
	case errors.Is(err, source.ErrCellTooLarge):
		return text(lang, "whyCellTooLarge")
	}
	return ""
}

// withDetail is the page's advice key, followed by what err's fields say
// (which columns, which rows) when it carries them.
func withDetail(lang, key string, err error) string {
	advice := text(lang, key)
	what, _ := detail.Of(err, lang)
	if what == "" {
		return advice
	}
	return text(lang, "withDetail", strings.TrimRight(advice, "。."), what)
}

// importMessage says why an import could not start or ended early.
func importMessage(lang string, err error) string {
	var refused *importer.RefusedError
	switch {
	case errors.Is(err, ledger.ErrLocked):
		return text(lang, "ledgerBusy")
	case errors.Is(err, importer.ErrStoppedByUser):
		return text(lang, "stoppedUser")
	case errors.As(err, &refused) && probe.Hint(refused.Code, refused.Message, lang) != "":
		return text(lang, "stoppedTMS") + " " + refused.Code + " " + refused.Message + " → " + probe.Hint(refused.Code, refused.Message, lang)
	case errors.Is(err, importer.ErrTMSUnreachable), errors.Is(err, importer.ErrTMSRefuses):
		return text(lang, "stoppedTMS")
	}
	return fileMessage(lang, err)
}
