package probe

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

// TestAnswered: which answers mean TMS accepted the signature, and which
// refusals name which setting, by code or, for a TMS numbering its codes
// otherwise, by message.
func TestAnswered(t *testing.T) {
	tests := []struct {
		name     string
		resp     tms.Response
		want     Code
		settings []Setting
	}{
		{"success", tms.Response{Status: "S", ErrorCode: "0000"}, Accepted, nil},
		{"not found is about the query", tms.Response{Status: "E", ErrorCode: "1003", ErrorMessage: "查無資料"}, Accepted, nil},
		{"9001 missing header", tms.Response{Status: "E", ErrorCode: "9001", ErrorMessage: "缺少Header:api-ClientSign"}, MissingHeader, []Setting{SettingProxy, SettingNetwork}},
		{"9002 signature", tms.Response{Status: "E", ErrorCode: "9002", ErrorMessage: "簽章錯誤"}, Signature, []Setting{SettingKey, SettingRecipe}},
		{"9003 timestamp", tms.Response{Status: "E", ErrorCode: "9003", ErrorMessage: "Timestamp已過期"}, Clock, []Setting{SettingClock}},
		{"9004 ProNum", tms.Response{Status: "E", ErrorCode: "9004", ErrorMessage: "廠商代號錯誤"}, ProNum, []Setting{SettingProNum}},
		{"9005 pno", tms.Response{Status: "E", ErrorCode: "9005", ErrorMessage: "api-pno錯誤"}, PNO, []Setting{SettingPNO}},
		{"9006 timestamp format", tms.Response{Status: "E", ErrorCode: "9006", ErrorMessage: "Timestamp格式錯誤"}, TimestampFormat, []Setting{SettingVendor}},
		{"another 9xxx by its words", tms.Response{Status: "E", ErrorCode: "9102", ErrorMessage: "簽章驗證失敗"}, Signature, []Setting{SettingKey, SettingRecipe}},
		{"another numbering by its words", tms.Response{Status: "E", ErrorCode: "0002", ErrorMessage: "Signature invalid"}, Signature, []Setting{SettingKey, SettingRecipe}},
		{"an expired time elsewhere", tms.Response{Status: "E", ErrorCode: "E17", ErrorMessage: "請求已過期"}, Clock, []Setting{SettingClock}},
		{"an unknown 9xxx", tms.Response{Status: "E", ErrorCode: "9999", ErrorMessage: "系統維護中"}, Refused, []Setting{SettingKey, SettingPNO, SettingRecipe}},
		{"a header word wins over sign", tms.Response{Status: "E", ErrorCode: "7", ErrorMessage: "missing header api-ClientSign"}, MissingHeader, []Setting{SettingProxy, SettingNetwork}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Classify("https://tms.example/api/Product/QueryList", tms.Answer{Response: tt.resp}, nil)
			if v.Code != tt.want || !slices.Equal(v.Settings, tt.settings) {
				t.Errorf("got %s %v, want %s %v", v.Code, v.Settings, tt.want, tt.settings)
			}
			if v.TMSCode != tt.resp.ErrorCode || v.TMSMessage != tt.resp.ErrorMessage {
				t.Errorf("TMS said %q %q, verdict keeps %q %q", tt.resp.ErrorCode, tt.resp.ErrorMessage, v.TMSCode, v.TMSMessage)
			}
		})
	}
}

// TestFailure: failures without an answer, as tms.Client returns them.
func TestFailure(t *testing.T) {
	dnsErr := &tms.Error{Class: tms.Retryable, Kind: tms.KindRefused, Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "tms.invalid", IsNotFound: true}}}
	proxyErr := &tms.Error{Class: tms.Retryable, Kind: tms.KindRefused, Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: errors.New("connection refused")}}
	tests := []struct {
		name string
		err  error
		want Code
		act  Action
	}{
		{"dns", dnsErr, DNS, Stop},
		{"proxy", proxyErr, Proxy, Stop},
		{"proxy auth", &tms.Error{Kind: tms.KindHTTP, HTTPStatus: 407}, Proxy, Stop},
		{"refused", &tms.Error{Kind: tms.KindRefused, Err: errors.New("connect: connection refused")}, Connect, Stop},
		{"timeout", &tms.Error{Kind: tms.KindTimeout, Err: errors.New("deadline")}, Timeout, Stop},
		{"reset", &tms.Error{Kind: tms.KindReset, Err: errors.New("reset")}, Reset, Stop},
		{"certificate", &tms.Error{Kind: tms.KindTLS, Err: tms.ErrCertificate}, TLSCertificate, Stop},
		{"handshake", &tms.Error{Kind: tms.KindTLS, Err: errors.New("first record does not look like a TLS handshake")}, TLS, Stop},
		{"redirect", &tms.Error{Kind: tms.KindRedirect, HTTPStatus: 301}, Redirect, Stop},
		{"busy 429", &tms.Error{Kind: tms.KindBusy, HTTPStatus: 429, RetryAfter: 3 * time.Second}, Busy, Warn},
		{"busy 503", &tms.Error{Kind: tms.KindBusy, HTTPStatus: 503}, Busy, Warn},
		{"no such path", &tms.Error{Kind: tms.KindHTTP, HTTPStatus: 404}, NotFound, Warn},
		{"no such method", &tms.Error{Kind: tms.KindHTTP, HTTPStatus: 405}, NotFound, Warn},
		{"forbidden", &tms.Error{Kind: tms.KindHTTP, HTTPStatus: 403}, HTTPStatus, Stop},
		{"server error", &tms.Error{Kind: tms.KindHTTP, HTTPStatus: 500}, HTTPStatus, Stop},
		{"bad request", &tms.Error{Kind: tms.KindHTTP, HTTPStatus: 400}, HTTPStatus, Warn},
		{"html", &tms.Error{Kind: tms.KindBadAnswer, HTTPStatus: 200, Err: tms.ErrBadResponse}, BadAnswer, Warn},
		{"an answer that reads both ways", &tms.Error{Class: tms.Ambiguous, Kind: tms.KindAmbiguousAnswer, HTTPStatus: 200, Err: tms.ErrAmbiguousResponse}, BadAnswer, Warn},
		{"cancelled", &tms.Error{Kind: tms.KindStopped}, Cancelled, Stop},
		{"other", errors.New("something"), Failed, Stop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Classify("https://tms.example/api/Product/QueryList", tms.Answer{}, tt.err)
			if v.Code != tt.want || v.Action() != tt.act {
				t.Errorf("got %s (%s), want %s (%s)", v.Code, v.Action(), tt.want, tt.act)
			}
			if !errors.Is(v.Err, tt.err) {
				t.Errorf("the verdict lost the error for the log")
			}
		})
	}
}

// TestActionOfAnswers: what a run about to send does with each answer.
func TestActionOfAnswers(t *testing.T) {
	tests := []struct {
		code Code
		want Action
	}{
		{Accepted, Proceed}, {ClockOff, Warn}, {Clock, Stop}, {Signature, Stop}, {RecipeFound, Stop},
		{NoRecipe, Stop}, {PNO, Stop}, {ProNum, Stop}, {MissingHeader, Stop}, {TimestampFormat, Stop}, {Refused, Stop},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := (Verdict{Code: tt.code}).Action(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestTextsNameTheSetting: every verdict has words in both languages,
// with its arguments filled, and the verdicts about one setting name it.
func TestTextsNameTheSetting(t *testing.T) {
	codes := []Code{Accepted, ClockOff, Clock, Signature, RecipeFound, NoRecipe, PNO, ProNum, MissingHeader, TimestampFormat,
		Refused, DNS, Connect, Timeout, Reset, TLSCertificate, TLS, Proxy, Redirect, NotFound, HTTPStatus, Busy, BadAnswer, Cancelled, Failed}
	for _, c := range codes {
		for _, lang := range []string{"zh", "en"} {
			v := Verdict{Code: c, URL: "https://tms.example/api/Product/QueryList", HTTPStatus: 404, TMSCode: "9002", TMSMessage: "簽章錯誤",
				Recipe: "hmac-sha512:{body}", Current: "sha512:{pno}{timestamp}{key}", Tried: 10, Clock: ClockReading{Known: true, Offset: -600 * time.Second}}
			got := v.Text(lang)
			if got == string(c) || strings.Contains(got, "{") && !strings.Contains(got, "{body}") && !strings.Contains(got, "{pno}") {
				t.Errorf("%s %s: %q has no words or an unfilled placeholder", c, lang, got)
			}
			if _, ok := texts[string(c)]; !ok {
				t.Errorf("%s has no texts", c)
			}
		}
	}
	names := []struct {
		code   Code
		zh, en string
	}{
		{Signature, "API 金鑰", "API key"},
		{Signature, "簽章方式", "signing recipe"},
		{NoRecipe, "API 金鑰", "API key"},
		{RecipeFound, "hmac-sha512:{body}", "hmac-sha512:{body}"},
		{PNO, "公司代號 (pno)", "company (pno)"},
		{ProNum, "ProNum", "ProNum"},
		{ClockOff, "時鐘", "clock"},
		{ClockOff, "600 秒", "600 seconds"},
		{Clock, "時鐘", "clock"},
		{Connect, "網址", "URL"},
		{DNS, "tms.example", "tms.example"},
		{TLSCertificate, "憑證", "certificate"},
		{Proxy, "proxy", "proxy"},
		{NotFound, "/Product/QueryList", "/Product/QueryList"},
		{Refused, "9002 簽章錯誤", "9002 簽章錯誤"},
	}
	for _, n := range names {
		v := Verdict{Code: n.code, URL: "https://tms.example/api/Product/QueryList", HTTPStatus: 404, TMSCode: "9002", TMSMessage: "簽章錯誤",
			Recipe: "hmac-sha512:{body}", Clock: ClockReading{Known: true, Offset: 600 * time.Second}}
		if got := v.Text("zh"); !strings.Contains(got, n.zh) {
			t.Errorf("%s in zh: %q does not name %q", n.code, got, n.zh)
		}
		if got := v.Text("en"); !strings.Contains(got, n.en) {
			t.Errorf("%s in en: %q does not name %q", n.code, got, n.en)
		}
	}
}

func TestClockLine(t *testing.T) {
	// The Date header has whole seconds; the local clock does not.
	local := time.Date(2025, 5, 1, 2, 30, 0, 300*int(time.Millisecond), time.UTC)
	tests := []struct {
		name   string
		date   string
		zh, en string
	}{
		{"behind", "Thu, 01 May 2025 02:40:00 GMT", "慢 600 秒 (約 10 分鐘)", "600 seconds (10 minutes) behind"},
		{"ahead", "Thu, 01 May 2025 02:20:00 GMT", "快 600 秒", "ahead"},
		{"in step", "Thu, 01 May 2025 02:30:01 GMT", "一致 (相差 +1 s", "in step with TMS (offset +1 s"},
		{"no Date", "", "沒有回傳 Date", "no Date header"},
		{"a Date that is not one", "yesterday", "沒有回傳 Date", "no Date header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := readClock(tt.date, local)
			if got := c.Text("zh"); !strings.Contains(got, tt.zh) {
				t.Errorf("zh %q lacks %q", got, tt.zh)
			}
			if got := c.Text("en"); !strings.Contains(got, tt.en) {
				t.Errorf("en %q lacks %q", got, tt.en)
			}
		})
	}
}

// TestHint: a row refused for the request itself points at the setting;
// a row-level answer and an unknown request-level code get nothing (TMS's
// own message stays as it is).
func TestHint(t *testing.T) {
	tests := []struct {
		code, msg string
		zh, en    string
	}{
		{"9002", "簽章錯誤", "API 金鑰與簽章方式", "API key and the signing recipe"},
		{"9003", "Timestamp已過期", "時鐘", "clock"},
		{"9004", "廠商代號錯誤", "ProNum", "ProNum"},
		{"9005", "api-pno錯誤", "公司代號 (pno)", "company (pno)"},
		{"9001", "缺少Header:api-ClientSign", "proxy", "proxy"},
		{"9006", "Timestamp格式錯誤", "api-timestamp", "api-timestamp"},
		{"9102", "簽章驗證失敗", "簽章方式", "signing recipe"},
		{"9999", "系統維護中", "", ""},
		{"1002", "客戶代號已存在", "", ""},
		{"1001", "JSON格式錯誤:缺少Main", "", ""},
		{"1005", "欄位長度超過限制:VIP號碼 VIPNO 最多 20 字", "", ""},
		{"2006", "統編錯誤", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			zh, en := Hint(tt.code, tt.msg, "zh"), Hint(tt.code, tt.msg, "en")
			if (tt.zh == "") != (zh == "") || !strings.Contains(zh, tt.zh) {
				t.Errorf("zh hint %q, want one with %q", zh, tt.zh)
			}
			if (tt.en == "") != (en == "") || !strings.Contains(en, tt.en) {
				t.Errorf("en hint %q, want one with %q", en, tt.en)
			}
			rows := RowsHint(tt.code, tt.msg, 7, "zh")
			if (zh == "") != (rows == "") || zh != "" && (!strings.Contains(rows, zh) || !strings.Contains(rows, "7") || !strings.Contains(rows, tt.code+" "+tt.msg)) {
				t.Errorf("rows hint %q", rows)
			}
		})
	}
}

func TestCheckLine(t *testing.T) {
	v := Verdict{Code: Signature, Settings: settingsOf(Signature)}
	if got := v.CheckLine("zh", func(s Setting) string { return SettingName(s, "zh") }); got != "請檢查:API 金鑰、簽章方式" {
		t.Errorf("zh %q", got)
	}
	if got := v.CheckLine("en", func(s Setting) string { return SettingName(s, "en") }); got != "Check: the API key, the signing recipe" {
		t.Errorf("en %q", got)
	}
	if got := (Verdict{Code: Accepted}).CheckLine("zh", func(Setting) string { return "x" }); got != "" {
		t.Errorf("accepted names %q", got)
	}
	for _, s := range []Setting{SettingURL, SettingPNO, SettingProNum, SettingKey, SettingRecipe, SettingClock, SettingNetwork, SettingCertificate, SettingProxy, SettingVendor} {
		if SettingName(s, "zh") == "setting."+string(s) || SettingName(s, "en") == "setting."+string(s) {
			t.Errorf("setting %s has no name", s)
		}
	}
}

// TestHostileAnswer: what a server says is printed, never obeyed: no
// control characters reach the terminal, and a long message is cut.
func TestHostileAnswer(t *testing.T) {
	long := strings.Repeat("錯", 5000)
	v := Classify("https://tms.example/api/Product/QueryList", tms.Answer{Response: tms.Response{Status: "E", ErrorCode: "9\x1b[2J002", ErrorMessage: "簽章\x1b]0;owned\x07錯誤\r\n" + long}, Date: "Fri, 31 Dec 9999 23:59:59 GMT", Received: time.Now()}, nil)
	for _, s := range []string{v.TMSCode, v.TMSMessage, v.Text("zh"), v.Clock.Text("en")} {
		if strings.ContainsAny(s, "\x1b\x07\r\n") {
			t.Errorf("control characters in %q", s)
		}
	}
	if v.Code != Signature {
		t.Errorf("code %s: the message still says 簽章", v.Code)
	}
	if n := len([]rune(v.TMSMessage)); n > maxMessage+1 {
		t.Errorf("message of %d characters", n)
	}
	if !v.Clock.Known || v.Clock.Offset <= 0 {
		t.Errorf("a Date in year 9999: %+v", v.Clock)
	}
}
