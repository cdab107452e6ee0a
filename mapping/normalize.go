package mapping

import (
	"regexp"
	"strings"

	"golang.org/x/text/width"
)

// simplified folds the traditional characters that appear in the catalog's
// labels and aliases (and in the words looksLikeCode looks for) to their
// simplified forms, so a header typed in Simplified Chinese ("客户代号")
// matches the traditional label ("客戶代號"). Only real traditional →
// simplified pairs are listed; characters written the same in both scripts
// (客, 代, 票, 名, ...) are not. A small explicit table, not a converter:
// header matching only needs the characters the catalog uses.
var simplified = map[rune]rune{
	'備': '备', '傳': '传', '價': '价', '別': '别', '動': '动', '務': '务',
	'員': '员', '啟': '启', '單': '单', '專': '专', '帳': '帐', '戶': '户', '數': '数', '時': '时', '暫': '暂', '會': '会',
	'條': '条', '業': '业', '標': '标', '機': '机', '檻': '槛', '無': '无',
	'營': '营', '產': '产', '發': '发', '碼': '码', '稅': '税', '稱': '称',
	'簡': '简', '籤': '签', '簽': '签', '約': '约', '紅': '红', '級': '级',
	'紹': '绍', '結': '结', '絡': '络', '統': '统', '維': '维', '網': '网',
	'編': '编', '聯': '联', '號': '号', '計': '计', '訊': '讯', '註': '注',
	'話': '话', '證': '证', '負': '负', '貨': '货', '責': '责', '費': '费',
	'載': '载', '輯': '辑', '運': '运', '遞': '递', '還': '还', '郵': '邮',
	'門': '门', '開': '开', '間': '间', '電': '电', '預': '预', '頭': '头',
	'額': '额', '點': '点',
	// 賬 (simplified 账) is a variant of 帳: "账单地址" is 帳單地址.
	'賬': '帐', '账': '帐',
	// Not in the catalog, but in headers users write and in the words
	// looksLikeCode and isNote look for.
	'區': '区', '類': '类', '幣': '币', '顧': '顾', '識': '识', '舊': '旧',
	'訂': '订', '職': '职', '倉': '仓', '護': '护', '銀': '银', '選': '选',
	'須': '须', '輸': '输', '寫': '写', '說': '说', '範': '范', '國': '国',
	'請': '请', '項': '项', '個': '个', '擇': '择',
	// 連絡 and 聯繫 are written for 聯絡 (keyReplacer unifies them).
	'連': '连', '繫': '系', '辦': '办', '處': '处', '寶': '宝', '對': '对',
}

// keyReplacer removes spaces and punctuation and unifies variant spellings;
// it runs after width folding, case folding and simplified folding.
var keyReplacer = strings.NewReplacer(
	" ", "", "\t", "", "\n", "", "\r", "", "\u00a0", "", "_", "", "-", "", "*", "", "※", "", ".", "",
	"(", "", ")", "", "[", "", "]", "", "【", "", "】", "", ":", "", "/", "",
	"身份", "身分", "臺", "台", "连络", "联络", "联系", "联络",
)

// fold is the first step of header matching: full-width letters, digits,
// punctuation and spaces folded to half-width, case folded, traditional
// characters folded to simplified.
func fold(s string) string {
	s = strings.ToLower(width.Narrow.String(s))
	return strings.Map(func(r rune) rune {
		if t, ok := simplified[r]; ok {
			return t
		}
		return r
	}, s)
}

// headerKey normalises a header text for matching: full-width folded to
// half-width, case folded, traditional folded to simplified, spaces and
// punctuation (required markers * ＊ ※ and brackets included) removed,
// 身份/身分 and 臺/台 unified. "E-mail" and "ｅｍａｉｌ " both become
// "email"; "客戶代號" and "客户代号" both become "客户代号".
func headerKey(s string) string {
	return keyReplacer.Replace(fold(s))
}

// headerKeys returns the keys a header text is looked up by, most specific
// first: the key of the whole text, then the keys of the text with its
// trailing notes removed one at a time. "*客戶代號（必填）" gives
// "客户代号必填", then "客户代号". Only notes that are decoration (isNote)
// are removed, so "客戶等級(其他)" keeps its note and stays GRADENO.
func (cat *Catalog) headerKeys(s string) []string {
	s = trimMarkers(fold(s))
	if s == "" {
		return nil
	}
	keys := []string{keyReplacer.Replace(s)}
	for {
		rest, ok := cat.cutNote(s)
		if !ok {
			break
		}
		s = trimMarkers(rest)
		if s == "" {
			break
		}
		if k := keyReplacer.Replace(s); k != keys[len(keys)-1] {
			keys = append(keys, k)
		}
	}
	if keys[0] == "" {
		keys = keys[1:]
	}
	return keys
}

// trimMarkers removes surrounding space and required markers (* ※, and
// ＊ once folded) from a folded header.
func trimMarkers(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == '*' || r == '※' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u3000'
	})
}

// brackets pairs each closing bracket of a note with its opening one, after
// width folding (（ → (, ［ → [).
var brackets = map[byte]string{')': "(", ']': "["}

// cutNote removes one trailing bracketed note — "(必填)", "[選填]",
// "【必填】", "(YYYY/MM/DD)", "(CCODE)" after 客戶代號 — from a folded
// header, when the note is decoration (or names the same field as the rest)
// and something is left before it.
func (cat *Catalog) cutNote(s string) (string, bool) {
	var open, closer string
	switch {
	case strings.HasSuffix(s, ")"), strings.HasSuffix(s, "]"):
		open, closer = brackets[s[len(s)-1]], s[len(s)-1:]
	case strings.HasSuffix(s, "】"):
		open, closer = "【", "】"
	default:
		return s, false
	}
	i := strings.LastIndex(s, open)
	if i <= 0 {
		return s, false
	}
	rest, note := s[:i], strings.TrimSpace(s[i+len(open):len(s)-len(closer)])
	if !isNote(note) && !cat.sameField(rest, note) {
		return s, false
	}
	return rest, true
}

// sameField reports whether a header and its note name the same field, as
// in "客戶代號(CCODE)".
func (cat *Catalog) sameField(header, note string) bool {
	a, ok := cat.index[keyReplacer.Replace(trimMarkers(header))]
	if !ok {
		return false
	}
	b, ok := cat.index[keyReplacer.Replace(note)]
	return ok && a.field == b.field
}

var (
	// noteWords mark a note as a required/optional marker.
	noteWords = []string{"必", "选填", "非必", "可空", "可不填", "选择", "填写", "required", "optional", "mandatory"}
	// notePrefixes start an example, a format or an explanation.
	notePrefixes = []string{"例", "如", "格式", "范例", "注", "说明", "请", "单位", "民国", "西元", "e.g", "eg", "ex", "format", "note"}
	// noteFormat: a date format such as yyyy/mm/dd, yyy-mm-dd, yyyymmdd.
	noteFormat = regexp.MustCompile(`^[ymd]{2,4}([ /.-]?[ymd]{2,4}){0,2}$`)
	// noteChoices: a list of choices such as "0:不列印,1:列印", "0=無 1=有",
	// a range such as "1-31", a length such as "8碼", or digits such as "0/1".
	noteChoices = regexp.MustCompile(`^([0-9]+ *[:=].*|[0-9]+ *[-~至] *[0-9]+|[0-9]+ *(码|位|字|个字|字元|位数)|[0-9]+(?: *[,/|] *[0-9]+)+)$`)
)

// isNote reports whether the text of a bracketed note (folded, without its
// brackets) is decoration — a required marker, a format, an example, a
// list of choices — rather than part of the field's name, as in
// "客戶等級(其他)" or "地址(發票)", which must not lose their notes.
func isNote(note string) bool {
	switch note {
	case "":
		return false
	case "m", "o", "req", "opt":
		return true
	}
	for _, w := range noteWords {
		if strings.Contains(note, w) {
			return true
		}
	}
	for _, p := range notePrefixes {
		if strings.HasPrefix(note, p) {
			return true
		}
	}
	return noteFormat.MatchString(note) || noteChoices.MatchString(note)
}

// Header keys (folded by headerKey: lower case, Simplified, no spaces or
// punctuation) that name the customer's own code, for the safety net:
//   - customerCodeCJK: a customer word directly followed by a code word,
//     anywhere in the header (客戶識別碼, 原ERP客戶編號, 鼎新客戶代號,
//     客戶代號2, 客戶流水號), or the abbreviations 客編, 客代, 客號;
//   - customerCodeLatin: the whole header is a customer word and a code
//     word (Customer No, Cust ID old), maybe marked old or legacy;
//   - genericCode: a bare code word (ID, Code, 編號, 代號) marked as the
//     old system's (舊編號, 原代號, ERP ID).
//
// Only those: 客戶類別代號, 付款方式代碼, 幣別代碼 or 客戶電話號碼 name
// other codes, which a sheet of new customers may well carry.
var (
	customerCodeCJK   = regexp.MustCompile(`(?:客户|顾客)(?:识别|辨识)?(?:代号|编号|代码|编码|识别码|识别号|号码|序号|流水号|号|码|代|id|no|code)|客编|客代|客号`)
	customerCodeLatin = regexp.MustCompile(`^(?:old|legacy|erp|original)?(?:customer|cust|client)(?:id|no|nr|num|number|code)(?:old|legacy|erp)?$`)
	genericCode       = regexp.MustCompile(`^(?:原|旧|原始|旧系统|原系统|旧有|erp|old|legacy)?(?:编号|代号|代码|编码|id|code)$`)
)

// looksLikeCode reports whether a header key (see headerKey) looks like the
// customer-code column. It is only asked about columns that match no field.
func looksLikeCode(key string) bool {
	return customerCodeCJK.MatchString(key) || customerCodeLatin.MatchString(key) || genericCode.MatchString(key)
}
