package probe

import (
	"strconv"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/msg"
)

// texts are the package's words: [0] Traditional Chinese, [1] English.
// The keys are verdict Codes, Settings ("setting." + the Setting), row
// hints ("hint." + a Code) and the lines around a verdict. Placeholders
// in braces are filled by fill: {url} {host} {status} {tms} {offset}
// {recipe} {current} {n} {server} {local} {wait}.
var texts = msg.Register("probe", msg.Table{
	// Verdicts.
	string(Accepted): {
		"✓ TMS 接受了簽章:網址、公司代號 (pno) 與 API 金鑰都正確 ({url} 回覆 {tms})。",
		"✓ TMS accepted the signature: the URL, the company (pno) and the API key are right ({url} answered {tms})."},
	string(ClockOff): {
		"✗ TMS 拒絕了這台電腦的時間 ({tms}):本機時鐘與 TMS 相差 {offset}。以 TMS 的時間重送時簽章被接受,所以只有時鐘不對:請校正這台電腦的時間與時區 (Windows:設定 → 時間與語言 → 立即同步)。",
		"✗ TMS refused this computer's time ({tms}): its clock is {offset} off TMS's. Signed with TMS's time the same request was accepted, so only the clock is wrong: set this computer's time and time zone right (Windows: Settings → Time & language → Sync now)."},
	string(Clock): {
		"✗ TMS 拒絕了請求的時間戳記 ({tms}):這台電腦的時鐘或時區不準,但 TMS 沒有回傳 Date 標頭,無法算出相差多少。請校正時間後再測試一次。",
		"✗ TMS refused the request's timestamp ({tms}): this computer's clock or time zone is off, but TMS sent no Date header to tell by how much. Set the time right and test again."},
	string(Signature): {
		"✗ TMS 拒絕了簽章 ({tms}):API 金鑰或簽章方式不對。試一遍已知的簽章方式,就能分辨是哪一個。",
		"✗ TMS refused the signature ({tms}): the API key or the signing recipe is wrong. Trying the known recipes tells which."},
	string(RecipeFound): {
		"✓ TMS 接受的簽章方式是 {recipe} (目前設定的 {current} 被拒絕):API 金鑰正確,請把簽章方式改成它。",
		"✓ TMS accepts the signing recipe {recipe} (the one set, {current}, is refused): the API key is right; set the recipe to it."},
	string(NoRecipe): {
		"✗ 已知的 {n} 種簽章方式 TMS 都不接受:最可能是 API 金鑰不對 (請確認整串複製、前後沒有空白)。若金鑰確定正確,TMS 用的是其他簽章方式。",
		"✗ TMS accepted none of the {n} known signing recipes: most likely the API key is wrong (check it was copied whole, with no spaces around it). If the key is right, TMS signs some other way."},
	string(PNO): {
		"✗ TMS 不認得公司代號 (pno) ({tms}):請確認它與 TMS 給的完全相同 (含大小寫)。",
		"✗ TMS does not know the company (pno) ({tms}): check it is exactly the one TMS gave (case included)."},
	string(ProNum): {
		"✗ TMS 不認得 ProNum ({tms}):請確認 ProNum (廠商代號)。",
		"✗ TMS does not know the ProNum ({tms}): check the ProNum."},
	string(MissingHeader): {
		"✗ TMS 說請求少了標頭 ({tms}),但 custimport 都有送出 api-pno、api-timestamp 與 api-ClientSign:可能是中間的 proxy 或防火牆把它們拿掉了,請洽 IT。",
		"✗ TMS says a header is missing ({tms}), yet custimport sends api-pno, api-timestamp and api-ClientSign: a proxy or firewall on the way may remove them; ask IT."},
	string(TimestampFormat): {
		"✗ TMS 看不懂 api-timestamp ({tms}):custimport 送的是 Unix 秒數,請向 TMS 廠商確認格式。",
		"✗ TMS does not read api-timestamp ({tms}): custimport sends Unix seconds; ask TMS's vendor for the format."},
	string(Refused): {
		"✗ TMS 拒絕了請求本身 ({tms}):通常是 API 金鑰、公司代號 (pno) 或簽章方式不對。",
		"✗ TMS refused the request itself ({tms}): usually the API key, the company (pno) or the signing recipe is wrong."},
	string(DNS): {
		"✗ 找不到主機 {host} ({url}):請確認 TMS 網址的主機名稱,以及這台電腦的網路與 DNS。",
		"✗ The host {host} is not found ({url}): check the host name in the TMS URL, and this computer's network and DNS."},
	string(Connect): {
		"✗ 無法連線到 {url}:TMS 沒有啟動、網址的主機或連接埠不對,或防火牆擋住了。",
		"✗ Could not connect to {url}: TMS is not running, the URL's host or port is wrong, or a firewall blocks it."},
	string(Timeout): {
		"✗ {url} 沒有在時限內回應:TMS 太慢、網址不對,或網路有問題。",
		"✗ {url} did not answer in time: TMS is slow, the URL is wrong, or the network has trouble."},
	string(Reset): {
		"✗ 與 {url} 的連線中斷,沒有收到回覆:網址 (http/https、連接埠) 可能不對,或網路有問題。",
		"✗ The connection to {url} broke without an answer: the URL (http/https, port) may be wrong, or the network has trouble."},
	string(TLSCertificate): {
		"✗ {host} 的 TLS 憑證不受信任 ({url}):請確認網址的主機名稱與憑證相符;公司自簽的憑證請洽 IT 安裝。",
		"✗ The TLS certificate of {host} is not trusted ({url}): check that the URL's host name matches the certificate; for a company's own certificate, ask IT to install it."},
	string(TLS): {
		"✗ 與 {url} 的 TLS (https) 連線失敗:網址可能應該用 http:// 或另一個連接埠。",
		"✗ The TLS (https) connection to {url} failed: the URL may need http:// or another port."},
	string(Proxy): {
		"✗ 透過 proxy 連線失敗 ({url}):請確認 proxy 設定 (環境變數 HTTPS_PROXY、HTTP_PROXY、NO_PROXY),或洽 IT。",
		"✗ The connection through the proxy failed ({url}): check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY in the environment), or ask IT."},
	string(Redirect): {
		"✗ {url} 回覆轉址 (HTTP {status}),不會跟隨:網址不對 (常見:http:// 應為 https://,或少了路徑)。",
		"✗ {url} answered with a redirect (HTTP {status}), which is not followed: the URL is wrong (often http:// for https://, or a missing path)."},
	string(NotFound): {
		"{url} 回覆 HTTP {status}:網址的路徑不對,或這台 TMS 沒有提供唯讀的查詢 API (/Product/QueryList)。",
		"{url} answered HTTP {status}: the URL's path is wrong, or this TMS does not offer the read-only query (/Product/QueryList)."},
	string(HTTPStatus): {
		"✗ {url} 回覆 HTTP {status}。",
		"✗ {url} answered HTTP {status}."},
	string(Busy): {
		"TMS 忙碌中 ({url} 回覆 HTTP {status}),無法判斷設定是否正確;請稍後再試。",
		"TMS is busy ({url} answered HTTP {status}): the settings cannot be told right or wrong; try again later."},
	string(BadAnswer): {
		"✗ {url} 的回覆不是 TMS API 的格式 (JSON 的 Status 與 ErrorCode):網址可能指到網站而不是 API。",
		"✗ The answer of {url} is not TMS's API format (JSON with Status and ErrorCode): the URL may point at a web site, not the API."},
	string(Cancelled): {"測試已中斷。", "The test was stopped."},
	string(Failed): {
		"✗ 測試無法完成 ({url}):詳見日誌。",
		"✗ The test could not be done ({url}): see the log."},

	// What an HTTP status says, after the http_status verdict.
	"status.auth": {"伺服器拒絕存取:請確認 API 金鑰、公司代號,以及這台電腦的 IP 是否被允許。", "the server refuses access: check the API key, the company, and whether this computer's IP is allowed."},
	"status.5xx":  {"TMS 伺服器發生錯誤:請稍後再試,或洽 TMS 廠商。", "TMS's server failed: try again later, or ask TMS's vendor."},
	"status.4xx":  {"TMS 不接受這個請求:請確認網址。", "TMS does not take this request: check the URL."},

	// Settings, in words.
	"setting.url":         {"TMS 網址", "the TMS URL"},
	"setting.pno":         {"公司代號 (pno)", "the company (pno)"},
	"setting.pronum":      {"ProNum (廠商代號)", "the ProNum"},
	"setting.key":         {"API 金鑰", "the API key"},
	"setting.sign_recipe": {"簽章方式", "the signing recipe"},
	"setting.clock":       {"這台電腦的時鐘與時區", "this computer's clock and time zone"},
	"setting.network":     {"網路與防火牆", "the network and firewall"},
	"setting.certificate": {"TLS 憑證", "the TLS certificate"},
	"setting.proxy":       {"proxy 設定", "the proxy settings"},
	"setting.vendor":      {"TMS 那一端 (請洽 TMS 廠商)", "TMS's side (ask its vendor)"},
	"check":               {"請檢查:", "Check: "},
	"and":                 {"、", ", "},

	// The clock line.
	"clock.in_step":     {"時鐘:與 TMS 一致 (相差 {offset};TMS 的 Date {server})。", "Clock: in step with TMS (offset {offset}; TMS's Date {server})."},
	"clock.ahead":       {"時鐘:這台電腦比 TMS 快 {offset} (TMS 的 Date {server},本機 {local})。", "Clock: this computer is {offset} ahead of TMS (TMS's Date {server}, here {local})."},
	"clock.behind":      {"時鐘:這台電腦比 TMS 慢 {offset} (TMS 的 Date {server},本機 {local})。", "Clock: this computer is {offset} behind TMS (TMS's Date {server}, here {local})."},
	"clock.refused_too": {"另外,TMS 也拒絕了這台電腦的時間,相差 {offset}:請一併校正時鐘。", "TMS also refused this computer's time, {offset} off: set the clock right too."},
	"clock.unknown":     {"時鐘:TMS 沒有回傳 Date 標頭,無法比對。", "Clock: TMS sent no Date header to compare with."},

	// Around a verdict.
	"pronum.note": {
		"ProNum 無法用唯讀請求檢查 (只有 /Cust/Add 的內容帶著它):若第一筆匯入回覆 ProNum 錯誤,請檢查 ProNum。",
		"The ProNum cannot be checked by a read-only request (only /Cust/Add's body carries it): if the first row sent is refused for its ProNum, check the ProNum."},
	"recipe.line": {"請使用這個設定:", "Use this setting:"},
	"ask_vendor": {
		"請向 TMS 廠商索取一組簽章測試資料 (test vector):api-pno、api-timestamp、請求內容 (body)、一把測試用的金鑰,以及它們算出的 api-ClientSign。有了它就能確定簽章方式。",
		"Ask TMS's vendor for one signature test vector: an api-pno, an api-timestamp, a request body, a test key, and the api-ClientSign they give. With it the recipe is certain."},
	"searching":    {"正在逐一試用 {n} 種已知的簽章方式 (每次一個請求,不會建立任何資料)…", "Trying {n} known signing recipes, one request at a time (nothing is created)…"},
	"nothing_sent": {"沒有送出任何客戶資料 (只呼叫唯讀的 /Product/QueryList)。", "No customer was sent (only the read-only /Product/QueryList was called)."},

	// Row hints: the setting a request-level answer points at.
	"hint." + string(Signature):       {"設定問題:請確認 API 金鑰與簽章方式", "a settings problem: check the API key and the signing recipe"},
	"hint." + string(Clock):           {"設定問題:請校正這台電腦的時鐘與時區", "a settings problem: set this computer's clock and time zone right"},
	"hint." + string(PNO):             {"設定問題:請確認公司代號 (pno)", "a settings problem: check the company (pno)"},
	"hint." + string(ProNum):          {"設定問題:請確認 ProNum (廠商代號)", "a settings problem: check the ProNum"},
	"hint." + string(MissingHeader):   {"設定問題:proxy 或防火牆可能拿掉了標頭,請洽 IT", "a settings problem: a proxy or firewall may remove the headers; ask IT"},
	"hint." + string(TimestampFormat): {"設定問題:請向 TMS 廠商確認 api-timestamp 的格式", "a settings problem: ask TMS's vendor for api-timestamp's format"},
	"hint.rows": {
		"TMS 以 {tms} 拒絕了 {n} 列的請求本身,不是資料的問題:{hint};改好後重新匯入同一檔案即可續傳。",
		"TMS refused the request itself for {n} rows with {tms}, not their data: {hint}; then import the same file again to resume."},
})

// text returns the words of key in lang ("en", else Traditional
// Chinese) with the placeholders filled from args.
func text(lang, key string, args map[string]string) string {
	p, ok := texts[key]
	if !ok {
		return key
	}
	return msg.In(lang).Format(p, msg.Named(args))
}

// Args returns the verdict's arguments for its text.
func (v Verdict) Args(lang string) map[string]string {
	args := map[string]string{
		"url": v.URL, "host": host(v.URL), "status": strconv.Itoa(v.HTTPStatus),
		"tms": tmsSaid(v.TMSCode, v.TMSMessage), "recipe": v.Recipe, "current": v.Current,
		"n": strconv.Itoa(v.Tried), "offset": magnitude(v.Clock.Offset, lang),
	}
	if args["tms"] == "" {
		args["tms"] = "Status S"
	}
	return args
}

// Text is the verdict in lang: one sentence saying what was found and
// what to do.
func (v Verdict) Text(lang string) string {
	s := text(lang, string(v.Code), v.Args(lang))
	if v.Code == HTTPStatus {
		switch {
		case v.HTTPStatus == 401 || v.HTTPStatus == 403:
			s += " " + text(lang, "status.auth", nil)
		case v.HTTPStatus >= 500:
			s += " " + text(lang, "status.5xx", nil)
		default:
			s += " " + text(lang, "status.4xx", nil)
		}
	}
	if v.ClockRefused {
		s += " " + text(lang, "clock.refused_too", v.Args(lang))
	}
	return s
}

// SettingName names a setting in words, in lang.
func SettingName(s Setting, lang string) string { return text(lang, "setting."+string(s), nil) }

// CheckLine is "請檢查:API 金鑰、簽章方式" for the verdict's settings,
// each named by name (SettingName, or the caller's own words with where
// it is set); "" when it names none.
func (v Verdict) CheckLine(lang string, name func(Setting) string) string {
	if len(v.Settings) == 0 {
		return ""
	}
	parts := make([]string, len(v.Settings))
	for i, s := range v.Settings {
		parts[i] = name(s)
	}
	return text(lang, "check", nil) + strings.Join(parts, text(lang, "and", nil))
}

// Text is the clock line: how far this computer's clock is from TMS's.
func (c ClockReading) Text(lang string) string {
	if !c.Known {
		return text(lang, "clock.unknown", nil)
	}
	args := map[string]string{"offset": magnitude(c.Offset, lang),
		"server": c.Server.UTC().Format(time.RFC3339), "local": c.Local.UTC().Format(time.RFC3339)}
	switch {
	case c.Offset <= -InStep:
		return text(lang, "clock.ahead", args)
	case c.Offset >= InStep:
		return text(lang, "clock.behind", args)
	}
	args["offset"] = seconds(c.Offset)
	return text(lang, "clock.in_step", args)
}

// InStep is the largest offset the clock line calls in step: the Date
// header has whole seconds and the answer takes its time.
const InStep = 5 * time.Second

// Line returns one of the texts around a verdict ("pronum.note",
// "recipe.line", "ask_vendor", "searching", "nothing_sent") in lang;
// n fills {n}.
func Line(key, lang string, n int) string {
	return text(lang, key, map[string]string{"n": strconv.Itoa(n)})
}
