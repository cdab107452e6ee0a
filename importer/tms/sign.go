package tms

import (
	"crypto/hmac"
	"crypto/sha512"
	"errors"
	"hash"
	"io"
	"strings"
)

// ErrBadRecipe is returned for a signing recipe that cannot be used.
var ErrBadRecipe = errors.New("bad signing recipe")

// Recipe says how api-ClientSign is computed. The specification shows the
// signature as 128 upper-case hex characters (a SHA-512 digest) but not what
// is digested, so the recipe is a setting that must be confirmed with TMS.
//
// The template may use {pno}, {timestamp}, {key} and {body}; the digest is
// printed as upper-case hex.
type Recipe struct {
	// Method is "sha512" (digest of the filled template) or "hmac-sha512"
	// (HMAC keyed with the API key over the filled template).
	Method string
	// Template is the text that is digested.
	Template string
}

// DefaultRecipe is sha512({pno}{timestamp}{key}).
var DefaultRecipe = Recipe{Method: "sha512", Template: "{pno}{timestamp}{key}"}

// ParseRecipe reads a recipe written as METHOD or METHOD:TEMPLATE, e.g.
// "sha512", "sha512:{pno}{timestamp}{key}", "hmac-sha512" (template
// "{pno}{timestamp}{body}") or "hmac-sha512:{timestamp}{body}".
func ParseRecipe(s string) (Recipe, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultRecipe, nil
	}
	method, tmpl, hasTmpl := strings.Cut(s, ":")
	method = strings.ToLower(strings.TrimSpace(method))
	var r Recipe
	switch method {
	case "sha512":
		r = Recipe{Method: method, Template: DefaultRecipe.Template}
	case "hmac-sha512":
		r = Recipe{Method: method, Template: "{pno}{timestamp}{body}"}
	default:
		return Recipe{}, recipeError(ConfigError{Problem: ProblemMethod, Value: s, Part: method}, "method %q (want sha512 or hmac-sha512)", method)
	}
	if hasTmpl {
		r.Template = tmpl
	}
	if err := r.check(); err != nil {
		return Recipe{}, err
	}
	return r, nil
}

// valid checks the method and the template.
func (r Recipe) valid() *ConfigError {
	if r.Method != "sha512" && r.Method != "hmac-sha512" {
		return recipeError(ConfigError{Problem: ProblemMethod, Value: r.String(), Part: r.Method}, "method %q (want sha512 or hmac-sha512)", r.Method)
	}
	return r.check()
}

func (r Recipe) check() *ConfigError {
	rest := r.Template
	for _, p := range []string{"{pno}", "{timestamp}", "{key}", "{body}"} {
		rest = strings.ReplaceAll(rest, p, "")
	}
	if strings.ContainsAny(rest, "{}") {
		return recipeError(ConfigError{Problem: ProblemPlaceholder, Value: r.Template}, "template %q has an unknown placeholder (use {pno} {timestamp} {key} {body})", r.Template)
	}
	if r.Method == "hmac-sha512" {
		// The HMAC is keyed: some vendors digest the body alone.
		if !strings.Contains(r.Template, "{timestamp}") && !strings.Contains(r.Template, "{body}") {
			return recipeError(ConfigError{Problem: ProblemConstant, Value: r.Template}, "template %q has neither {timestamp} nor {body}: every request would carry the same signature", r.Template)
		}
		return nil
	}
	if !strings.Contains(r.Template, "{timestamp}") {
		return recipeError(ConfigError{Problem: ProblemNoTimestamp, Value: r.Template}, "template %q lacks {timestamp}", r.Template)
	}
	if !strings.Contains(r.Template, "{key}") {
		return recipeError(ConfigError{Problem: ProblemNoKey, Value: r.Template}, "a sha512 template without {key} would be a signature anybody can compute")
	}
	return nil
}

// String writes the recipe back in the form ParseRecipe reads.
func (r Recipe) String() string { return r.Method + ":" + r.Template }

// Sign returns the api-ClientSign value for one request.
func (r Recipe) Sign(key, pno, timestamp string, body []byte) string {
	var h hash.Hash
	if r.Method == "hmac-sha512" {
		h = hmac.New(sha512.New, []byte(key))
	} else {
		h = sha512.New()
	}
	r.fill(h, key, pno, timestamp, body)
	var sum [sha512.Size]byte
	return upperHex(h.Sum(sum[:0]))
}

// signsBody reports whether the signature depends on the body: one that
// does not is the same for every request of one second.
func (r Recipe) signsBody() bool { return strings.Contains(r.Template, "{body}") }

// placeholders are what a template may hold; none is a prefix of another.
var placeholders = [...]string{"{pno}", "{timestamp}", "{key}", "{body}"}

// fill writes the template to w with its placeholders filled in, left to
// right (a value is never read again for placeholders), without building
// the text.
func (r Recipe) fill(w io.Writer, key, pno, timestamp string, body []byte) {
	t := r.Template
	for t != "" {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			io.WriteString(w, t)
			return
		}
		io.WriteString(w, t[:i])
		t = t[i:]
		switch {
		case strings.HasPrefix(t, placeholders[0]):
			io.WriteString(w, pno)
		case strings.HasPrefix(t, placeholders[1]):
			io.WriteString(w, timestamp)
		case strings.HasPrefix(t, placeholders[2]):
			io.WriteString(w, key)
		case strings.HasPrefix(t, placeholders[3]):
			w.Write(body)
		default:
			io.WriteString(w, "{")
			t = t[1:]
			continue
		}
		t = t[strings.IndexByte(t, '}')+1:]
	}
}

// upperHex is hex.EncodeToString in upper case, in one allocation.
func upperHex(p []byte) string {
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(2 * len(p))
	for _, c := range p {
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&0x0F])
	}
	return b.String()
}

// Preset is a signing recipe TMS installations are known or likely to
// use, with a note on where it comes from.
type Preset struct {
	Recipe  Recipe
	Comment string
}

// Presets are the known signing recipes, in the order a connection test
// tries them when TMS refuses the configured one. This is the one list
// of them: add a recipe here, with its comment, and every search (the
// command line's and the web page's) tries it.
var Presets = []Preset{
	// SHA-512 over pno, timestamp and key, in every order: the headers'
	// values and the key, concatenated without separators.
	{Recipe{"sha512", "{pno}{timestamp}{key}"}, "the default: the headers in the specification's order (api-pno, api-timestamp), then the key"},
	{Recipe{"sha512", "{pno}{key}{timestamp}"}, "the key between the company and the time"},
	{Recipe{"sha512", "{timestamp}{pno}{key}"}, "the time first, then the company and the key"},
	{Recipe{"sha512", "{timestamp}{key}{pno}"}, "the time first, the company last"},
	{Recipe{"sha512", "{key}{pno}{timestamp}"}, "the key as a prefix (a \"salt\") of the headers"},
	{Recipe{"sha512", "{key}{timestamp}{pno}"}, "the key first, then the time and the company"},
	// HMAC-SHA512 keyed with the API key: the key is never part of the
	// digested text.
	{Recipe{"hmac-sha512", "{pno}{timestamp}{body}"}, "hmac-sha512's default: the headers and the exact JSON body"},
	{Recipe{"hmac-sha512", "{timestamp}{body}"}, "the time and the body, as many API gateways sign"},
	{Recipe{"hmac-sha512", "{body}"}, "the body alone (the timestamp is checked, not signed)"},
	{Recipe{"hmac-sha512", "{pno}{timestamp}"}, "the headers alone, without the body"},
	// SHA-512 with the body.
	{Recipe{"sha512", "{pno}{timestamp}{body}{key}"}, "the headers, the body, then the key"},
}
