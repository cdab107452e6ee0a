package tmssim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/custimport/custimport/mapping"
)

// request is the root of a /Cust/Add body. encoding/json matches the keys
// case-insensitively.
type request struct {
	ProNum json.RawMessage
	Main   json.RawMessage
}

// process decodes and applies one authenticated body.
func (s *Server) process(body []byte) Response {
	var req request
	if err := decodeStrict(body, &req); err != nil {
		return fail(CodeBadJSON, err.Error())
	}
	var proNum string
	if len(req.ProNum) == 0 || json.Unmarshal(req.ProNum, &proNum) != nil || proNum != s.proNum {
		return fail(CodeProNum, "")
	}
	if len(req.Main) == 0 || bytes.Equal(bytes.TrimSpace(req.Main), []byte("null")) {
		return fail(CodeBadJSON, "缺少Main")
	}
	var raw map[string]any
	if err := decodeStrict(req.Main, &raw); err != nil {
		return fail(CodeBadJSON, "Main須為物件")
	}
	c, resp := checkMain(raw)
	if resp != nil {
		return *resp
	}
	return s.apply(c)
}

// decodeStrict decodes exactly one JSON value with UseNumber.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("JSON之後有多餘資料")
	}
	return nil
}

// checked is a Main object that passed the field checks.
type checked struct {
	fields   map[string]any // catalog code → normalised value (EditItem, AutoCCODE removed)
	ccode    string         // trimmed CCODE ("" when blank or absent)
	auto     bool           // AutoCCODE 1
	editItem int            // 0, 1, 2
}

// fields is the catalog, read once: the simulator never changes it.
var fields = mapping.Fields()

var (
	reInt     = regexp.MustCompile(`^[+-]?[0-9]+$`)
	reDecimal = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	reCarrier = regexp.MustCompile(`^/[0-9A-Z+\-.]{7}$`)
)

// fieldErr builds the answer for a failed field check.
func fieldErr(code string, f mapping.Field, detail string) *Response {
	r := fail(code, strings.TrimSpace(f.Name("zh")+" "+detail))
	if code == CodeCTCOD {
		r = fail(code, "") // exactly as the specification shows it
	}
	return &r
}

// checkMain resolves field names and checks every sent value.
func checkMain(raw map[string]any) (*checked, *Response) {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make(map[string]any, len(raw))
	for _, k := range keys {
		f, ok := mapping.Lookup(k)
		if !ok {
			r := fail(CodeUnknownField, k)
			return nil, &r
		}
		if _, dup := vals[f.Code]; dup {
			r := fail(CodeDuplicate, f.Code)
			return nil, &r
		}
		vals[f.Code] = raw[k]
	}

	c := &checked{fields: make(map[string]any, len(vals))}
	for _, f := range fields {
		v, sent := vals[f.Code]
		if !sent {
			continue
		}
		if f.Code == mapping.EditItem {
			n, err := toInt(v, false)
			if err != nil || !f.Allows(int(n)) {
				r := fail(CodeEditItem, fmt.Sprintf("須為 0、1 或 2,收到 %s", show(v)))
				return nil, &r
			}
			c.editItem = int(n)
			continue
		}
		nv, resp := checkField(f, v)
		if resp != nil {
			return nil, resp
		}
		switch f.Code {
		case mapping.AutoCCODE:
			c.auto = nv.(json.Number) == "1"
		case mapping.CCODE:
			c.ccode = strings.TrimSpace(nv.(string))
		default:
			c.fields[f.Code] = nv
		}
	}
	if _, sent := vals[mapping.EditItem]; !sent {
		c.editItem = -1
	}
	return c, nil
}

// checkField checks one value against the field's facts and returns it
// normalised: text for S(n), json.Number for Int, Bool and Decimal.
func checkField(f mapping.Field, v any) (any, *Response) {
	switch f.Kind {
	case mapping.String:
		var text string
		switch x := v.(type) {
		case string:
			text = x
		case json.Number:
			text = x.String()
		default:
			if f.Code == mapping.CTCOD {
				return nil, fieldErr(CodeCTCOD, f, "")
			}
			return nil, fieldErr(CodeBadType, f, "須為文字,收到 "+show(v))
		}
		if f.Code == mapping.CTCOD {
			if text != "" && !ValidTaxID(text) {
				return nil, fieldErr(CodeCTCOD, f, "")
			}
			return text, nil
		}
		if n := utf8.RuneCountInString(text); n > f.MaxLen {
			return nil, fieldErr(CodeTooLong, f, fmt.Sprintf("最多 %d 字,收到 %d 字", f.MaxLen, n))
		}
		switch f.Code {
		case mapping.CRDAT:
			if text != "" {
				d, err := strconv.Atoi(text)
				if err != nil || d < 1 || d > 31 {
					return nil, fieldErr(CodeCRDAT, f, "收到 "+strconv.Quote(text))
				}
			}
		case mapping.PosPhoneCarrierId:
			if text != "" && !reCarrier.MatchString(text) {
				return nil, fieldErr(CodeCarrier, f, "收到 "+strconv.Quote(text))
			}
		}
		return text, nil

	case mapping.Int, mapping.Bool:
		n, err := toInt(v, f.Kind == mapping.Bool)
		switch {
		case errors.Is(err, errType):
			return nil, fieldErr(CodeBadType, f, "須為整數,收到 "+show(v))
		case errors.Is(err, errRange):
			return nil, fieldErr(CodeNotAllowed, f, "超出範圍,收到 "+show(v))
		case err != nil:
			return nil, fieldErr(CodeNotInteger, f, "收到 "+show(v))
		}
		if !f.Allows(int(n)) {
			return nil, fieldErr(CodeNotAllowed, f, fmt.Sprintf("須為 %s,收到 %d", f.ChoiceValues(), n))
		}
		return json.Number(strconv.FormatInt(n, 10)), nil

	case mapping.Decimal:
		switch x := v.(type) {
		case json.Number:
			return x, nil // valid JSON number text
		case string:
			if f.Code == mapping.CBELE && strings.TrimSpace(x) == "" {
				return nil, fieldErr(CodeCBELERequired, f, "")
			}
			if !reDecimal.MatchString(x) {
				return nil, fieldErr(CodeNotDecimal, f, "收到 "+strconv.Quote(x))
			}
			return json.Number(canonicalDecimal(x)), nil
		default:
			return nil, fieldErr(CodeBadType, f, "須為數字,收到 "+show(v))
		}
	}
	return nil, fieldErr(CodeBadType, f, "")
}

var (
	errType  = errors.New("wrong JSON type")
	errRange = errors.New("out of 32-bit range")
	errWhole = errors.New("not a whole number")
)

// toInt reads a whole number from a JSON number or a numeric string (and
// from true/false when boolOK).
func toInt(v any, boolOK bool) (int64, error) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = x
	case bool:
		if !boolOK {
			return 0, errType
		}
		if x {
			return 1, nil
		}
		return 0, nil
	default:
		return 0, errType
	}
	if !reInt.MatchString(text) {
		return 0, errWhole
	}
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		return 0, errRange
	}
	return n, nil
}

// canonicalDecimal turns a decimal string matched by reDecimal into valid
// JSON number text ("+007.50" → "7.50", ".5" → "0.5", "3." → "3").
func canonicalDecimal(x string) string {
	neg := strings.HasPrefix(x, "-")
	x = strings.TrimLeft(x, "+-")
	ip, fp, _ := strings.Cut(x, ".")
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		ip = "0"
	}
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// show renders a received value for a message.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// ValidTaxID reports whether s is a Taiwanese business ID (統一編號): 8
// digits whose weighted digit sums (weights 1,2,1,2,1,2,4,1) add up to a
// multiple of 5 — or, when the 7th digit is 7, a sum plus 1 that is.
func ValidTaxID(s string) bool {
	if len(s) != 8 {
		return false
	}
	weights := [8]int{1, 2, 1, 2, 1, 2, 4, 1}
	sum := 0
	for i := 0; i < 8; i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return false
		}
		p := int(d-'0') * weights[i]
		sum += p/10 + p%10
	}
	return sum%5 == 0 || (s[6] == '7' && (sum+1)%5 == 0)
}

// apply decides add or edit and changes the store; the whole decision is
// atomic.
func (s *Server) apply(c *checked) Response {
	edit := c.editItem
	if edit < 0 {
		if !c.auto || s.cfg.StrictEditItem {
			return fail(CodeEditItem, "缺少EditItem")
		}
		edit = mapping.EditAdd
	}
	if c.auto {
		if c.ccode != "" {
			return fail(CodeCCODE, "使用自動編號時客戶代號須留空")
		}
		if edit == mapping.EditUpdate {
			return fail(CodeCCODE, "自動編號僅新增時有用")
		}
	} else if c.ccode == "" {
		return fail(CodeCCODE, "客戶代號不可空白")
	}

	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	_, exists := st.recs[c.ccode]
	if c.auto {
		exists = false
	}
	switch {
	case edit == mapping.EditAdd && exists:
		return fail(CodeExists, "")
	case edit == mapping.EditUpdate && !exists:
		return fail(CodeNotFound, "")
	case exists: // edit 1, or 2 with an existing code
		rec := st.recs[c.ccode]
		for k, v := range c.fields {
			if k == mapping.PosBonus {
				continue // only on add
			}
			rec[k] = v
		}
		st.changedLocked()
		s.stats.updated.Add(1)
		return ok(c.ccode)
	}

	if v, sent := c.fields[mapping.CBELE]; !sent || isBlank(v) {
		return fail(CodeCBELERequired, mapping.MustLookup(mapping.CBELE).Name("zh"))
	}
	code := c.ccode
	if c.auto {
		code = st.nextCodeLocked()
	}
	rec := make(map[string]any, len(c.fields)+20)
	for k, v := range c.fields {
		rec[k] = v
	}
	rec[mapping.CCODE] = code
	s.addDefaults(rec)
	st.recs[code] = rec
	st.changedLocked()
	s.stats.added.Add(1)
	return ok(code)
}

func isBlank(v any) bool {
	t, isText := v.(string)
	return v == nil || (isText && strings.TrimSpace(t) == "")
}

// addDefaults fills the add-time defaults, in the catalog's order (so CNAM1
// copies CNAM2 after CNAM2 was defaulted).
func (s *Server) addDefaults(rec map[string]any) {
	for _, f := range fields {
		if f.AddDefault == "" {
			continue
		}
		if v, sent := rec[f.Code]; sent && !isBlank(v) {
			continue
		}
		switch {
		case f.AddDefault == "*":
			rec[f.Code] = json.Number(strconv.Itoa(s.cfg.DefaultCwebS))
		case strings.HasPrefix(f.AddDefault, "="):
			src, _ := rec[strings.TrimPrefix(f.AddDefault, "=")].(string)
			if f.Kind == mapping.String && utf8.RuneCountInString(src) > f.MaxLen {
				src = string([]rune(src)[:f.MaxLen])
			}
			rec[f.Code] = src
		case f.Kind == mapping.String:
			rec[f.Code] = f.AddDefault
		default:
			rec[f.Code] = json.Number(f.AddDefault)
		}
	}
}
