package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/custimport/custimport/importer/msg"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/inbox"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/existing"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/mapping"
)

// explanations say, for office staff, what to do about an error that
// stopped a run. The error itself stays as it is (exact, in English);
// the explanation follows it in the user's language.
var explanations = []struct {
	err  error
	code string // in the catalog, namespace cli.explain
}{
	{os.ErrNotExist, "not_exist"},
	{existing.ErrNoCodeColumn, "existing.no_code_column"},
	{source.ErrEmptyFile, "source.empty_file"},
	{source.ErrLegacyXLS, "source.legacy_xls"},
	{errPromptStopped, "prompt_stopped"},
	{errNoPasswordKeyed, "no_password_keyed"},
	{errPasswordTries, "password_tries"},
	{source.ErrWrongPassword, "source.wrong_password"},
	{source.ErrEncrypted, "source.encrypted"},
	{source.ErrNotSpreadsheet, "source.not_spreadsheet"},
	{source.ErrCorrupt, "source.corrupt"},
	{source.ErrTooLarge, "source.too_large"},
	{importer.ErrResultsTooWide, "importer.results_too_wide"},
	{importer.ErrSeveralLists, "importer.several_lists"},
	{source.ErrNoSheet, "source.no_sheet"},
	{source.ErrQuote, "source.quote"},
	{source.ErrNUL, "source.nul"},
	{source.ErrMixedEncoding, "source.mixed_encoding"},
	{source.ErrBadEncoding, "source.bad_encoding"},
	{source.ErrCellTooLarge, "source.cell_too_large"},
	{mapping.ErrNoKnownColumn, "mapping.no_known_column"},
	{mapping.ErrDuplicateField, "mapping.duplicate_field"},
	{mapping.ErrNoCodeColumn, "mapping.no_code_column"},
	{mapping.ErrMappingFile, "mapping.mapping_file"},
	{inbox.ErrLocked, "inbox.locked"},
	{connect.ErrStateDir, "connect.state_dir"},
	{connect.ErrLedgerElsewhere, "connect.ledger_elsewhere"},
	{connect.ErrOtherURL, "connect.other_url"},
	{ledger.ErrLocked, "ledger.locked"},
	{ledger.ErrLost, "ledger.lost"},
	{ledger.ErrCorrupt, "ledger.corrupt"},
	{ledger.ErrTimeout, "ledger.timeout"}, // before ErrUnreachable, which it also is
	{ledger.ErrUnreachable, "ledger.unreachable"},
	{ledger.ErrOtherURL, "ledger.other_url"},
	{connect.ErrNetworkLedger, "connect.network_ledger"},
	{settings.ErrLedgerPassword, "settings.ledger_password"},
	{ledger.ErrNewerSchema, "ledger.newer_schema"},
	{importer.ErrDamagedRows, "importer.damaged_rows"},
	{importer.ErrNoEarlierRun, "importer.no_earlier_run"},
	{importer.ErrTooManyInvalid, "importer.too_many_invalid"},
	{importer.ErrTimestampRefused, "importer.timestamp_refused"},
	{importer.ErrTMSRefuses, "importer.tms_refuses"},
	{importer.ErrTMSBusy, "importer.tms_busy"},
	{importer.ErrTMSUnreachable, "importer.tms_unreachable"},
}

// The explanations' words are registered (namespace "cli.explain").
var _ = msg.Register("cli.explain", msg.Table{
	"not_exist":                  {"找不到檔案:請確認檔名與資料夾。", "the file is not there: check its name and folder."},
	"existing.no_code_column":    {"既有客戶清單沒有「客戶代號」欄:請從 TMS 的客戶資料畫面匯出客戶清單 (須含客戶代號),或用 --mapping 對應檔指定代號的欄位。", "the list of existing customers has no 客戶代號 column: export the customer list from TMS's customer screen (with the customer codes), or map the code column with --mapping."},
	"source.empty_file":          {"檔案是空的。", "the file is empty."},
	"source.legacy_xls":          {"這是舊版 Excel (.xls) 檔:請在 Excel 另存為「Excel 活頁簿 (.xlsx)」後再匯入。", "this is an old Excel (.xls) file: save it as an Excel Workbook (.xlsx) first."},
	"prompt_stopped":             {"已在詢問密碼時停止,沒有送出任何資料。", "stopped at the password prompt; nothing was sent."},
	"no_password_keyed":          {"沒有輸入密碼,沒有送出任何資料:請再執行一次並輸入活頁簿的密碼。", "no password was typed, nothing was sent: run it again and type the workbook's password."},
	"password_tries":             {"密碼錯了 3 次,沒有送出任何資料:請向設定密碼的人確認密碼 (大小寫有別)。", "the password was wrong 3 times, nothing was sent: check it with whoever set it (capitals count)."},
	"source.wrong_password":      {"CUSTIMPORT_XLSX_PASSWORD 的密碼打不開這個活頁簿:請更正;或清除它,在終端機執行,程式會詢問密碼。", "the password in CUSTIMPORT_XLSX_PASSWORD does not open this workbook: correct it, or unset it and run in a terminal to be asked."},
	"source.encrypted":           {"檔案有密碼保護:請設定環境變數 CUSTIMPORT_XLSX_PASSWORD,或在終端機單獨匯入這個檔案,程式會詢問密碼。", "the workbook is password-protected: set CUSTIMPORT_XLSX_PASSWORD, or import this file by itself in a terminal to be asked for the password."},
	"source.not_spreadsheet":     {"這不是 CSV 或 Excel 檔:請在 Excel 另存為 .xlsx 或 CSV (UTF-8)。", "this is not a CSV or Excel file: save it from Excel as .xlsx or CSV UTF-8."},
	"source.corrupt":             {"Excel 檔已損壞:請用 Excel 開啟後另存新檔。", "the workbook is damaged: open it in Excel and save it again."},
	"source.too_large":           {"檔案過大:請分成幾個較小的檔案匯入,或用 --max-input-mb 提高上限。", "the file is too large: split it into smaller files, or raise --max-input-mb."},
	"importer.results_too_wide":  {"結果檔 (.xlsx) 一個工作表最多 16,384 欄,這個檔案加上結果欄超過了:請刪除用不到的空白欄 (Excel:選取欄 → 刪除),或把結果寫成 CSV (--results-format csv,或 --out 結果.csv)。", "an XLSX results sheet holds at most 16,384 columns, and this file with its results columns needs more: delete the empty columns you do not need, or write the results as CSV (--results-format csv, or --out results.csv)."},
	"importer.several_lists":     {"活頁簿有好幾個工作表都是客戶清單:請用 --sheet 指定要匯入的工作表 (例如 --sheet 北區,南區),或 --sheet all 全部匯入。", "several sheets hold a customer list: pass --sheet with the ones to import (e.g. --sheet 北區,南區), or --sheet all to import them all."},
	"source.no_sheet":            {"找不到指定的工作表:請用 --sheet 指定上面列出的名稱之一。", "no such sheet: pass --sheet with one of the names listed."},
	"source.quote":               {"CSV 的引號 (\") 不成對:請用 Excel 開啟該列檢查,或從 Excel 重新匯出 CSV。", "a quote (\") in the CSV is not closed: check that line, or export the CSV from Excel again."},
	"source.nul":                 {"檔案含有二進位資料:可能不是文字檔,或是沒有 BOM 的 UTF-16 檔;請從 Excel 另存為 CSV UTF-8。", "the file holds binary data: it may not be text, or UTF-16 without a BOM; save it from Excel as CSV UTF-8."},
	"source.mixed_encoding":      {"檔案混用了 Big5 與 UTF-8 編碼:請用 --encoding big5 或 --encoding utf-8 指定,或統一存成 UTF-8。", "the file mixes Big5 and UTF-8: pass --encoding big5 or --encoding utf-8, or save it all as UTF-8."},
	"source.bad_encoding":        {"檔案編碼不符:請用 --encoding big5 或 --encoding utf-8 指定正確的編碼。", "the text is not in the expected encoding: pass --encoding big5 or --encoding utf-8."},
	"source.cell_too_large":      {"某個儲存格內容過長 (超過 1 MB):請檢查該列。", "a cell is longer than 1 MB: check that row."},
	"mapping.no_known_column":    {"標題列沒有任何可辨識的欄位:請用 `custimport fields` 查看欄位名稱,或用 --mapping 對應檔指定。", "no header names a known field: see `custimport fields`, or map the columns with --mapping."},
	"mapping.duplicate_field":    {"兩個欄位對應到同一個 TMS 欄位:請刪除或改名其中一欄,或用 --mapping 對應檔指定。", "two columns feed the same TMS field: delete or rename one, or map them with --mapping."},
	"mapping.no_code_column":     {"有一欄看起來是客戶代號,卻沒有對應到 CCODE;照這樣匯入,每一列都會新增一位客戶。請將該欄改名為「客戶代號」,或用 --mapping 對應檔指定。", "a column looks like the customer code but does not map to CCODE; imported like this, every row would create a new customer. Rename it to 客戶代號, or map it with --mapping."},
	"mapping.mapping_file":       {"對應檔 (mapping) 有誤:請依訊息修正,範例見 samples/mapping.yaml。", "the mapping file is wrong: fix it as the message says; see samples/mapping.yaml."},
	"inbox.locked":               {"另一個 custimport 正在匯入同一個檔案或資料夾:請等它結束。", "another custimport run is importing this file or folder: wait for it to finish."},
	"connect.state_dir":          {"無法確定該用哪個使用者的記錄檔 (ledger) 資料夾 (用 sudo 或以另一個使用者的 HOME 執行):請用平常的帳號執行 (不需要系統管理員權限),或用 --state-dir 或 CUSTIMPORT_STATE_DIR 指定資料夾。", "custimport will not guess whose ledger folder to use (sudo, or another user's HOME): run it as your usual user (it needs no administrator rights), or name the folder with --state-dir or CUSTIMPORT_STATE_DIR."},
	"connect.ledger_elsewhere":   {"這個 TMS 的記錄檔 (ledger) 在舊版使用的資料夾 (XDG_STATE_HOME):請依訊息把檔案搬到新的資料夾,或設定 CUSTIMPORT_STATE_DIR 指向舊資料夾。", "this TMS's ledger is in the folder earlier versions used (XDG_STATE_HOME): move its files as the message says, or set CUSTIMPORT_STATE_DIR to that folder."},
	"connect.other_url":          {"這個公司代號 (pno) 有兩個記錄檔 (ledger),分在不同的 TMS 網址之下,無法合併:請保留最近還在使用的那一個 (custimport ledger runs),把另一個移開。", "this company (pno) has ledgers under two spellings of the TMS URL, which cannot be merged: keep the one with the latest runs (custimport ledger runs) and move the other aside."},
	"ledger.locked":              {"另一個 custimport 正在匯入到同一個 TMS:請等它結束,或加上 --wait 5m 等候。", "another custimport run is importing into the same TMS: wait for it to finish, or pass --wait 5m to wait for it."},
	"ledger.lost":                {"記錄檔 (ledger) 不見了或是空的 (它記得哪些客戶已建立,沒有它會重複建立客戶):請從備份把完整的記錄檔 (連同同名的 -wal 檔) 放回原處再執行;確定要從頭開始時才加上 --new-ledger (先前匯入的客戶可能會再建立一次)。", "the ledger is missing or empty (it remembers which customers were created; without it they would be created again): put the whole ledger file (with its -wal file) back from a backup and run again; only to start over on purpose, pass --new-ledger (customers imported before may be created again)."},
	"ledger.corrupt":             {"記錄檔 (ledger) 無法讀取:請保留該檔並聯絡 IT;custimport 在沒有它時不會送出,以免重複建立客戶。", "the ledger cannot be read: keep the file and call IT; custimport does not send without it, so no customer is created twice."},
	"ledger.unreachable":         {"連不上共用記錄檔 (ledger) 的 PostgreSQL 伺服器,沒有記錄就不會送出任何新增:請確認 ledger_url (--ledger-url、CUSTIMPORT_LEDGER_URL)、網路與資料庫伺服器,恢復後重新執行同一指令即可續傳 (中斷時正在送出的列會是 UNKNOWN)。", "the shared ledger's PostgreSQL server cannot be reached, and no create is sent without its record: check ledger_url (--ledger-url, CUSTIMPORT_LEDGER_URL), the network and the database server, then run the same command again to resume (rows in flight when it broke are UNKNOWN)."},
	"ledger.timeout":             {"共用記錄檔 (ledger) 的 PostgreSQL 伺服器沒有及時回應 (其他連線鎖住了記錄檔的資料表,或伺服器、網路停住了),沒有記錄就不會送出任何新增:請 IT 檢查 ledger_url (--ledger-url、CUSTIMPORT_LEDGER_URL) 指向的資料庫伺服器與網路,恢復後重新執行同一指令即可續傳 (停住時正在送出的列會是 UNKNOWN)。", "the shared ledger's PostgreSQL server did not answer in time (another session holds a lock on the ledger's tables, or the server or the network hangs), and no create is sent without its record: have IT check the database server ledger_url (--ledger-url, CUSTIMPORT_LEDGER_URL) points at, and the network, then run the same command again to resume (rows in flight when it stopped are UNKNOWN)."},
	"ledger.other_url":           {"若是同一個 TMS,請改用記錄檔裡的那個 TMS 網址 (url);確定是另一個 TMS 時,才加上 --new-ledger (或設定 new_ledger: true) 開新的記錄檔,否則先前建立的客戶可能會再建立一次。", "if it is the same TMS, use the TMS URL (url) the ledger has; only if it truly is another TMS, pass --new-ledger (or set new_ledger: true) to start a new ledger, otherwise customers created before may be created again."},
	"connect.network_ledger":     {"記錄檔 (ledger) 的資料夾在網路磁碟上:SQLite 在網路磁碟上的鎖定不可靠,兩台電腦共用可能重複建立客戶。請把資料夾放在本機磁碟,或請 IT 設定共用的 PostgreSQL 記錄檔 (ledger_url);確定了解風險才加上 --allow-network-ledger。", "the ledger's folder is on a network share: SQLite's locking is unreliable there, and two PCs sharing it could create a customer twice. Keep the folder on this PC's own disk, or have IT set up a shared PostgreSQL ledger (ledger_url); pass --allow-network-ledger only if you know the risk."},
	"settings.ledger_password":   {"設定檔的 ledger_url 不可含密碼:請把密碼放在 passfile (網址加上 passfile=檔案,或設定 PGPASSFILE) 或環境變數 PGPASSWORD。", "ledger_url in a config file must not carry a password: put it in a passfile (passfile=FILE in the URL, or PGPASSFILE) or in PGPASSWORD."},
	"ledger.newer_schema":        {"記錄檔 (ledger) 由較新版的 custimport 寫入:請改用較新版本。", "the ledger was written by a newer custimport: use that version."},
	"importer.damaged_rows":      {"Excel 檔的列號重複或倒退 (檔案已損壞):請用 Excel 開啟後另存新檔再匯入。", "the workbook's row numbers repeat or go backwards (it is damaged): open it in Excel, save it again and import that."},
	"importer.no_earlier_run":    {"--only-failed 找不到此檔先前的匯入紀錄:請改匯入上次的結果檔,或拿掉 --only-failed。", "--only-failed found no earlier run of this file: import the last results file instead, or leave out --only-failed."},
	"importer.too_many_invalid":  {"INVALID 的列超過 --max-invalid (設定檔 max_invalid) 允許的數量,整份檔案都沒有送出:多半是拿錯檔案 (另一份匯出、欄位錯位)。請打開結果檔看紅色儲存格,確認是正確的檔案、修正後再匯入。", "more rows are INVALID than --max-invalid (config max_invalid) allows, so nothing of the file was sent: it is usually the wrong file (another export, a shifted column). Open the results to see the red cells; make sure it is the right file, fix it and import it again."},
	"importer.timestamp_refused": {"TMS 拒絕了請求的時間戳記 (9003):這台電腦的時鐘或時區不準。請校正時間 (Windows:設定 → 時間與語言 → 立即同步),然後重新執行同一指令即可續傳。", "TMS refuses the requests' timestamp (9003): this computer's clock or time zone is off. Set the time right (Windows: Settings → Time & language → Sync now), then run the same command again to resume."},
	"importer.tms_refuses":       {"TMS 拒絕了每一筆請求本身:請確認 TMS_API_KEY、TMS_PNO、TMS_PRONUM 與簽章方式 (--sign-recipe,需向 TMS 確認),修正後重新執行同一指令即可續傳。", "TMS refuses the requests themselves: check TMS_API_KEY, TMS_PNO, TMS_PRONUM and the signing recipe (--sign-recipe, to confirm with TMS); then run the same command again to resume."},
	"importer.tms_busy":          {"TMS 一直回覆「忙碌」(HTTP 429/503):請依 TMS 要求的等待時間稍後再重新執行同一指令即可續傳;若一直如此,請聯絡 TMS 管理者。", "TMS keeps answering busy (HTTP 429/503): run the same command again after the wait TMS asked for to resume; if it stays busy, call whoever runs TMS."},
	"importer.tms_unreachable":   {"TMS 沒有回應:請確認網址、網路與 TMS 是否正常;修正後重新執行同一指令即可續傳。", "TMS does not answer: check the URL, the network and TMS; then run the same command again to resume."},
})

// failErr reports an error that stopped a run, with an explanation when
// one is known, and returns ExitCantRun.
func failErr(io IO, lang string, err error) int { return failOn(io, lang, "", err) }

// failOn reports an error that stopped the run of subject (a file; "" when
// there is none, or the error names its own): in text mode, the fatal line
// in lang (fatalLine) and the explanation, with the error underneath only
// under --verbose; in JSON mode the error as it is (for logs), and the
// explanation. It returns ExitCantRun.
func failOn(io IO, lang, subject string, err error) int {
	var pe *precheckError
	if errors.As(err, &pe) {
		return ExitCantRun // the connection test has said why
	}
	hint := explanation(err, lang)
	if _, json := io.Err.(*jsonLines); json {
		fmt.Fprintf(io.Err, "custimport: %v\n", err)
	} else {
		fmt.Fprintf(io.Err, "custimport: %s\n", fatalLine(err, lang, subject))
	}
	if hint != "" {
		fmt.Fprintf(io.Err, "  → %s\n", hint)
	}
	if _, json := io.Err.(*jsonLines); !json && io.verbose {
		fmt.Fprintf(io.Err, "  (%v)\n", err) // --verbose: the error underneath, as it is
	}
	return ExitCantRun
}

// explanation returns what to do about err, or "".
func explanation(err error, lang string) string {
	if hint := refusedExplanation(err, lang); hint != "" {
		return hint
	}
	var other *connect.OtherURLError
	if errors.As(err, &other) {
		return "" // its fatal line says what to do
	}
	for _, e := range explanations {
		if errors.Is(err, e.err) {
			return printer(lang).Sprint("cli.explain." + e.code)
		}
	}
	return ""
}

// refusedExplanation names the settings, and where they are set, of a
// run TMS stopped by refusing its requests with a code known to point at
// a setting; "" for any other error.
func refusedExplanation(err error, lang string) string {
	var re *importer.RefusedError
	if !errors.As(err, &re) || errors.Is(err, importer.ErrTimestampRefused) {
		return ""
	}
	v, ok := probe.Refusal(re.Code, re.Message)
	if !ok {
		return ""
	}
	s := ot(lang, "refused", strings.TrimSpace(re.Code+" "+re.Message), v.CheckLine(lang, settingWhere(lang)))
	if v.Code == probe.Signature {
		s += ot(lang, "refusedFind")
	}
	return s + ot(lang, "refusedEnd")
}
