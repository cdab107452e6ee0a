package decide

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/custimport/custimport/importer/ledger"
)

// Known is one customer TMS has: from the list of existing customers
// (loaded from TMS's own export), or created by custimport (the
// ledger's creates that TMS confirmed), or both.
type Known struct {
	Code      string
	Name      string // 客戶名稱, as written
	ShortName string // 客戶簡稱, as written
	TaxID     string // 統一編號, as written
	Listed    bool   // in the list of existing customers
	Created   bool   // custimport created it
}

// ExistingIndex holds the customers TMS has by every key a row is
// matched with before it creates a customer: code, 統一編號, full name
// and short name (both by NormCompany), and, for all-digit codes, the
// digits left without leading zeros. Build it once per run with
// NewExistingIndex; it is read-only afterwards and safe for concurrent
// readers.
type ExistingIndex struct {
	known    []Known
	listed   bool // a list of existing customers was loaded
	byCode   map[string]int32
	byTaxID  map[string][]int32
	byName   map[string][]int32
	byShort  map[string][]int32
	byDigits map[string][]int32
}

// NewExistingIndex indexes the list of existing customers (listed: a
// list was loaded, even an empty one) and the ledger's creates that TMS
// confirmed with a code (other creates are left to the ledger's own
// rule). A customer in both is one, with the list's names.
func NewExistingIndex(list []ledger.Customer, listed bool, creates []ledger.Create) *ExistingIndex {
	n := len(list) + len(creates)
	ix := &ExistingIndex{listed: listed, byCode: make(map[string]int32, n), byTaxID: make(map[string][]int32, n),
		byName: make(map[string][]int32, n), byShort: make(map[string][]int32, n), byDigits: make(map[string][]int32, n)}
	add := func(k Known) {
		if i, ok := ix.byCode[k.Code]; ok {
			ix.known[i].Listed = ix.known[i].Listed || k.Listed
			ix.known[i].Created = ix.known[i].Created || k.Created
			return
		}
		i := int32(len(ix.known))
		ix.known = append(ix.known, k)
		ix.byCode[k.Code] = i
		if t := bizID(k.TaxID); t != "" {
			ix.byTaxID[t] = append(ix.byTaxID[t], i)
		}
		full := k.Name
		if strings.TrimSpace(full) == "" {
			full = k.ShortName // TMS fills 客戶名稱 from 客戶簡稱 on add
		}
		if n := NormCompany(full); n != "" {
			ix.byName[n] = append(ix.byName[n], i)
		}
		if n := NormCompany(k.ShortName); n != "" {
			ix.byShort[n] = append(ix.byShort[n], i)
		}
		if d, ok := Digits(k.Code); ok {
			ix.byDigits[d] = append(ix.byDigits[d], i)
		}
	}
	ix.known = make([]Known, 0, n)
	for _, c := range list {
		if c.CCODE != "" {
			add(Known{Code: c.CCODE, Name: c.Name, ShortName: c.ShortName, TaxID: c.TaxID, Listed: true})
		}
	}
	for _, c := range creates {
		if c.State == ledger.Created && c.CCODE != "" {
			add(Known{Code: c.CCODE, Name: c.Name, ShortName: c.ShortName, TaxID: c.TaxID, Created: true})
		}
	}
	return ix
}

// Listed reports whether a list of existing customers was loaded.
func (ix *ExistingIndex) Listed() bool { return ix != nil && ix.listed }

// Len is how many customers the index holds.
func (ix *ExistingIndex) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.known)
}

// Lookup returns the customer of a code.
func (ix *ExistingIndex) Lookup(code string) (Known, bool) {
	if ix == nil {
		return Known{}, false
	}
	i, ok := ix.byCode[code]
	if !ok {
		return Known{}, false
	}
	return ix.known[i], true
}

// WithDigits returns the codes of the index that are digits (an all-digit
// code without its leading zeros) with any number of leading zeros.
func (ix *ExistingIndex) WithDigits(digits string) []string {
	if ix == nil {
		return nil
	}
	var out []string
	for _, i := range ix.byDigits[digits] {
		out = append(out, ix.known[i].Code)
	}
	return out
}

// Keys are what a row without a code is matched with: its 統一編號 (8
// digits, else "") and its full and short names by NormCompany.
type Keys struct {
	TaxID, Name, ShortName string
}

// RowKeys returns the keys of a row's 統一編號, 客戶名稱 and 客戶簡稱 as
// typed.
func RowKeys(taxID, name, shortName string) Keys {
	return Keys{TaxID: bizID(taxID), Name: NormCompany(name), ShortName: NormCompany(shortName)}
}

// By says what a row matched an existing customer by.
type By int

// What a row can match by, strongest first.
const (
	ByNone      By = iota
	ByTaxID        // the same 統一編號
	ByName         // the same full name (by NormCompany), and no 統一編號 that differs
	ByShortName    // only the same short name: maybe the same customer
	ByNameOnly     // the same full name but another 統一編號: another company of that name?
)

func (b By) String() string {
	return [...]string{"none", "tax id", "name", "short name", "name, other tax id"}[b]
}

// ExistingMatch is what a row matched: the customers (list order) and by
// what.
type ExistingMatch struct {
	By        By
	Customers []Known
}

// Match finds the customers a row without a code matches, strongest key
// first: 統一編號, then full name, then short name.
func (ix *ExistingIndex) Match(k Keys) ExistingMatch {
	if ix == nil {
		return ExistingMatch{}
	}
	if k.TaxID != "" {
		if list := ix.byTaxID[k.TaxID]; len(list) > 0 {
			return ExistingMatch{By: ByTaxID, Customers: ix.pick(list, nil)}
		}
	}
	if k.Name != "" {
		if list := ix.byName[k.Name]; len(list) > 0 {
			other := func(c Known) bool { t := bizID(c.TaxID); return t != "" && k.TaxID != "" && t != k.TaxID }
			if same := ix.pick(list, func(c Known) bool { return !other(c) }); len(same) > 0 {
				return ExistingMatch{By: ByName, Customers: same}
			}
			return ExistingMatch{By: ByNameOnly, Customers: ix.pick(list, nil)}
		}
	}
	if k.ShortName != "" {
		if list := ix.byShort[k.ShortName]; len(list) > 0 {
			return ExistingMatch{By: ByShortName, Customers: ix.pick(list, nil)}
		}
	}
	return ExistingMatch{}
}

// pick returns the customers of list that keep is true of (all: nil).
func (ix *ExistingIndex) pick(list []int32, keep func(Known) bool) []Known {
	out := make([]Known, 0, len(list))
	for _, i := range list {
		if keep == nil || keep(ix.known[i]) {
			out = append(out, ix.known[i])
		}
	}
	return out
}

// ExistingAction is what happens to a row without a code that matched
// an existing customer.
type ExistingAction int

// Existing actions.
const (
	NotExisting    ExistingAction = iota // no match: the row creates a customer
	RefuseExisting                       // INVALID (EXISTS): TMS has the customer; nothing is sent
	UpdateExisting                       // sent as an update of the customer's code
	WarnExisting                         // sent, with a warning naming the customer it may be
)

// ExistingVerdict is the verdict on a row without a code.
type ExistingVerdict struct {
	Action ExistingAction
	By     By
	// Customer is the customer the row is (or may be); Others are the
	// other customers it matched as well.
	Customer Known
	Others   []Known
}

// ForExisting decides a row without a code from what it matched. A row
// matched by 統一編號 or full name is not created again: with update,
// one matched by 統一編號 is sent as an update of that customer, when it
// is one customer (several of one 統一編號, branches say, are told
// apart by the full name). A match by short name only, or by a full name
// under another 統一編號, is a warning.
func ForExisting(m ExistingMatch, k Keys, update bool) ExistingVerdict {
	if m.By == ByNone || len(m.Customers) == 0 {
		return ExistingVerdict{}
	}
	cs, unique := m.Customers, len(m.Customers) == 1
	if m.By == ByTaxID && !unique && k.Name != "" {
		// Several customers of one 統一編號: one of them of the row's
		// name is the row's customer.
		var same []int
		for i, c := range cs {
			if NormCompany(fullName(c)) == k.Name {
				same = append(same, i)
			}
		}
		if len(same) == 1 {
			i := same[0]
			cs = append(append([]Known{cs[i]}, cs[:i]...), cs[i+1:]...)
			unique = true
		}
	}
	v := ExistingVerdict{By: m.By, Customer: cs[0], Others: cs[1:]}
	switch m.By {
	case ByTaxID:
		v.Action = RefuseExisting
		if update && unique {
			v.Action = UpdateExisting
		}
	case ByName:
		v.Action = RefuseExisting
	default:
		v.Action = WarnExisting
	}
	return v
}

func fullName(c Known) string {
	if strings.TrimSpace(c.Name) != "" {
		return c.Name
	}
	return c.ShortName
}

// Digits returns an all-digit code without its leading zeros ("0456" →
// "456"; "000" → "0"), and false for a code with anything but digits.
func Digits(code string) (string, bool) {
	if code == "" {
		return "", false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return "", false
		}
	}
	d := strings.TrimLeft(code, "0")
	if d == "" {
		d = "0"
	}
	return d, true
}

// LostZeros returns the codes among known that code is once leading
// zeros are put back, longer than code ("456" for "0456"): the codes an
// all-digit code Excel shortened may have been, sorted. known are the
// codes TMS has with code's digits (any of them may be code itself);
// when code is one of them it is a code of its own, and none is
// returned.
func LostZeros(code string, known []string) []string {
	d, ok := Digits(code)
	if !ok || slices.Contains(known, code) {
		return nil
	}
	var out []string
	for _, k := range known {
		if kd, ok := Digits(k); ok && kd == d && len(k) > len(code) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Creation says whether sending a row creates a customer in TMS.
type Creation int

// Creations.
const (
	NoCreate  Creation = iota // an update of a customer TMS has
	Creates                   // a new customer
	MayCreate                 // TMS decides (EditItem 2) and nothing says whether it has the code
)

// EditItem values (mapping.EditAdd ...), repeated here to keep this
// package free of the catalog.
const (
	editAdd    = 0
	editUpdate = 1
)

// CreationOf decides whether a row with a code creates a customer: EditItem
// 0 always does, 1 never; with 2, TMS adds a code it does not have. It
// has the code when the list of existing customers or the ledger knows
// it (known); when a list is loaded a code neither knows is new.
func CreationOf(editItem int, known, listed bool) Creation {
	switch {
	case editItem == editAdd:
		return Creates
	case editItem == editUpdate, known:
		return NoCreate
	case listed:
		return Creates
	}
	return MayCreate
}

// NormCompany is a company name as matching with existing customers
// compares it: NormName (full-width folded, lower case, letters and
// digits only) with 臺 read as 台, and without the company-form suffix
// (股份有限公司, 有限公司, (股)公司, 公司, 企業社, 商行, 商號, 工作室;
// Co., Ltd., Inc., Corp., Company, Limited, LLC). A name that is only
// a suffix is kept whole.
func NormCompany(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if needsFold(s) {
		s = width.Fold.String(s)
	}
	s = stripEnglishForms(s)
	n := strings.ReplaceAll(NormName(s), "臺", "台")
	if slices.Contains(chineseForms, n) {
		return n
	}
	for {
		cut := false
		for _, suffix := range chineseForms {
			if rest, ok := strings.CutSuffix(n, suffix); ok && rest != "" {
				n, cut = rest, true
				break
			}
		}
		if !cut {
			return n
		}
	}
}

// chineseForms are the company-form suffixes NormCompany drops, longest
// first (as NormName leaves them: "(股)公司" is "股公司").
var chineseForms = []string{"股份有限公司", "有限責任公司", "有限公司", "無限公司", "兩合公司", "股公司", "企業社", "工作室", "公司", "商行", "商號"}

// englishForms are the words of English company forms NormCompany drops
// from the end of a name.
var englishForms = map[string]bool{"co": true, "ltd": true, "inc": true, "corp": true, "corporation": true,
	"company": true, "limited": true, "llc": true, "plc": true, "incorporated": true}

// stripEnglishForms drops the English company-form words at the end of
// a name (words: runs of ASCII letters and digits), keeping at least one
// word.
func stripEnglishForms(s string) string {
	for {
		end := strings.LastIndexFunc(s, isWordRune) + 1
		start := strings.LastIndexFunc(s[:end], func(r rune) bool { return !isWordRune(r) }) + 1
		if end == 0 || !englishForms[strings.ToLower(s[start:end])] || strings.IndexFunc(s[:start], isNameRune) < 0 {
			return s
		}
		s = s[:start]
	}
}

func isWordRune(r rune) bool { return r < unicode.MaxASCII && isNameRune(r) }

func isNameRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// bizID is a 統一編號 as matching compares it: its 8 digits, or "" when
// it is not 8 digits (a damaged one matches nothing).
func bizID(s string) string {
	if len(s) == 8 && allASCIIDigits(s) {
		return s
	}
	t := NormTaxID(s)
	if len(t) != 8 {
		return ""
	}
	return t
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
