package tms

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
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
		return Recipe{}, fmt.Errorf("%w: method %q (want sha512 or hmac-sha512)", ErrBadRecipe, method)
	}
	if hasTmpl {
		r.Template = tmpl
	}
	if err := r.check(); err != nil {
		return Recipe{}, err
	}
	return r, nil
}

func (r Recipe) check() error {
	rest := r.Template
	for _, p := range []string{"{pno}", "{timestamp}", "{key}", "{body}"} {
		rest = strings.ReplaceAll(rest, p, "")
	}
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("%w: template %q has an unknown placeholder (use {pno} {timestamp} {key} {body})", ErrBadRecipe, r.Template)
	}
	if !strings.Contains(r.Template, "{timestamp}") {
		return fmt.Errorf("%w: template %q lacks {timestamp}", ErrBadRecipe, r.Template)
	}
	if r.Method == "sha512" && !strings.Contains(r.Template, "{key}") {
		return fmt.Errorf("%w: a sha512 template without {key} would be a signature anybody can compute", ErrBadRecipe)
	}
	return nil
}

// String writes the recipe back in the form ParseRecipe reads.
func (r Recipe) String() string { return r.Method + ":" + r.Template }

// Sign returns the api-ClientSign value for one request.
func (r Recipe) Sign(key, pno, timestamp string, body []byte) string {
	msg := strings.NewReplacer("{pno}", pno, "{timestamp}", timestamp, "{key}", key, "{body}", string(body)).Replace(r.Template)
	var sum []byte
	if r.Method == "hmac-sha512" {
		m := hmac.New(sha512.New, []byte(key))
		m.Write([]byte(msg))
		sum = m.Sum(nil)
	} else {
		d := sha512.Sum512([]byte(msg))
		sum = d[:]
	}
	return strings.ToUpper(hex.EncodeToString(sum))
}
