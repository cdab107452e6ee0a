package importer

import (
	"path/filepath"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/plan"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/mapping"
)

// Message codes of the customers TMS already has: rows matched before
// they create, codes Excel shortened, rows that create. Stable: front
// ends and logs may key on them.
const (
	msgExistsTaxID     = "exists_tax_id"     // a row without a code has an existing customer's 統一編號
	msgExistsName      = "exists_name"       // ... or its company name
	msgExistsAmbiguous = "exists_ambiguous"  // ... of several customers: which one to update?
	msgExistsUpdate    = "exists_update"     // sent as an update of the customer it matched
	msgExistsShort     = "exists_short_name" // only its short name is an existing customer's
	msgExistsOtherTax  = "exists_other_tax"  // its name is one's, its 統一編號 another
	msgExistsOthers    = "exists_others"     // the other customers it matched
	msgExistsListed    = "exists_listed"     // where the customer comes from: the list
	msgExistsCreated   = "exists_created"    // ... or custimport created it
	msgCodeZeros       = plan.CodeLostZeros  // an all-digit code is a known code without its leading zeros
	msgFedBackZeros    = plan.CodeFedBackZeros
	msgCreateCredit    = plan.CodeCreateCredit
	msgMayCreateCredit = plan.CodeMayCreateCredit
	msgListStale       = "existing_stale"
	msgListLine        = "existing_list"
	msgWillCreate      = "will_create"
)

// existingText holds the messages of existingmsg.go: each code's
// Traditional Chinese and English text side by side (fmt formats).
var existingText = msg.Register("existing", msg.Table{
	msgExistsTaxID: {
		"TMS 已有這位客戶:代號 %[1]s「%[2]s」(%[3]s),統一編號 %[4]s 相同。本列未送出,以免重複建立。若要更新它,請把 %[1]s 填入客戶代號欄,或選擇「更新已存在的客戶」;若確定是另一位客戶,請為它填一個新的客戶代號",
		"TMS already has this customer: code %[1]s %[2]q (%[3]s), the same 統一編號 %[4]s. Not sent, so it is not created twice. To update it, put %[1]s in the customer code column, or choose to update existing customers; if it is another customer, give it a new customer code"},
	msgExistsName: {
		"TMS 已有同名的客戶:代號 %[1]s「%[2]s」(%[3]s),客戶名稱相同 (不計公司型態與空白)。本列未送出,以免重複建立。若是同一位客戶,請把 %[1]s 填入客戶代號欄以更新它;若確定是另一位客戶,請為它填一個新的客戶代號",
		"TMS already has a customer of this name: code %[1]s %[2]q (%[3]s), the same 客戶名稱 (company form and spaces aside). Not sent, so it is not created twice. If it is the same customer, put %[1]s in the customer code column to update it; if it is another customer, give it a new customer code"},
	msgExistsAmbiguous: {
		"統一編號 %[1]s 在 TMS 有 %[2]d 位客戶 (%[3]s),無法判斷要更新哪一位。本列未送出:請把要更新的代號填入客戶代號欄",
		"統一編號 %[1]s belongs to %[2]d customers in TMS (%[3]s): which one to update cannot be told. Not sent: put the code of the one to update in the customer code column"},
	msgExistsUpdate: {
		"統一編號 %[3]s 與既有客戶 %[1]s「%[2]s」相同:以代號 %[1]s 更新它,不新增客戶",
		"the same 統一編號 %[3]s as existing customer %[1]s %[2]q: sent as an update of %[1]s, not as a new customer"},
	msgExistsShort: {
		"客戶簡稱與既有客戶 %[1]s「%[2]s」(%[3]s) 相同,仍以新客戶送出;若是同一位客戶,請把 %[1]s 填入客戶代號欄",
		"the same short name as existing customer %[1]s %[2]q (%[3]s); sent as a new customer. If it is that customer, put %[1]s in the customer code column"},
	msgExistsOtherTax: {
		"客戶名稱與既有客戶 %[1]s「%[2]s」(%[3]s) 相同,但統一編號不同 (%[4]s),仍以新客戶送出;請確認不是同一位客戶",
		"the same 客戶名稱 as existing customer %[1]s %[2]q (%[3]s) but another 統一編號 (%[4]s); sent as a new customer. Check that it is not that customer"},
	msgExistsOthers: {
		";另有 %s 也相符",
		"; %s match as well"},
	msgExistsListed: {
		"TMS 既有客戶清單",
		"in TMS's customer list"},
	msgExistsCreated: {
		"先前由 custimport 建立",
		"created earlier by custimport"},
	msgCodeZeros: {
		"%[1]q看起來是 Excel 刪掉開頭 0 的 %[2]s (TMS 已有 %[2]s,沒有 %[1]s)。本列未送出,以免建立另一位客戶:請改回 %[2]s,並將欄位格式設為文字",
		"%[1]q looks like %[2]s with its leading zeros dropped by Excel (TMS has %[2]s, not %[1]s). Not sent, so no other customer is created: change it back to %[2]s and format the column as text"},
	msgFedBackZeros: {
		"結果檔的 ImportCCODE%[1]q少了開頭的 0 (Excel 會刪掉),已讀為 %[2]s",
		"the results' ImportCCODE %[1]q lost its leading zeros (Excel drops them); read as %[2]s"},
	msgCreateCredit: {
		"客戶代號 %[1]s 不在既有客戶清單 (資料日期 %[2]s),也不曾匯入過,TMS 會新增這位客戶,而新增時此欄位不可空白。請填入信用額度 (或在對應檔設定預設值);若它其實已在 TMS,請從 TMS 重新匯出客戶資料並載入",
		"customer code %[1]s is not in the list of existing customers (as of %[2]s) and was never imported, so TMS will create it, and a create needs this field. Fill in a credit limit (or give a default in the mapping file); if TMS does have it, export TMS's customers again and load the list"},
	msgMayCreateCredit: {
		"空白;若 TMS 還沒有客戶代號 %[1]s,TMS 會把本列當成新增並拒絕 (新增時此欄位不可空白)。載入既有客戶清單後,檢查就能確定",
		"blank; if TMS does not have customer code %[1]s yet, it treats the row as a create and refuses it (a create needs this field). With the list of existing customers loaded, a check can tell"},
	msgListStale: {
		"既有客戶清單的資料日期是 %[1]s,已超過 %[2]d 天:之後在 TMS 新增的客戶不在清單中。請從 TMS 重新匯出客戶資料並載入",
		"the list of existing customers is as of %[1]s, more than %[2]d days ago: customers added to TMS since are not in it. Export TMS's customers again and load the list"},
	msgListLine: {
		"既有客戶清單: %[1]d 位客戶,資料日期 %[2]s (%[3]s)",
		"existing customers: %[1]d, as of %[2]s (%[3]s)"},
	msgWillCreate: {
		"會新增客戶的列: %[1]d",
		"rows that create a customer: %[1]d"},
})

// text renders a message of existingText.
func (m catalogMessages) text(code string, args ...any) string {
	if _, ok := existingText[code]; !ok {
		panic("importer: no message " + code)
	}
	return m.p.Sprint("existing."+code, args...)
}

// fieldText prefixes a message with a field's name, as the validator's
// messages are: "CCODE 客戶代號: …".
func (m catalogMessages) FieldText(field, code string, args ...any) string {
	return mapping.MustLookup(field).Name(m.lang) + ": " + m.text(code, args...)
}

// knownName is how a message shows an existing customer: its full
// name, else its short name.
func knownName(k decide.Known) string {
	if strings.TrimSpace(k.Name) != "" {
		return k.Name
	}
	return k.ShortName
}

// knownWhere says where a customer is known from.
func (m catalogMessages) knownWhere(k decide.Known) string {
	if k.Listed {
		return m.text(msgExistsListed)
	}
	return m.text(msgExistsCreated)
}

// existing renders the verdict on a row without a code that matched a
// customer TMS has, with its message code ("" when it matched none);
// update: the run was asked to update the customers rows match by
// 統一編號.
func (m catalogMessages) Existing(v decide.ExistingVerdict, taxID string, update bool) (code, msg string) {
	c := v.Customer
	switch {
	case v.Action == decide.NotExisting:
		return "", ""
	case v.Action == decide.UpdateExisting:
		return msgExistsUpdate, m.text(msgExistsUpdate, c.Code, knownName(c), taxID)
	case update && v.By == decide.ByTaxID:
		// Refused although updates were asked for: several customers.
		codes := []string{c.Code}
		for _, o := range v.Others {
			codes = append(codes, o.Code)
		}
		return msgExistsAmbiguous, m.text(msgExistsAmbiguous, taxID, len(codes), strings.Join(codes, ", "))
	case v.By == decide.ByTaxID:
		code, msg = msgExistsTaxID, m.text(msgExistsTaxID, c.Code, knownName(c), m.knownWhere(c), taxID)
	case v.By == decide.ByName:
		code, msg = msgExistsName, m.text(msgExistsName, c.Code, knownName(c), m.knownWhere(c))
	case v.By == decide.ByShortName:
		code, msg = msgExistsShort, m.text(msgExistsShort, c.Code, knownName(c), m.knownWhere(c))
	default:
		code, msg = msgExistsOtherTax, m.text(msgExistsOtherTax, c.Code, knownName(c), m.knownWhere(c), c.TaxID)
	}
	if len(v.Others) > 0 {
		var codes []string
		for _, o := range v.Others {
			codes = append(codes, o.Code)
		}
		msg += m.text(msgExistsOthers, strings.Join(codes, ", "))
	}
	return code, msg
}

// existingLine describes a list of existing customers in one line: how
// many, as of when, from which file.
func (m catalogMessages) existingLine(info ledger.ExistingInfo) string {
	asOf := "?"
	if !info.AsOf.IsZero() {
		asOf = info.AsOf.Local().Format("2006-01-02")
	}
	return m.text(msgListLine, info.Count, asOf, filepath.Base(info.Source))
}

// ExistingLine describes a list of existing customers in one line, in
// lang ("zh" or "en"): how many, as of when, from which file.
func ExistingLine(info ledger.ExistingInfo, lang string) string {
	return messages(lang).existingLine(info)
}

// WillCreateLine says how many rows create a customer, in lang.
func WillCreateLine(n int, lang string) string {
	return messages(lang).text(msgWillCreate, n)
}
