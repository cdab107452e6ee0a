package tms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/custimport/custimport/internal/flatjson"
)

// The answer's fields that decide what happened to a request: an answer
// naming one of them twice can be read either way.
var deciding = [...]string{"Status", "CCODE", "ErrorCode"}

// isSuccessCode reports whether an ErrorCode is the specification's
// success code 0000 (in any number of zeros: a number 0 is the same).
func isSuccessCode(code string) bool {
	return code != "" && strings.Trim(code, "0") == ""
}

// contradiction says how a decoded answer contradicts itself ("" when it
// does not): Status "E" with the success code, or "S" with an error code.
func contradiction(r Response) string {
	switch {
	case r.Status == "E" && isSuccessCode(r.ErrorCode):
		return fmt.Sprintf("Status %q with the success code ErrorCode %q", r.Status, r.ErrorCode)
	case r.Status == "S" && r.ErrorCode != "" && !isSuccessCode(r.ErrorCode):
		return fmt.Sprintf("Status %q with the error code ErrorCode %q", r.Status, r.ErrorCode)
	}
	return ""
}

// repeatedField returns the first deciding field the JSON object b names
// more than once, matched as encoding/json matches names (any letter
// case, Unicode folding), with the spellings used; "" when there is none
// or b is not an object.
func repeatedField(b []byte) string {
	spellings := map[string][]string{}
	var found string
	eachMember(b, func(key string, _ json.RawMessage) bool {
		for _, name := range deciding {
			if strings.EqualFold(key, name) {
				spellings[name] = append(spellings[name], key)
				if len(spellings[name]) == 2 {
					found = name
					return false
				}
			}
		}
		return true
	})
	if found == "" {
		return ""
	}
	return fmt.Sprintf("%s (%q and %q)", found, spellings[found][0], spellings[found][1])
}

// eachMember calls f with each member of the JSON object that b starts
// with, in order, until f returns false; it stops quietly at the first
// syntax error, and calls nothing when b does not start with an object.
func eachMember(b []byte, f func(key string, value json.RawMessage) bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return
		}
		key, ok := t.(string)
		if !ok {
			return
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		if !f(key, v) {
			return
		}
	}
}

// claimsSuccess is a lenient reading of an answer: it reports whether any
// reader of it could take it for a success. It reads the first JSON value
// of b (a BOM, spaces and anything after it ignored), or the first object
// of an array, and looks at every member whose name is Status or
// ErrorCode in any letter case: Status "S" (any case, spaces trimmed) or
// the success code 0000 is a success.
func claimsSuccess(b []byte) bool {
	b = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), utf8BOM))
	if len(b) > 0 && b[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(b))
		var first json.RawMessage
		if _, err := dec.Token(); err != nil || !dec.More() || dec.Decode(&first) != nil {
			return false
		}
		b = first
	}
	success := false
	eachMember(b, func(key string, v json.RawMessage) bool {
		text, err := jsonText(v)
		text = strings.TrimSpace(text)
		switch {
		case err != nil:
		case strings.EqualFold(key, "Status") && strings.EqualFold(text, "S"):
			success = true
		case strings.EqualFold(key, "ErrorCode") && isSuccessCode(text):
			success = true
		}
		return !success
	})
	return success
}

// answerFields are the fields of an answer, in Response's order.
var answerFields = [...]string{"Status", "CCODE", "ErrorCode", "ErrorMessage"}

// decodePlain reads the common answer the fast way: a flat object whose
// keys are plain ASCII, whose values are strings without escapes (valid
// UTF-8), numbers, booleans or null, with no deciding field twice, a
// Status of S or E, and no contradiction. ok is false for anything else,
// which decodeResponse reads (and judges) in full; for what it reads,
// the Response is the one that reading gives.
func decodePlain(b []byte) (r Response, ok bool) {
	var vals [len(answerFields)]string
	var seen [len(answerFields)]bool
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return r, false
	}
	i = skipSpace(b, i+1)
	for {
		key, j, ok := plainString(b, i)
		if !ok {
			return r, false
		}
		if i = skipSpace(b, j); i >= len(b) || b[i] != ':' {
			return r, false
		}
		text, j, ok := plainValue(b, skipSpace(b, i+1))
		if !ok {
			return r, false
		}
		for f, name := range answerFields {
			if strings.EqualFold(key, name) {
				if seen[f] && f < len(deciding) {
					return r, false // ambiguous: the full reading says so
				}
				seen[f], vals[f] = true, text // the last one, as encoding/json keeps
			}
		}
		if i = skipSpace(b, j); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i >= len(b) || b[i] != '}' || skipSpace(b, i+1) != len(b) {
			return r, false
		}
		break
	}
	r = Response{Status: strings.ToUpper(strings.TrimSpace(vals[0])), CCODE: strings.TrimSpace(vals[1]),
		ErrorCode: strings.TrimSpace(vals[2]), ErrorMessage: strings.TrimSpace(vals[3])}
	if r.Status != "S" && r.Status != "E" || contradiction(r) != "" {
		return Response{}, false
	}
	return r, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the string at b[i:] when it is printable ASCII
// without escapes; j is just past it.
func plainString(b []byte, i int) (s string, j int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j = i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(b[i+1 : j]), j + 1, true
		case c < 0x20 || c == '\\' || c >= 0x80:
			return "", 0, false
		}
	}
	return "", 0, false
}

// plainValue reads the value at b[i:] as jsonText gives it: a string
// without escapes (valid UTF-8, no control characters), a number, true,
// false or null (""); j is just past it.
func plainValue(b []byte, i int) (text string, j int, ok bool) {
	if i >= len(b) {
		return "", 0, false
	}
	switch c := b[i]; {
	case c == '"':
		for j = i + 1; j < len(b); j++ {
			switch c := b[j]; {
			case c == '"':
				s := b[i+1 : j]
				return string(s), j + 1, utf8.Valid(s)
			case c < 0x20 || c == '\\':
				return "", 0, false
			}
		}
		return "", 0, false
	case c == '-' || '0' <= c && c <= '9':
		for j = i; j < len(b) && strings.IndexByte("+-.0123456789eE", b[j]) >= 0; j++ {
		}
		return string(b[i:j]), j, flatjson.ValidNumber(string(b[i:j]))
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(b[i:], []byte(lit)) {
			if lit == "null" {
				return "", i + len(lit), true
			}
			return lit, i + len(lit), true
		}
	}
	return "", 0, false
}
