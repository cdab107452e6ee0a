package cli

import (
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/custimport/custimport/importer/msg"
)

// The words of --help: the commands, what each does, and every flag, in
// the run's language (--lang on the command line, else the locale's).
// A flag's text is "flag.<command>.<flag>" when the command has its own
// words for it, else "flag.<flag>"; the command is its name with "_" for
// a space (config_check). Flag names, placeholders (FILE.yaml) and
// defaults are shown as they are.
var _ = msg.Register("cli.help", msg.Table{
	"title":    {"custimport:把客戶資料大量匯入 TMS 獲利王 (/Cust/Add)", "custimport — bulk-import customers into TMS 獲利王 (/Cust/Add)"},
	"usage":    {"用法:custimport <指令> [選項] [引數]", "Usage: custimport <command> [flags] [arguments]"},
	"commands": {"指令:", "Commands:"},
	"more":     {"執行 custimport <指令> --help 可看到該指令的選項。", "Run `custimport <command> --help` for a command's flags."},
	"exit":     {"結束代碼:0 每一列都 OK/VALID,1 有些列不是 OK,2 無法執行。", "Exit codes: 0 every row OK/VALID, 1 some rows not OK, 2 could not run."},
	"cmd_line": {"用法:custimport %s [選項] %s", "Usage: custimport %s [flags] %s"},
	"flags":    {"選項:", "Flags:"},
	// A command's arguments, when they hold words (the others, FILE or
	// [FILE], are shown as they are).
	"args.config_check": {"FILE.yaml (使用 --online 時可省略)", "FILE.yaml (optional with --online)"},
	"args.ledger":       {"find 文字 | load-existing FILE | export FILE.csv | runs | move --to-url URL | where", "find TEXT | load-existing FILE | export FILE.csv | runs | move --to-url URL | where"},
	"unknown_command":   {"不認得的指令 %q", "unknown command %q"},
	"default":           {"(預設 %s)", "(default %s)"},
	"default_text":      {"(預設%q)", "(default %q)"},
	// The kinds of value a flag takes, when its words name none.
	"type.string":   {"文字", "string"},
	"type.int":      {"整數", "int"},
	"type.uint":     {"整數", "uint"},
	"type.float":    {"數字", "float"},
	"type.duration": {"時間長度", "duration"},
	"type.value":    {"值", "value"},

	"cmd.import":   {"把 CSV/XLSX 檔 (或整個資料夾的檔案) 匯入 TMS", "import a CSV/XLSX file (or a folder of them) into TMS"},
	"cmd.check":    {"檢查檔案,不送出任何資料 (等於 custimport import --dry-run)", "validate a file without sending anything (same as import --dry-run)"},
	"cmd.demo":     {"把範例檔匯入內建的模擬器並顯示結果", "import the sample file into the built-in simulator and show the results"},
	"cmd.sim":      {"執行 TMS /Cust/Add 模擬器", "run the TMS /Cust/Add simulator"},
	"cmd.ui":       {"開啟本機網頁:選擇檔案、在畫面上修正、匯入、下載結果檔", "serve the local web page: choose a file, fix it on screen, import, download the results"},
	"cmd.fields":   {"列出每個主檔欄位:代號、名稱、型態、可用的值與預設值", "list every Main field: code, label, type, allowed values, defaults"},
	"cmd.template": {"產生空白的匯入範本:下拉選單與長度限制", "write an empty input sheet with dropdowns and length limits"},
	"cmd.ledger":   {"查看匯入紀錄 (ledger):找客戶、匯出、執行紀錄、搬到新的 TMS 網址", "look into the ledger: find a customer, export, runs, move to a new TMS URL"},
	"cmd.config":   {"檢查設定檔並列出實際生效的設定 (custimport config check)", "check a config file and print the effective settings (config check)"},
	"cmd.schedule": {"每晚自動匯入:安裝、查看或移除系統的排程工作", "run the import every night: install, status or remove the system's scheduled task"},
	"cmd.notify":   {"透過設定檔 notify: 的管道送出測試訊息 (notify test)", "send a test message over the config's notify: channels (notify test)"},
	"cmd.version":  {"顯示版本", "print the version"},

	"about.import": {"把 CSV 或 XLSX 檔的客戶透過 /Cust/Add 匯入 TMS。每一列都會寫入結果檔,ImportStatus 為 OK、FAILED、INVALID、UNKNOWN 或 NOT_SENT (--dry-run 時為 VALID/INVALID)。金鑰取自 TMS_API_KEY 或 --key-file,不接受以選項直接輸入。",
		importAbout},
	"about.check": {"檢查 CSV 或 XLSX 檔並寫出結果檔;不送出任何資料。", "Validate a CSV or XLSX file and write the results sheet; nothing is sent."},
	"about.demo": {"在程式內啟動 TMS 模擬器 (本機的空閒連接埠),並以實際的傳送流程匯入 samples/customers.xlsx (或 FILE):簽章、速率限制、重試、結果檔與摘要。",
		"Start the TMS simulator in-process on a free loopback port and import\nsamples/customers.xlsx (or FILE) through the real send path: signing,\nrate limit, retries, results file and summary."},
	"about.sim": {"執行 TMS /Cust/Add 模擬器 (供測試、示範與試用設定)。它讀取與 custimport import 相同的設定 (TMS_PNO、TMS_PRONUM、TMS_API_KEY 或 --key-file、TMS_SIGN_RECIPE),所以同一個環境下的 custimport sim 與 custimport import 可以互相搭配。GET /_sim/customers 會列出模擬器存的客戶;POST /Product/QueryList 以相同的標頭與簽章檢查回應 custimport config check --online 的唯讀查詢。",
		"Run the TMS /Cust/Add simulator (for tests, demos and trying settings).\nIt reads the same settings as import (TMS_PNO, TMS_PRONUM, TMS_API_KEY or\n--key-file, TMS_SIGN_RECIPE), so `custimport sim` and `custimport import`\nwith the same environment work together. GET /_sim/customers dumps the store.\nPOST /Product/QueryList answers the read-only query of\n`custimport config check --online` with the same header and signature checks."},
	"about.ui": {"開啟給辦公室同仁用的本機網頁:選擇 CSV/XLSX 檔、在畫面上修正、匯入並下載結果檔。網頁只在 127.0.0.1 上;請開啟程式印出的網址 (含一次性的通行碼)。連線設定取自設定檔與環境變數;金鑰取自 TMS_API_KEY 或 --key-file,或在網頁上輸入 (只存在記憶體中)。指定 FILE (或把檔案拖到 custimport.exe 上) 時,網頁開啟時就已載入並檢查該檔案。",
		uiAbout},
	"about.fields":   {"列出 /Cust/Add 主檔的每個欄位 (檢查時使用的同一份欄位表)。", "List every field of the /Cust/Add Main object, from the catalog the validator uses."},
	"about.template": {"產生空白的匯入範本:每個欄位一欄、中文標題、可選值的下拉選單、長度限制,以及每一欄的填寫提示。", "Write an empty input sheet: one column per field, Chinese label headers, dropdowns for enumerated fields, length limits and an input hint per column."},
	"about.ledger": {"查看匯入紀錄 (ledger):每個 TMS 一份,記得 custimport 建立過的每位客戶、TMS 接受過的每個代號的內容,以及 TMS 原有的客戶。它存放在使用者本機的狀態資料夾 (--state-dir、CUSTIMPORT_STATE_DIR)。\n\n" +
		"  custimport ledger find 文字        以代號、名稱或統編找客戶:建立它的那次執行、送出的代號、既有客戶清單\n" +
		"  custimport ledger load-existing FILE [--as-of 日期]\n                                     載入 (或取代) TMS 原有客戶的清單:TMS 的客戶匯出檔 (含客戶代號欄的 .xlsx/.csv);沒有代號、但與其中一位相符的列不會再建立\n" +
		"  custimport ledger export FILE.csv  每一筆新增,匯出成 CSV 備份\n" +
		"  custimport ledger runs             最近幾次執行\n" +
		"  custimport ledger move --to-url URL [--to-pno P --to-pronum N]\n                                     TMS 搬家了:把它的匯入紀錄帶到新的網址\n" +
		"  custimport ledger copy --to URL|資料夾 [--from URL|資料夾] [--new-ledger]\n                                     把這個 TMS 的匯入紀錄複製 (合併) 到團隊的 PostgreSQL 紀錄 (--to postgres://…),或複製到資料夾當備份;以筆數與每個表的檢查碼驗證;同一公司在共用紀錄裡已有另一個 TMS 網址的紀錄時,確定是另一個 TMS 才加 --new-ledger\n" +
		"  custimport ledger where            目前設定使用的匯入紀錄檔\n\n" +
		"設定 ledger_url (--ledger-url、CUSTIMPORT_LEDGER_URL) 時,匯入紀錄是團隊共用、放在 PostgreSQL 上的那一份,每個指令都從那裡讀取。",
		ledgerAbout},
	"about.config_check": {"檢查設定檔並列出實際生效的設定 (設定檔 < 環境變數 < 選項),金鑰不顯示。加上 --online 則改為以 TMS 測試設定:送出一個簽章的唯讀請求 (POST /Product/QueryList,查詢一個不可能存在的產品),再依結果指出要檢查的設定。只有 TMS 接受簽章時結束代碼才是 0;絕不會送任何資料到 /Cust/Add。",
		configAbout},
	"about.schedule": {"用系統自己的排程器每晚執行匯入:Windows 的工作排程器、Linux 的 systemd 使用者計時器 (沒有 systemd 時用 crontab)、macOS 的 launchd。排程以你的身分、在你執行這個指令的資料夾,於 --at 指定的時間 (本地時間) 執行 custimport import INBOX --config FILE;電腦關機錯過的那一晚會在開機後補跑 (cron 與關機的 Mac 不會),兩次執行絕不重疊。\n\n" +
		"  custimport schedule install --at 02:30 --config FILE [INBOX]   (INBOX 預設為目前的資料夾)\n" +
		"  custimport schedule install --print [--os windows|linux|darwin] ...   只印出內容,不安裝\n" +
		"  custimport schedule status    下一次執行、上一次執行的時間、結束代碼與筆數\n" +
		"  custimport schedule remove",
		scheduleAbout},
	"about.notify":  {"透過設定檔 notify: 的管道 (webhook、e-mail 或兩者) 送出測試訊息,不論何時通知的設定為何。每個管道都收下時結束代碼為 0,否則為 2。", notifyAbout},
	"about.version": {"顯示版本、建置所用的原始碼版本及其日期。", "Print the version, the commit it was built from and that commit's date."},

	// The settings' flags (settings.Keys), on every command that has them.
	"flag.url":                  {"TMS API 的基本網址 (環境變數 TMS_URL);請求送到 URL/Cust/Add", "TMS API base URL (env TMS_URL); requests go to URL/Cust/Add"},
	"flag.pno":                  {"api-pno 標頭,公司代號 (環境變數 TMS_PNO)", "api-pno header (env TMS_PNO)"},
	"flag.pronum":               {"內容中的 ProNum (環境變數 TMS_PRONUM;預設與 pno 相同)", "ProNum in the body (env TMS_PRONUM; default: the pno)"},
	"flag.sign-recipe":          {"api-ClientSign 簽章方式:sha512[:TEMPLATE] 或 hmac-sha512[:TEMPLATE],計算 {pno} {timestamp} {key} {body} (環境變數 TMS_SIGN_RECIPE)", "api-ClientSign recipe: sha512[:TEMPLATE] or hmac-sha512[:TEMPLATE] over {pno} {timestamp} {key} {body} (env TMS_SIGN_RECIPE)"},
	"flag.key-file":             {"從這個檔案讀取 API 金鑰 (權限 600);預設取自環境變數 TMS_API_KEY", "read the API key from FILE (mode 600); default: env TMS_API_KEY"},
	"flag.workers":              {"同時送出的請求數", "concurrent requests"},
	"flag.rate":                 {"每秒最多送出的請求數", "at most this many requests per second"},
	"flag.timeout":              {"單一請求的逾時時間", "timeout of one request"},
	"flag.max-attempts":         {"可重試的失敗,每列最多嘗試的次數", "attempts per row for retryable failures"},
	"flag.max-retry-wait":       {"伺服器要求的 Retry-After 最多等這麼久;更長的只等這麼久,並算一次失敗", "honour a server's Retry-After up to this long; a longer one waits this and counts as a failed attempt"},
	"flag.stop-after":           {"連續 N 列 TMS 都沒有回應就停止送出 (0:不停止)", "stop sending after N rows in a row got no answer from TMS (0: never)"},
	"flag.mapping":              {"對應檔 (mapping) FILE.yaml:指定欄位、預設值、日期格式", "mapping FILE.yaml: explicit columns, defaults, date_formats"},
	"flag.out":                  {"結果檔的路徑 (.xlsx 或 .csv;預設為 <輸入檔>.results.xlsx/.csv)", "results PATH (.xlsx or .csv; default <input>.results.xlsx/.csv)"},
	"flag.results-dir":          {"結果檔的資料夾 (預設:與輸入檔同一個資料夾)", "folder for results files (default: beside the input)"},
	"flag.lang":                 {"訊息語言:zh (繁體中文) 或 en (預設依系統地區設定:zh_TW/zh_HK 為 zh,其他為 en)", "message language: zh (Traditional Chinese) or en (default: from the locale: zh for zh_TW/zh_HK, else en)"},
	"flag.length-unit":          {"S(n) 長度的計算單位:char (字元) 或 big5 (Big5 位元組)", "count S(n) lengths in char (characters) or big5 (Big5 bytes)"},
	"flag.mode":                 {"upsert (有代號的列 EditItem 2)、create (EditItem 0) 或 update (EditItem 1)", "upsert (EditItem 2 for rows with a code), create (EditItem 0) or update (EditItem 1)"},
	"flag.encoding":             {"CSV 的編碼:utf-8 或 big5 (預設:自動判斷)", "CSV encoding: utf-8 or big5 (default: detected)"},
	"flag.delimiter":            {"CSV 的分隔字元:, ; 或 tab (預設:自動判斷)", "CSV delimiter: , ; or tab (default: detected)"},
	"flag.sheet":                {"XLSX 的工作表名稱;多個:北區,南區;all 表示每個客戶清單工作表 (預設:唯一的那個清單工作表)", "XLSX sheet NAME; several: 北區,南區, or all for every sheet holding a customer list (default: the one list sheet)"},
	"flag.max-input-mb":         {"CSV 檔或 XLSX 解壓後超過這麼多 MB 就不處理", "refuse a CSV, or an XLSX that unpacks to, more than MB megabytes"},
	"flag.allow-http":           {"允許以 http:// 連到非本機的主機 (簽章會以明文傳送)", "allow plain http:// to a host that is not loopback (the key's signatures travel in clear)"},
	"flag.insecure-skip-verify": {"不驗證 TLS 憑證 (只限測試伺服器)", "do not verify the TLS certificate (test servers only)"},
	"flag.log-format":           {"日誌格式:text 或 json", "log format: text or json"},
	"flag.quiet":                {"只記錄警告與錯誤", "log warnings and errors only"},
	"flag.summary-json":         {"把這次執行的摘要以 JSON 寫到這個路徑", "write the run's summary as JSON to PATH"},
	"flag.state-dir":            {"匯入紀錄 (ledger) 的資料夾 (環境變數 CUSTIMPORT_STATE_DIR;預設:使用者本機的狀態資料夾)", "folder of the ledgers (env CUSTIMPORT_STATE_DIR; default: the user's local state folder)"},
	"flag.wait":                 {"另一個執行正在使用同一個 TMS 的匯入紀錄時,等它這麼久 (預設 0:立刻以代碼 2 結束)", "when another run uses the same TMS's ledger, wait this long for it (default 0: exit 2 at once)"},
	"flag.skip-hidden":          {"略過 Excel 中隱藏的列 (手動隱藏或篩選);預設會匯入,並附上警告", "leave out the rows hidden in Excel (by hand or by a filter); by default they are imported, with a warning"},
	"flag.new-ledger":           {"開始新的匯入紀錄:同一個 pno 在另一個網址已有紀錄、但這是另一個 TMS 時;或這個 TMS 的紀錄不見了或是空的時 (先前匯入的客戶可能會再建立一次)", "start a new ledger: for this TMS URL although the same pno has one under another URL (it is another TMS), or where this TMS's ledger is missing or empty (customers imported before may be created again)"},
	"flag.ledger-url":           {"PostgreSQL 上共用的匯入紀錄,供多台電腦匯入同一個 TMS:postgres://user@host/db (環境變數 CUSTIMPORT_LEDGER_URL;密碼放在 passfile、PGPASSFILE 或 PGPASSWORD)", "a shared ledger on PostgreSQL, for several PCs importing into one TMS: postgres://user@host/db (env CUSTIMPORT_LEDGER_URL; the password from a passfile, PGPASSFILE or PGPASSWORD)"},
	"flag.allow-network-ledger": {"即使在網路磁碟上鎖定不可靠,仍把匯入紀錄檔放在網路共用資料夾 (較好的做法:--ledger-url)", "keep the ledger file in a folder on a network share although its locking is unreliable there (better: --ledger-url)"},
	"flag.existing-customers":   {"TMS 原有客戶的清單 (TMS 的客戶匯出檔 .xlsx/.csv):內容有變時,每次執行前載入匯入紀錄", "the list of the customers TMS already has (TMS's customer export, FILE .xlsx/.csv): loaded into the ledger before each run when it changed"},
	"flag.update-existing":      {"沒有代號、但統編與既有客戶相同的列,改為更新該客戶 (預設:INVALID,EXISTS)", "send rows without a code that have the 統編 of an existing customer as updates of that customer (default: INVALID, EXISTS)"},
	"flag.existing-max-age":     {"既有客戶清單超過這麼久 (天數,例如 30d) 就發出警告", "warn when the list of existing customers is older than this (DAYS, e.g. 30d)"},
	"flag.results-format":       {"預設結果檔的格式:xlsx (在 Excel 中保留開頭的 0) 或 csv", "format of the default results file: xlsx (keeps leading zeros through Excel) or csv"},
	"flag.max-invalid":          {"INVALID 的列超過 N 列或 N%% 時,整份都不送出 (結束代碼 2):大部分無效的檔案通常是拿錯檔案 (預設:不限制)", "send nothing (exit 2) when more than N rows, or N%% of them, are INVALID: a file that is mostly invalid is usually the wrong file (default: off)"},

	// The commands' own flags.
	"flag.config":          {"設定檔 FILE.yaml (金鑰以外的一切設定)", "config FILE.yaml (everything but the key)"},
	"flag.dry-run":         {"只檢查並寫出結果檔;不送出任何資料", "validate and write the results; send nothing"},
	"flag.verbose":         {"以除錯層級記錄每一個請求 (含錯誤的原文)", "log every request at debug level (with the errors as they are)"},
	"flag.resend-unknown":  {"送出沒有代號、標為 UNKNOWN 的列:先前新增的結果不明,或這列看起來像先前已建立的客戶 (請先查詢 TMS!)", "send rows without a code held as UNKNOWN: an earlier create's outcome is unknown, or the row looks like a customer created before (check TMS first!)"},
	"flag.resend-all":      {"即使 TMS 已接受過相同的內容,仍送出有代號的列 (TMS 被手動修改過時)", "send rows with a code even when TMS already accepted the same content (TMS was edited by hand)"},
	"flag.only-failed":     {"除非匯入紀錄或結果檔有這個檔案先前的執行紀錄,否則不執行", "refuse to run unless the ledger or a results file records an earlier run of the file"},
	"flag.trace-http":      {"把送到 TMS 的每個請求與回覆寫到這個檔案 (JSON 逐行格式,權限 600;金鑰與簽章已遮蔽,內容最多 4 KB),提供給廠商支援", "write every request to TMS and its answer to FILE (JSON 逐行格式, mode 600; key and signature redacted, bodies cut at 4 KB), for the vendor's support"},
	"flag.demo.workers":    {"同時送出的請求數", "concurrent requests"},
	"flag.demo.rate":       {"每秒送出的請求數", "requests per second"},
	"flag.demo.fault-rate": {"每種模擬故障 (處理後 500、503、中斷連線) 的機率,用來示範重試與 UNKNOWN 的列", "probability of each simulated fault (500 after processing, 503, reset) to show retries and UNKNOWN rows"},

	"flag.sim.addr":               {"監聽的位址", "listen ADDRESS"},
	"flag.sim.pno":                {"預期的 api-pno (環境變數 TMS_PNO)", "expected api-pno (env TMS_PNO)"},
	"flag.sim.pronum":             {"預期的 ProNum (環境變數 TMS_PRONUM;預設與 pno 相同)", "expected ProNum (env TMS_PRONUM; default: the pno)"},
	"flag.sim.sign-recipe":        {"簽章方式 (環境變數 TMS_SIGN_RECIPE)", "signature recipe (env TMS_SIGN_RECIPE)"},
	"flag.sim.key-file":           {"從這個檔案讀取金鑰 (權限 600);預設取自環境變數 TMS_API_KEY", "read the key from FILE (mode 600); default: env TMS_API_KEY"},
	"flag.sim.state":              {"把模擬器存的客戶保存在這個 JSON 檔,重新啟動後仍在", "persist the store in this JSON FILE across restarts"},
	"flag.sim.latency":            {"每個請求額外的延遲", "added delay per request"},
	"flag.sim.jitter":             {"延遲的隨機 ± 變動", "random ± variation of the latency"},
	"flag.sim.fail-rate":          {"處理後回覆 HTTP 500 的機率", "probability of HTTP 500 after processing"},
	"flag.sim.reject-rate":        {"處理前回覆 HTTP 503 的機率", "probability of HTTP 503 before processing"},
	"flag.sim.reset-rate":         {"處理後中斷連線的機率", "probability of dropping the connection after processing"},
	"flag.sim.rate-limit":         {"每秒超過 N 個請求時回覆 429 與 Retry-After", "answer 429 + Retry-After above N requests per second"},
	"flag.sim.always-busy":        {"每個請求都回覆 429,Retry-After 為這個時間 (例如 24h);不儲存任何資料", "answer every request 429 with this Retry-After (e.g. 24h); nothing is stored"},
	"flag.sim.redirect-rate":      {"處理後回覆 HTTP 303 的機率 (已儲存,再轉址)", "probability of HTTP 303 after processing (stored, then redirected)"},
	"flag.sim.duplicate-key-rate": {"回覆中 Status 出現兩次、第二次值相反的機率", "probability of an answer naming Status twice, the second time with the opposite value"},
	"flag.sim.clock-skew":         {"讓模擬器的時鐘偏差這麼多", "run the simulator's clock this far off"},
	"flag.sim.seed":               {"隨機故障的種子", "seed of the random faults"},
	"flag.sim.default-cwebs":      {"新增時填入的 CwebS (基本運費) 系統預設值", "system default of CwebS (基本運費) filled in on add"},
	"flag.sim.products":           {"/Product/QueryList 認得的產品:ICODE[=名稱],... (預設沒有)", "products /Product/QueryList knows: ICODE[=NAME],... (default none)"},
	"flag.sim.verbose":            {"記錄每一個請求", "log every request"},

	"flag.ui.addr":       {"監聽的位址 (只限本機;連接埠 0 會選一個空閒的)", "listen ADDRESS (loopback only; port 0 picks a free one)"},
	"flag.ui.no-browser": {"不開啟瀏覽器;只印出網址", "do not open the browser; just print the address"},

	"flag.fields.json":   {"印出給程式讀的 JSON", "print JSON for machines"},
	"flag.fields.lang":   {"說明的語言:zh 或 en", "zh or en notes"},
	"flag.template.out":  {"輸出的 FILE.xlsx", "output FILE.xlsx"},
	"flag.template.lang": {"提示的語言:zh 或 en", "hint language: zh or en"},

	"flag.ledger.to-url":    {"move:新的 TMS 網址", "move: the new TMS URL"},
	"flag.ledger.to-pno":    {"move:新的 pno (預設:相同)", "move: the new pno (default: the same)"},
	"flag.ledger.to-pronum": {"move:新的 ProNum (預設:相同)", "move: the new ProNum (default: the same)"},
	"flag.ledger.to":        {"copy:複製到哪裡:postgres:// 網址或資料夾", "copy: where to copy the ledger: a postgres:// URL or a folder"},
	"flag.ledger.from":      {"copy:要複製的匯入紀錄,postgres:// 網址或資料夾 (預設:設定使用的那一份)", "copy: the ledger to copy, a postgres:// URL or a folder (default: the settings' ledger)"},
	"flag.ledger.as-of":     {"load-existing:TMS 清單匯出的日期 (YYYY-MM-DD;預設:檔案的時間)", "load-existing: the DATE (YYYY-MM-DD) TMS's list was taken (default: the file's time)"},
	"flag.ledger.config":    {"設定檔 FILE.yaml", "config FILE.yaml"},

	"flag.config_check.online":      {"以一個簽章的唯讀請求向 TMS 測試設定 (不會建立任何資料)", "test the settings against TMS with one signed read-only request (nothing is created)"},
	"flag.config_check.find-recipe": {"搭配 --online:TMS 拒絕簽章時,逐一試用已知的簽章方式,並印出 TMS 接受的那一個", "with --online: when TMS refuses the signature, try the known signing recipes one request at a time and print the one it accepts"},
	"flag.config_check.trace-http":  {"搭配 --online:把每個請求與回覆寫到這個檔案 (JSON 逐行格式,權限 600;金鑰與簽章已遮蔽)", "with --online: write every request and answer to FILE (JSON 逐行格式, mode 600; key and signature redacted)"},
	"flag.config_check.verbose":     {"搭配 --online:記錄請求與底層的錯誤", "with --online: log the requests and the errors underneath"},

	"flag.schedule.at":        {"install:每天的時間,HH:MM (24 小時制,本地時間)", "install: the time of day, HH:MM (24-hour, local time)"},
	"flag.schedule.config":    {"install:每晚匯入讀取的設定檔 FILE.yaml (url、pno、key_file…)", "install: the config FILE.yaml the nightly import reads (url, pno, key_file, …)"},
	"flag.schedule.print":     {"install:只印出要安裝的內容,不安裝", "install: print what would be installed, install nothing"},
	"flag.schedule.os":        {"install --print:印給哪個系統:windows、linux 或 darwin", "install --print: the system to print it for: windows, linux or darwin"},
	"flag.schedule.state-dir": {"匯入紀錄的資料夾,不是設定檔的或預設的時候 (環境變數 CUSTIMPORT_STATE_DIR)", "the ledgers' folder, when not the config's or the default (env CUSTIMPORT_STATE_DIR)"},
	"flag.schedule.lang":      {"訊息語言:zh 或 en (預設:依系統地區設定)", "message language: zh or en (default: the locale's)"},

	"flag.notify.config": {"含 notify: 段落的設定檔 FILE.yaml", "config FILE.yaml with a notify: section"},
})

// helpCode is the catalog code of a command's flag: the command's own
// words when it has them, else the flag's shared ones.
func helpCode(cmd, name string) string {
	own := "cli.help.flag." + strings.ReplaceAll(cmd, " ", "_") + "." + name
	if _, ok := msg.Lookup(own); ok {
		return own
	}
	return "cli.help.flag." + name
}

// hasText reports whether the catalog has words for code.
func hasText(code string) bool {
	_, ok := msg.Lookup(code)
	return ok
}

// helpLang is the language of --help: --lang on the command line, else
// the locale's.
func helpLang(io IO) string {
	if io.lang == "zh" || io.lang == "en" {
		return io.lang
	}
	return localeLang(io.Getenv)
}

// argLang is the value of --lang on a command line, "" when none.
func argLang(args []string) string {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		switch {
		case strings.HasPrefix(a, "lang="):
			return strings.ToLower(strings.TrimPrefix(a, "lang="))
		case a == "lang" && i+1 < len(args):
			return strings.ToLower(args[i+1])
		}
	}
	return ""
}

// printUsage writes a command's usage in lang: its line, what it does
// and its flags (printFlags).
func printUsage(w io.Writer, lang string, fs *flag.FlagSet, name, args string) {
	p := printer(lang)
	if code := "cli.help.args." + strings.ReplaceAll(name, " ", "_"); hasText(code) {
		args = p.Sprint(code)
	}
	fmt.Fprintln(w, p.Sprint("cli.help.cmd_line", name, args))
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprint("cli.help.about."+strings.ReplaceAll(name, " ", "_")))
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprint("cli.help.flags"))
	printFlags(w, lang, fs, name)
}

// printFlags writes every flag of fs as flag.PrintDefaults does, with
// its words from the catalog in lang. A flag without words shows its
// code: the help test finds it.
func printFlags(w io.Writer, lang string, fs *flag.FlagSet, cmd string) {
	p := printer(lang)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if _, ok := msg.Lookup("cli.help.type." + arg); ok && !strings.Contains(usage, "`") {
			arg = p.Sprint("cli.help.type." + arg) // Go's name of the kind, in words
		}
		if arg != "" {
			line += " " + arg
		}
		text := p.Sprint(helpCode(cmd, f.Name))
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" && d != "[]" {
			if v := reflect.ValueOf(f.Value); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.String {
				text += " " + p.Sprint("cli.help.default_text", d)
			} else {
				text += " " + p.Sprint("cli.help.default", d)
			}
		}
		fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(text, "\n", "\n    \t"))
	})
}
