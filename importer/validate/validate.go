// Package validate owns the checks of one spreadsheet row before it is
// sent: it turns the row's mapped values (mapping.Field + text) into a
// `Main` payload ready for POST /Cust/Add, or into problems — errors that
// keep the row from being sent and warnings that travel with it.
//
// It normalises values (trims spaces, narrows full-width characters in
// codes, phones, numbers, e-mail and dates, converts dates to the API's
// formats), checks what the API specification states (S(n) lengths,
// enumerated values, 結帳日期 1-31, 信用額度 on add, the mobile barcode
// carrier format, AutoCCODE with a blank code) and the Taiwan identifiers
// (統一編號 checksum, 身分證/居留證 checksum), and catches what Excel does
// to data (formula errors, scientific notation, dropped leading zeros,
// dates stored as serial numbers). Messages are Traditional Chinese or
// English and always name the field by code and label.
//
// Decisions worth knowing:
//   - CRDAT (結帳日期) is sent as the number without leading zeros: "05"
//     is sent as "5".
//   - Int fields hold 32-bit numbers; "1,000" and "5.0" are whole numbers.
//     Decimal fields are sent as the exact text typed, thousands commas
//     removed and leading zeros dropped (json.Number must be valid JSON);
//     at most 28 digits.
//   - Dates: seven bare digits are an ROC YYYMMDD date ("1130501"); one to
//     six bare digits are an Excel serial number (with a warning).
//   - Scientific notation is only Excel's display form with a signed
//     exponent ("9.12346E+11"); "12E3" is a valid code.
//   - A CCODE is remembered on its first row even when that row has other
//     errors, so every later row with it is reported as a duplicate.
//   - In Big5 mode, full-width letters and digits in Text fields count 2
//     bytes, as Big5 stores them.
//   - CIDNO is upper-cased when it has the form of an ID; the carrier is
//     upper-cased with a warning.
//
// Validate is two steps, so that rows can be checked on every processor:
// a Checker's Check looks at one row alone (several Checkers run at once,
// each reusing its scratch space, so a row without problems allocates
// nothing), and the Validator's Remember, called in file order, adds what
// depends on the rows before (a repeated code, a code differing only by
// case, a code that lost its leading zeros).
//
// It knows nothing of files or HTTP.
package validate

import (
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/custimport/custimport/importer/internal/codeset"
	"github.com/custimport/custimport/mapping"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Severity says whether a problem stops the row.
type Severity int

// Severities.
const (
	Error   Severity = iota // the row is not sent
	Warning                 // the row is sent; the user should look
)

// String returns "error" or "warning".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// Problem is one thing wrong with a row.
type Problem struct {
	Field    string // field code ("" for a row-level problem)
	Column   int    // index of the input column the problem is about, -1 when none (a default, or a missing value)
	Severity Severity
	// Message is localised and complete, e.g.
	// `CRDAT 結帳日期: 須為 1-31,實際為 "32"`: Render(lang) in the
	// validator's language.
	Message string
	// Code is the stable message code ("too_long", "not_choice", ...; see
	// Codes); "" for a problem a caller built with only a Message.
	Code string
	// Args are the values the message quotes, as found (not shortened).
	Args []string
	// field is the field the problem is about, for rendering fields that
	// are not in the catalog.
	field *mapping.Field
}

// Value is one mapped cell of a row.
type Value struct {
	Field  *mapping.Field // the catalog's field (not copied per row)
	Column int            // input column index; -1 for a value that did not come from a cell
	Text   string         // the cell's text as read
}

// Payload is the JSON-ready `Main` object: S(n) fields as string, Int,
// Decimal and Bool fields as json.Number holding the exact text sent
// (e.g. "1234567.89" stays that). Marshal it with encoding/json.
type Payload map[string]any

// Outcome is the result of validating one row.
type Outcome struct {
	Payload  Payload   // nil when the row has errors
	Problems []Problem // errors first then warnings, each in field order
	Code     string    // normalised CCODE ("" for an auto-numbered create)
	EditItem int       // the EditItem sent (or that would be sent)
	// Create is true when the row creates a customer: a blank CCODE
	// (automatic code) or EditItem 0. A create with a blank code is not
	// idempotent: sending it twice creates two customers.
	Create bool
	// BlankOnAdd is the code of a field a create needs (信用額度) that the
	// row leaves blank with no default, when the row is not a create by
	// itself: sent with EditItem 2 for a code TMS does not have, it is
	// one, and TMS refuses it. "" when none. BlankOnAddColumn is the
	// column of its blank cell, -1 when the field has no column.
	BlankOnAdd       string
	BlankOnAddColumn int
}

// Valid reports whether the outcome has no Error problems.
func (o Outcome) Valid() bool {
	for _, p := range o.Problems {
		if p.Severity == Error {
			return false
		}
	}
	return true
}

// Errors returns the messages of the Error problems joined by "; ".
func (o Outcome) Errors() string { return o.join(Error) }

// Warnings returns the messages of the Warning problems joined by "; ".
func (o Outcome) Warnings() string { return o.join(Warning) }

func (o Outcome) join(s Severity) string {
	var msgs []string
	for _, p := range o.Problems {
		if p.Severity == s {
			msgs = append(msgs, p.Message)
		}
	}
	return strings.Join(msgs, "; ")
}

// ErrConfig is wrapped by every error New returns.
var ErrConfig = errors.New("validate: invalid configuration")

// Config configures a Validator. The zero Config is usable.
type Config struct {
	// Lang is the message language: "zh" (default; Traditional Chinese)
	// or "en".
	Lang string
	// LengthUnit is how S(n) lengths are counted: "char" (default;
	// characters) or "big5" (Big5 bytes: 1 per ASCII character, 2 per
	// Chinese character; a character Big5 cannot encode is an error).
	LengthUnit string
	// Mode decides EditItem for rows with a customer code when the row has
	// no EditItem column: "upsert" (default; EditItem 2, the server decides),
	// "create" (EditItem 0) or "update" (EditItem 1; rows without a code
	// are errors). Rows with a blank code always create with an automatic
	// code (AutoCCODE 1, EditItem 0), except in update mode.
	Mode string
	// Defaults maps field codes to values used where the field's cell is
	// blank or the field has no column. Each default must pass its own
	// field's checks; CCODE cannot have one (every row would share it).
	Defaults map[string]string
	// DateFormats maps date field codes to their output format: "western"
	// (YYYY/MM/DD) or "roc" (YYY/MM/DD, the 民國 year zero-padded to 3
	// digits). Defaults: CBIRD western, CWEBB and CWEBE roc (their S(9)
	// fits an ROC date, not a Western one).
	DateFormats map[string]string
	// Catalog is the entity's field catalog; nil: mapping.Customers.
	Catalog *mapping.Catalog
	// NoPayload leaves Outcome.Payload nil even for a valid row: a
	// dry-run that only reports what would be sent needs no payload.
	NoPayload bool
}

// Modes.
const (
	ModeUpsert = "upsert"
	ModeCreate = "create"
	ModeUpdate = "update"
)

// Length units.
const (
	UnitChar = "char"
	UnitBig5 = "big5"
)

// Validator checks rows. It remembers the customer codes it has seen, to
// report duplicates, so use one Validator per input file. Validate and
// Remember must be called from one goroutine at a time, in row order;
// the Checkers of NewChecker may check rows on other goroutines
// meanwhile, each on its own.
type Validator struct {
	cat      *mapping.Catalog
	fields   []mapping.Field // cat.Fields()
	lang     string
	big5     bool
	mode     string
	defaults []*cell // by catalog index; nil when none
	dates    map[string]string
	// codeWidth holds, per field with the code_zeros check, the longest
	// zero-padded all-digit code seen so far.
	codeWidth map[string]string
	seen      *codeset.Set // CCODE → first line
	folded    *codeset.Set // upper-cased CCODE with letters → first line
	noPayload bool         // Config.NoPayload
	own       *Checker     // Validate's Checker
	// Looked up once, by catalog index: the fields with a row-level
	// check (required on add, add-only, a date not after another), the
	// fields with a default, and the index of the fields rows refer to
	// (-1 when the catalog has none).
	rowCheckIx, defaultIx  []int
	notAfterIx             []int
	codeIx, autoIx, editIx int
	// nameIx: the fields of which a create needs one (名稱, 簡稱, 統編).
	nameIx []int
	ruleOf []rule   // by catalog index: its Check's rule
	dateOf []string // by catalog index: its date format
}

// rule returns the rule of a cell's field's Check.
func (v *Validator) rule(c *cell) rule {
	if c.order < len(v.ruleOf) && c.f == &v.fields[c.order] {
		return v.ruleOf[c.order]
	}
	return rules[c.f.Check]
}

// dateFormat returns the format of a date cell's field, "" for the
// default.
func (v *Validator) dateFormat(c *cell) string {
	if c.order < len(v.dateOf) && c.f == &v.fields[c.order] {
		return v.dateOf[c.order]
	}
	return v.dates[c.f.Code]
}

// New returns a Validator for cfg. An unknown Lang, LengthUnit, Mode or
// date format, a default naming an unknown field or failing its field's
// checks, a date format too long for its field, or a catalog field naming
// a check this package does not know is an error wrapping ErrConfig.
func New(cfg Config) (*Validator, error) {
	cat := cfg.Catalog
	if cat == nil {
		cat = mapping.Customers
	}
	v := &Validator{
		cat:       cat,
		fields:    cat.Fields(),
		seen:      codeset.New(),
		folded:    codeset.New(),
		dates:     make(map[string]string),
		codeWidth: make(map[string]string),
		defaults:  make([]*cell, cat.Len()),
		noPayload: cfg.NoPayload,
	}
	for _, f := range v.fields {
		if _, ok := rules[f.Check]; f.Check != "" && !ok {
			return nil, fmt.Errorf("%w: field %s names the unknown check %q", ErrConfig, f.Code, f.Check)
		}
		if f.DateFormat != "" {
			v.dates[f.Code] = f.DateFormat
		}
	}
	if err := v.setOptions(cfg); err != nil {
		return nil, err
	}
	if err := v.setDateFormats(cfg.DateFormats); err != nil {
		return nil, err
	}
	if err := v.setDefaults(cfg.Defaults); err != nil {
		return nil, err
	}
	v.lookUp()
	return v, nil
}

// lookUp fills the indexes a row's checks use.
func (v *Validator) lookUp() {
	ix := func(code string) int {
		if i, ok := v.cat.Index(code); ok && code != "" {
			return i
		}
		return -1
	}
	v.codeIx, v.autoIx, v.editIx = ix(mapping.CCODE), ix(mapping.AutoCCODE), ix(mapping.EditItem)
	v.nameIx = v.nameIx[:0]
	for _, code := range []string{mapping.CNAM1, mapping.CNAM2, mapping.CTCOD} {
		if i := ix(code); i >= 0 {
			v.nameIx = append(v.nameIx, i)
		}
	}
	v.notAfterIx = make([]int, len(v.fields))
	v.ruleOf, v.dateOf = make([]rule, len(v.fields)), make([]string, len(v.fields))
	for i, f := range v.fields {
		v.ruleOf[i], v.dateOf[i] = rules[f.Check], v.dates[f.Code]
		v.notAfterIx[i] = ix(f.NotAfter)
		if f.RequiredOnAdd || f.AddOnly || f.NotAfter != "" {
			v.rowCheckIx = append(v.rowCheckIx, i)
		}
		if v.defaults[i] != nil {
			v.defaultIx = append(v.defaultIx, i)
		}
	}
}

// setOptions reads the language, length unit and mode.
func (v *Validator) setOptions(cfg Config) error {
	switch strings.ToLower(cfg.Lang) {
	case "", "zh", "zh-tw", "zh-hant":
		v.lang = "zh"
	case "en":
		v.lang = "en"
	default:
		return fmt.Errorf("%w: unknown language %q (want zh or en)", ErrConfig, cfg.Lang)
	}
	switch strings.ToLower(cfg.LengthUnit) {
	case "", UnitChar:
	case UnitBig5:
		v.big5 = true
	default:
		return fmt.Errorf("%w: unknown length unit %q (want char or big5)", ErrConfig, cfg.LengthUnit)
	}
	switch m := strings.ToLower(cfg.Mode); m {
	case "":
		v.mode = ModeUpsert
	case ModeUpsert, ModeCreate, ModeUpdate:
		v.mode = m
	default:
		return fmt.Errorf("%w: unknown mode %q (want upsert, create or update)", ErrConfig, cfg.Mode)
	}
	return nil
}

// setDateFormats applies the configured date formats over the catalog's.
func (v *Validator) setDateFormats(formats map[string]string) error {
	for code, format := range formats {
		i, ok := v.cat.Index(code)
		if !ok || v.fields[i].Class != mapping.Date {
			return fmt.Errorf("%w: date format for %q, which is not a date field", ErrConfig, code)
		}
		f := v.fields[i]
		format = strings.ToLower(strings.TrimSpace(format))
		if !knownFormat(format) {
			return fmt.Errorf("%w: unknown date format %q for %s (want %s)", ErrConfig, format, f.Code, strings.Join(mapping.DateFormatNames(), ", "))
		}
		if n := formatLen(format); n > f.MaxLen {
			return fmt.Errorf("%w: date format %s for %s writes %d characters, more than its S(%d)", ErrConfig, format, f.Code, n, f.MaxLen)
		}
		v.dates[f.Code] = format
	}
	return nil
}

// setDefaults checks each default against its field and keeps it.
func (v *Validator) setDefaults(defaults map[string]string) error {
	codes := make([]string, 0, len(defaults))
	for code := range defaults {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		i, ok := v.cat.Index(code)
		if !ok {
			return fmt.Errorf("%w: default for unknown field %q", ErrConfig, code)
		}
		f := &v.fields[i]
		if f.Code == v.cat.Key() {
			return fmt.Errorf("%w: %s cannot have a default: every row would share the code", ErrConfig, f.Code)
		}
		if v.defaults[i] != nil {
			return fmt.Errorf("%w: two defaults for %s", ErrConfig, f.Code)
		}
		raw := trim(defaults[code])
		if raw == "" {
			continue
		}
		c := &cell{f: f, order: i, col: -1, raw: raw}
		var probs []ordered
		k := v.NewChecker()
		k.checkCell(c, &probs)
		for _, p := range probs {
			if p.Severity == Error {
				return fmt.Errorf("%w: default: %s", ErrConfig, p.Message)
			}
		}
		for _, z := range k.r.zeros {
			v.rememberZeros(z) // a zero-padded default is the width from the first row
		}
		v.defaults[i] = &cell{f: f, order: i, col: -1, raw: raw}
	}
	return nil
}

// U+3000, NBSP, zero-width space and a byte-order mark.
func trim(s string) string {
	if s == "" || (solidStart(s) && solidEnd(s)) {
		return s // the common case: nothing to trim
	}
	return strings.TrimFunc(s, isTrimmed)
}

// isTrimmed reports whether trim drops r at either end of a text.
func isTrimmed(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }

// asciiSolid reports whether b is an ASCII byte other than a space or a
// control character: text that starts and ends with one has nothing to
// trim.
func asciiSolid(b byte) bool { return b > ' ' && b < utf8.RuneSelf && b != 0x7f }

// spaceLead marks the first bytes of the UTF-8 encodings of the
// non-ASCII runes trim drops (U+0085, U+00A0: C2; U+1680: E1; U+2000 to
// U+205F: E2; U+3000: E3; U+FEFF: EF). A rune that starts with another
// byte (every CJK character) is not one of them.
var spaceLead = [256]bool{0xC2: true, 0xE1: true, 0xE2: true, 0xE3: true, 0xEF: true}

// solidStart reports, looking at its first byte, that s surely does not
// start with a rune trim drops.
func solidStart(s string) bool {
	if b := s[0]; b < utf8.RuneSelf {
		return asciiSolid(b)
	}
	return !spaceLead[s[0]]
}

// solidEnd reports, looking at the first byte of its last rune (or
// giving up: false), that s surely does not end with a rune trim drops.
func solidEnd(s string) bool {
	i := len(s) - 1
	if s[i] < utf8.RuneSelf {
		return asciiSolid(s[i])
	}
	for n := 0; n < utf8.UTFMax-1 && i > 0 && !utf8.RuneStart(s[i]); n++ {
		i--
	}
	return utf8.RuneStart(s[i]) && s[i] >= utf8.RuneSelf && !spaceLead[s[i]]
}

// formulaErrors are the error values Excel shows in a cell whose formula
// failed.
var formulaErrors = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true,
	"#NUM!": true, "#N/A": true, "#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true,
	"#FIELD!": true, "#BLOCKED!": true, "#CONNECT!": true, "#UNKNOWN!": true,
	"#BUSY!": true, "#EXTERNAL!": true, "#PYTHON!": true,
}

// isScientific reports whether s looks like Excel's display of a long
// number in scientific notation: digits, an optional fraction, E and a
// signed exponent ("9.12346E+11"). A code like "12E3" (no sign) is not.
func isScientific(s string) bool {
	i := strings.IndexByte(s, 'e')
	if j := strings.IndexByte(s, 'E'); i < 0 || (j >= 0 && j < i) {
		i = j
	}
	if i < 1 || i+2 >= len(s) || (s[i+1] != '+' && s[i+1] != '-') || !allDigits(s[i+2:]) {
		return false
	}
	m := strings.TrimPrefix(strings.TrimPrefix(s[:i], "-"), "+")
	whole, frac, _ := strings.Cut(m, ".")
	return whole != "" && allDigits(whole) && allDigits(frac)
}

// checkLength checks an S(n) value's length in the configured unit; it
// returns "" when the value fits.
func (k *Checker) checkLength(f *mapping.Field, s string) (msgKey, []string) {
	if f.MaxLen <= 0 {
		return "", nil
	}
	if !k.v.big5 {
		if len(s) <= f.MaxLen {
			return "", nil // fewer characters than bytes
		}
		if n := utf8.RuneCountInString(s); n > f.MaxLen {
			return msgTooLongChars, []string{strconv.Itoa(f.MaxLen), strconv.Itoa(n), s}
		}
		return "", nil
	}
	n, bad, ok := k.big5Bytes(s)
	if !ok {
		return msgNotBig5, []string{bad, s}
	}
	if n > f.MaxLen {
		return msgTooLongBig5, []string{strconv.Itoa(f.MaxLen), strconv.Itoa(n), s}
	}
	return "", nil
}

// big5Bytes counts s's length in Big5 bytes. ok is false, with the
// offending character, when Big5 cannot encode one of s's characters
// (invalid UTF-8 included).
func (k *Checker) big5Bytes(s string) (n int, bad string, ok bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			n++
			i += size
			continue
		}
		if r == utf8.RuneError && size == 1 {
			return 0, s[i : i+1], false
		}
		b, cached := k.big5Len[r]
		if !cached {
			if k.enc == nil {
				k.enc = traditionalchinese.Big5.NewEncoder()
			}
			out, err := k.enc.Bytes([]byte(string(r)))
			if err == nil {
				b = len(out)
			}
			k.big5Len[r] = b
		}
		if b == 0 {
			return 0, string(r), false
		}
		n += b
		i += size
	}
	return n, "", true
}

// boolWords are the spellings accepted for Bool fields besides 0/1 and
// the choice labels.
var boolWords = map[string]int{
	"Y": 1, "YES": 1, "TRUE": 1, "T": 1, "是": 1, "有": 1, "V": 1, "✓": 1, "✔": 1,
	"N": 0, "NO": 0, "FALSE": 0, "F": 0, "否": 0, "無": 0, "沒有": 0, "X": 0,
}

// binary reports whether f is a yes/no field: a Bool, or an Int whose
// choices are exactly 0 and 1.
func binary(f *mapping.Field) bool {
	if f.Kind == mapping.Bool {
		return true
	}
	return len(f.Choices) == 2 && f.Allows(0) && f.Allows(1)
}

// choiceSeps separate the number from the label in the template's
// dropdown form "1 男性", "1. 男性", "1:男性", "1、男性".
const choiceSeps = " \t.:-=)、､,"

// parseInt reads an Int or Bool value: a whole number (in the field's
// choices if it has them), or, for enumerated fields, a choice label
// (Chinese, or English case-insensitively) or the dropdown form number +
// label. On failure it returns the message key to report.
func (v *Validator) parseInt(f *mapping.Field, s string) (int, msgKey, bool) {
	enum := f.Choices != nil
	fail := msgNotInt
	if enum {
		fail = msgNotChoice
	}
	n, ok, err := parseWhole(s)
	if ok {
		switch {
		case err != nil && !enum:
			return 0, msgIntRange, false
		case err != nil || !f.Allows(n):
			return 0, fail, false
		}
		return n, "", true
	}
	if binary(f) {
		if b, ok := boolWords[strings.ToUpper(s)]; ok && f.Allows(b) {
			return b, "", true
		}
	}
	if !enum {
		if n, ok, err := parseWhole(stripCurrency(s)); ok {
			if err != nil {
				return 0, msgIntRange, false
			}
			return n, "", true
		}
		return 0, fail, false
	}
	for _, c := range f.Choices {
		if labelMatches(s, c) {
			return c.Value, "", true
		}
	}
	// Dropdown form: leading digits, separators, the label of that value.
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 {
		return 0, fail, false
	}
	num, _ := strconv.Atoi(s[:i])
	rest := strings.TrimLeft(s[i:], choiceSeps)
	if rest == s[i:] { // no separator: "1男性" is accepted too
		rest = s[i:]
	}
	rest = trim(rest)
	for _, c := range f.Choices {
		if c.Value == num && labelMatches(rest, c) {
			return c.Value, "", true
		}
	}
	return 0, fail, false
}

// labelMatches reports whether text names choice c: its Chinese label,
// its English label (any case), or the Chinese label's part before its
// first comma, as the template's dropdown shows it ("由系統判斷").
func labelMatches(text string, c mapping.Choice) bool {
	short, _, _ := strings.Cut(c.Label, ",")
	short, _, _ = strings.Cut(short, ",")
	if strings.EqualFold(text, c.Label) || strings.EqualFold(text, c.LabelEN) || text == short {
		return true
	}
	for _, w := range c.Words {
		if strings.EqualFold(text, w) {
			return true
		}
	}
	return false
}

// emailValid reports whether s is a plain address (no display name, no
// angle brackets) that net/mail accepts, with a dot in the domain.
func emailValid(s string) bool {
	if plainEmail(s) {
		return true // what net/mail surely accepts, without parsing
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// plainEmail reports whether s is an address of the plainest form, which
// emailValid's parse always accepts: a local part of letters, digits and
// ._+- and a domain of at least two labels of letters, digits and -, no
// dot first, last or doubled. Other text is left to the full parse.
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	return dotAtom(local, "._+-") && dotAtom(domain, ".-") && strings.IndexByte(domain, '.') > 0
}

// dotAtom reports whether s is ASCII letters, digits and the bytes of
// extra, with no '.' first, last or twice in a row.
func dotAtom(s, extra string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case b == '.' && s[i-1] == '.':
			return false
		case strings.IndexByte(extra, b) < 0:
			return false
		}
	}
	return true
}

// Reserve makes room for the codes of n rows: a caller that knows how
// many rows Remember will see (a check of rows held in memory) spares
// the growing of the codes' table as they come.
func (v *Validator) Reserve(n int) {
	v.seen.Reserve(n)
	v.folded.Reserve(n)
}

// Expect makes room for the codes of about n rows, an estimate (a check
// has no first pass to count them): in the table of the codes
// themselves only, since the upper-cased ones of a file are few.
func (v *Validator) Expect(n int) { v.seen.Reserve(n) }
