package tmssim

import (
	"net/http"
	"strconv"
	"strings"
)

// CodeInfo describes one ErrorCode the simulator answers with.
type CodeInfo struct {
	Code    string // ErrorCode, e.g. "1002"
	Message string // ErrorMessage (field errors append ":" and a detail)
	Meaning string // English explanation, for the README
	// Spec is true for codes the specification itself shows (0000, 2006,
	// 9003); the others are the simulator's own.
	Spec bool
	// HTTPStatus is the HTTP status the answer is sent with.
	HTTPStatus int
}

// Error codes answered by the simulator.
const (
	CodeOK            = "0000"
	CodeBadJSON       = "1001"
	CodeExists        = "1002"
	CodeNotFound      = "1003"
	CodeCBELERequired = "1004"
	CodeTooLong       = "1005"
	CodeNotAllowed    = "1006"
	CodeCRDAT         = "1007"
	CodeCarrier       = "1008"
	CodeUnknownField  = "1009"
	CodeCCODE         = "1010"
	CodeEditItem      = "1011"
	CodeNotInteger    = "1012"
	CodeNotDecimal    = "1013"
	CodeBadType       = "1014"
	CodeDuplicate     = "1015"
	CodeTooLarge      = "1016"
	CodeCTCOD         = "2006"
	CodeMissingHeader = "9001"
	CodeBadSign       = "9002"
	CodeExpired       = "9003"
	CodeProNum        = "9004"
	CodePNO           = "9005"
	CodeBadTimestamp  = "9006"
)

// Codes lists every ErrorCode the simulator answers with, in code order.
// It is the one table of them; MarkdownTable renders it for the README.
var Codes = []CodeInfo{
	{CodeOK, "", "success", true, http.StatusOK},
	{CodeBadJSON, "JSON格式錯誤", "body is not a JSON object, has trailing data, or Main is missing / not an object", false, http.StatusOK},
	{CodeExists, "客戶代號已存在", "EditItem 0 (add) but the CCODE exists", false, http.StatusOK},
	{CodeNotFound, "客戶代號不存在", "EditItem 1 (edit) but the CCODE does not exist", false, http.StatusOK},
	{CodeCBELERequired, "新增時,此欄位不可空白", "CBELE (credit limit) absent on add, or sent blank", false, http.StatusOK},
	{CodeTooLong, "欄位長度超過限制", "an S(n) field longer than n characters", false, http.StatusOK},
	{CodeNotAllowed, "欄位值不在允許範圍", "an Int/Bool value outside its allowed values or 32 bits", false, http.StatusOK},
	{CodeCRDAT, "結帳日期範圍請填在1-31之間", "CRDAT filled but not a whole number 1-31", false, http.StatusOK},
	{CodeCarrier, "POS專用手機載具格式錯誤", "PosPhoneCarrierId filled but not / followed by 7 of 0-9 A-Z + - .", false, http.StatusOK},
	{CodeUnknownField, "未知的欄位", "a Main member that is not in the specification", false, http.StatusOK},
	{CodeCCODE, "客戶代號錯誤", "CCODE blank without AutoCCODE 1, or AutoCCODE 1 with a CCODE or on an edit", false, http.StatusOK},
	{CodeEditItem, "客戶編輯(EditItem)錯誤", "EditItem missing (and AutoCCODE not 1) or not 0, 1 or 2", false, http.StatusOK},
	{CodeNotInteger, "欄位須為整數", "an Int/Bool field that is not a whole number", false, http.StatusOK},
	{CodeNotDecimal, "欄位須為數字", "a Decimal field that is not a number", false, http.StatusOK},
	{CodeBadType, "欄位型態錯誤", "a field sent as null, object, array or boolean", false, http.StatusOK},
	{CodeDuplicate, "欄位重複", "the same field sent twice in different spellings (CPHONE and CPhone)", false, http.StatusOK},
	{CodeTooLarge, "資料過大", "request body over the size limit (HTTP 413)", false, http.StatusRequestEntityTooLarge},
	{CodeCTCOD, "統編錯誤", "CTCOD filled but not 8 digits passing the Ministry of Finance checksum", true, http.StatusOK},
	{CodeMissingHeader, "缺少Header", "api-pno, api-timestamp or api-ClientSign missing or empty", false, http.StatusOK},
	{CodeBadSign, "簽章錯誤", "api-ClientSign does not match the signing recipe", false, http.StatusOK},
	{CodeExpired, "Timestamp已過期", "api-timestamp more than 300 s from the server clock", true, http.StatusOK},
	{CodeProNum, "廠商代號錯誤", "body ProNum missing or not the configured one", false, http.StatusOK},
	{CodePNO, "api-pno錯誤", "api-pno header not the configured one", false, http.StatusOK},
	{CodeBadTimestamp, "Timestamp格式錯誤", "api-timestamp is not whole Unix seconds", false, http.StatusOK},
}

var codeMessage = func() map[string]string {
	m := make(map[string]string, len(Codes))
	for _, c := range Codes {
		m[c.Code] = c.Message
	}
	return m
}()

// Message returns the ErrorMessage of a code ("" for an unknown code).
func Message(code string) string { return codeMessage[code] }

// MarkdownTable renders Codes as a Markdown table (code, message, meaning,
// HTTP status, whether the specification shows it), for the README.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| ErrorCode | ErrorMessage | Meaning | HTTP | In spec |\n|---|---|---|---|---|\n")
	for _, c := range Codes {
		spec := ""
		if c.Spec {
			spec = "yes"
		}
		b.WriteString("| " + c.Code + " | " + c.Message + " | " + c.Meaning + " | " + strconv.Itoa(c.HTTPStatus) + " | " + spec + " |\n")
	}
	return b.String()
}
