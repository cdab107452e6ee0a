package tms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
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
