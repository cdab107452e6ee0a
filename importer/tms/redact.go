package tms

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// redactedText replaces the key in error texts.
const redactedText = "[redacted]"

// redactor returns a function that replaces every occurrence of key in a
// text, whatever its case (a server may echo it lower- or upper-cased), by
// "[redacted]". A key shorter than 4 bytes cannot be told apart from
// ordinary text and is left alone.
func redactor(key string) func(string) string {
	if len(key) < 4 {
		return func(s string) string { return s }
	}
	re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(key))
	return func(s string) string { return re.ReplaceAllLiteralString(s, redactedText) }
}

// RedactURL returns raw, which need not be a valid URL, fit for a message:
// user info (user:pass@) becomes "xxxxx@", each query value (or a query
// token without "=") becomes "xxxxx", and so does a fragment. Scheme, host and path are kept.
func RedactURL(raw string) string {
	rest, frag, hasFrag := strings.Cut(raw, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	// The authority runs from "//" (or the start) to the first "/".
	authStart := 0
	if i := strings.Index(rest, "//"); i >= 0 {
		authStart = i + 2
	}
	authEnd := len(rest)
	if i := strings.IndexAny(rest[authStart:], `/\`); i >= 0 {
		authEnd = authStart + i
	}
	if at := strings.LastIndex(rest[authStart:authEnd], "@"); at >= 0 {
		rest = rest[:authStart] + "xxxxx" + rest[authStart+at:]
	}
	if hasQuery {
		params := strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' })
		for i, p := range params {
			name, _, hasValue := strings.Cut(p, "=")
			params[i] = "xxxxx" // a bare token may be the secret itself
			if hasValue {
				params[i] = name + "=xxxxx"
			}
		}
		rest += "?" + strings.Join(params, "&")
	}
	if hasFrag && frag != "" {
		rest += "#xxxxx"
	}
	return rest
}

// errorText is err's message with the URL of a *url.Error in it (which
// may be a redirect's target) passed through RedactURL.
func errorText(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err.Error()
	}
	safe := ue.Op + " " + strconv.Quote(RedactURL(ue.URL)) + ": " + ue.Err.Error()
	return strings.Replace(err.Error(), ue.Error(), safe, 1)
}
