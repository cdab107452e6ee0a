package probe

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/custimport/custimport/importer/tms"
)

// Classify turns the outcome of one read-only request to shownURL (the
// redacted URL) into a verdict: the answer and error QueryProducts
// returned.
func Classify(shownURL string, ans tms.Answer, err error) Verdict {
	v := Verdict{URL: shownURL, Attempts: 1, Err: err}
	if err == nil {
		v.Clock = readClock(ans.Date, ans.Received)
		v.Code, v.Settings = answered(ans.Response)
		v.TMSCode, v.TMSMessage = clean(ans.Response.ErrorCode, 20), clean(ans.Response.ErrorMessage, maxMessage)
		return v
	}
	var te *tms.Error
	if errors.As(err, &te) {
		v.HTTPStatus, v.RetryAfter = te.HTTPStatus, te.RetryAfter
	}
	v.Code, v.Settings = failure(err, v.HTTPStatus)
	return v
}

// answered classifies a decoded answer: Status S, or an E answer about
// the query itself, means TMS accepted the signature; a request-level
// refusal names its setting.
func answered(r tms.Response) (Code, []Setting) {
	if r.Status == "S" {
		return Accepted, nil
	}
	if c, ok := requestLevel(r.ErrorCode, r.ErrorMessage, true); ok {
		return c, settingsOf(c)
	}
	return Accepted, nil
}

// Request-level ErrorCodes: the specification shows 9003; the others are
// the simulator's, the family TMS's own codes are expected in.
var requestCodes = map[string]Code{
	"9001": MissingHeader,
	"9002": Signature,
	"9003": Clock,
	"9004": ProNum,
	"9005": PNO,
	"9006": TimestampFormat,
}

// keywords tell a refusal by its message when the code is not one of
// requestCodes (a TMS numbering its codes otherwise), in this order.
var keywords = []struct {
	word string
	code Code
}{
	{"header", MissingHeader}, // before "sign": "缺少Header:api-ClientSign"
	{"簽章", Signature},
	{"signature", Signature},
	{"過期", Clock},
	{"expired", Clock},
	{"pronum", ProNum},
	{"廠商代號", ProNum},
	{"api-pno", PNO},
	{"timestamp", TimestampFormat},
}

// requestLevel says which refusal of the request itself an E answer is:
// a known code, or for any code in the 9xxx family (and, with anyCode,
// for any code at all) a known word of its message; any other 9xxx code
// is Refused. ok is false for an answer about the row or the query.
func requestLevel(code, message string, anyCode bool) (Code, bool) {
	code = strings.TrimSpace(code)
	if c, ok := requestCodes[code]; ok {
		return c, true
	}
	family := len(code) == 4 && code[0] == '9'
	if family || anyCode {
		msg := strings.ToLower(message)
		for _, k := range keywords {
			if strings.Contains(msg, k.word) {
				return k.code, true
			}
		}
	}
	if family {
		return Refused, true
	}
	return "", false
}

// settingsOf is what a verdict asks to check, most likely first.
func settingsOf(c Code) []Setting {
	switch c {
	case Signature:
		return []Setting{SettingKey, SettingRecipe}
	case NoRecipe:
		return []Setting{SettingKey, SettingVendor}
	case RecipeFound:
		return []Setting{SettingRecipe}
	case Clock, ClockOff:
		return []Setting{SettingClock}
	case PNO:
		return []Setting{SettingPNO}
	case ProNum:
		return []Setting{SettingProNum}
	case MissingHeader, Proxy:
		return []Setting{SettingProxy, SettingNetwork}
	case TimestampFormat:
		return []Setting{SettingVendor}
	case Refused:
		return []Setting{SettingKey, SettingPNO, SettingRecipe}
	case DNS, Connect, Timeout, Reset:
		return []Setting{SettingURL, SettingNetwork}
	case TLSCertificate:
		return []Setting{SettingURL, SettingCertificate}
	case TLS, Redirect, NotFound, BadAnswer:
		return []Setting{SettingURL}
	}
	return nil
}

// failure classifies a request that got no decoded answer.
func failure(err error, status int) (Code, []Setting) {
	var op *net.OpError
	var dns *net.DNSError
	var c Code
	switch kind := tms.Kind(err); {
	case errors.As(err, &op) && op.Op == "proxyconnect", status == http.StatusProxyAuthRequired:
		c = Proxy
	case kind == tms.KindStopped:
		c = Cancelled
	case errors.As(err, &dns):
		c = DNS
	case kind == tms.KindTLS && errors.Is(err, tms.ErrCertificate):
		c = TLSCertificate
	case kind == tms.KindTLS, errors.Is(err, http.ErrSchemeMismatch):
		c = TLS
	case kind == tms.KindRefused:
		c = Connect
	case kind == tms.KindTimeout:
		c = Timeout
	case kind == tms.KindReset:
		c = Reset
	case kind == tms.KindRedirect:
		c = Redirect
	case kind == tms.KindBusy:
		c = Busy
	case kind == tms.KindBadAnswer, kind == tms.KindAmbiguousAnswer:
		c = BadAnswer
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status == http.StatusNotImplemented:
		c = NotFound
	case kind == tms.KindHTTP && status != 0:
		c = HTTPStatus
	default:
		c = Failed
	}
	if c == HTTPStatus && (status == http.StatusUnauthorized || status == http.StatusForbidden) {
		return c, []Setting{SettingKey, SettingPNO, SettingNetwork}
	}
	if c == HTTPStatus && status >= 500 {
		return c, []Setting{SettingVendor}
	}
	return c, settingsOf(c)
}

// Refusal is the verdict of a row's request-level answer (code and
// TMS's message), naming the settings to check; ok is false for an
// answer about the row and for a request-level code not known here.
func Refusal(code, message string) (Verdict, bool) {
	c, ok := requestLevel(code, message, false)
	if !ok || c == Refused {
		return Verdict{}, false
	}
	return Verdict{Code: c, Settings: settingsOf(c), TMSCode: code, TMSMessage: message}, true
}

// Hint is the setting a row's request-level answer points at, in lang
// ("設定問題:請確認 API 金鑰與簽章方式"), or "" for an answer about the
// row and for a request-level code not known here (whose message is
// shown as TMS wrote it).
func Hint(code, message, lang string) string {
	v, ok := Refusal(code, message)
	if !ok {
		return ""
	}
	return text(lang, "hint."+string(v.Code), nil)
}

// RowsHint is the summary's line for n rows TMS refused with one
// request-level code, or "" when Hint has nothing for it.
func RowsHint(code, message string, n int, lang string) string {
	h := Hint(code, message, lang)
	if h == "" {
		return ""
	}
	return text(lang, "hint.rows", map[string]string{"tms": tmsSaid(code, message), "n": strconv.Itoa(n), "hint": h})
}

// maxMessage is how much of TMS's message a verdict quotes.
const maxMessage = 200

// clean makes a server's text fit to print: control characters (an
// escape sequence could rewrite the terminal) become spaces, and it is
// cut at n characters.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return strings.TrimSpace(s)
}
