// Package flatjson writes a flat JSON object (a customer payload: string
// and json.Number values) byte for byte as encoding/json does, without
// reflection: its keys sorted, its strings escaped the same way, HTML
// characters escaped or not. It knows nothing of what the fields mean,
// and writes nothing else: a caller falls back to encoding/json when
// AppendObject reports it cannot write a value.
package flatjson

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// AppendObject appends the JSON object of m, without the keys skip
// reports (skip may be nil), to dst, as json.Marshal writes it (escapeHTML
// true) or an Encoder with SetEscapeHTML(false) does (without the
// newline). ok is false, and dst is returned unchanged, when m is nil
// (null) or a value is not a string or a valid json.Number: encoding/json
// must write (or refuse) that one.
func AppendObject(dst []byte, m map[string]any, escapeHTML bool, skip func(key string) bool) (out []byte, ok bool) {
	if m == nil {
		return dst, false
	}
	var buf [32]string
	keys := buf[:0]
	for k, v := range m {
		if skip != nil && skip(k) {
			continue
		}
		switch v := v.(type) {
		case string:
		case json.Number:
			if v != "" && !ValidNumber(string(v)) {
				return dst, false
			}
		default:
			return dst, false
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			out = append(out, ',')
		}
		out = AppendString(out, k, escapeHTML)
		out = append(out, ':')
		switch v := m[k].(type) {
		case string:
			out = AppendString(out, v, escapeHTML)
		case json.Number:
			if v == "" {
				v = "0" // as encoding/json writes an empty Number
			}
			out = append(out, v...)
		}
	}
	return append(out, '}'), true
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, escaped as encoding/json
// escapes it: quotes, backslashes and control characters, U+2028 and
// U+2029, invalid UTF-8 as U+FFFD, and with escapeHTML <, > and &.
func AppendString(dst []byte, s string, escapeHTML bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (!escapeHTML || b != '<' && b != '>' && b != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// ValidNumber reports whether s is a JSON number, as encoding/json
// checks a json.Number before writing it.
func ValidNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		s = skipDigits(s[1:])
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && isDigit(s[1]) {
		s = skipDigits(s[2:])
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
		}
		if s == "" || !isDigit(s[0]) {
			return false
		}
		s = skipDigits(s)
	}
	return s == ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func skipDigits(s string) string {
	for s != "" && isDigit(s[0]) {
		s = s[1:]
	}
	return s
}
