package ui

import (
	"strings"

	"github.com/custimport/custimport/importer/tms"
)

// signChoice is one option of the 簽章方式 drop-down: a known recipe
// (tms.Presets) in words, or 自訂 for a recipe typed in full.
type signChoice struct {
	Value    string // the recipe (sha512:{pno}{timestamp}{key}), or signCustom
	Label    string // the recipe in words: SHA-512(公司代號+時間+金鑰)
	Selected bool
}

// signCustom is the drop-down's value of 自訂: the recipe is the text
// field's (signcustom).
const signCustom = "custom"

// normRecipe is a recipe as the drop-down compares it: "" is the
// default, and spacing or case does not make another recipe. A recipe
// that does not parse stays as typed.
func normRecipe(s string) string {
	r, err := tms.ParseRecipe(s)
	if err != nil {
		return strings.TrimSpace(s)
	}
	return r.String()
}

// signChoices are the drop-down's options for the recipe set (current):
// the presets, then 自訂; custom is the text field's value when the
// recipe is none of the presets.
func signChoices(lang, current string) (choices []signChoice, custom string) {
	cur := normRecipe(current)
	found := false
	for _, p := range tms.Presets {
		v := p.Recipe.String()
		c := signChoice{Value: v, Label: recipeWords(lang, p.Recipe), Selected: v == cur}
		found = found || c.Selected
		choices = append(choices, c)
	}
	choices = append(choices, signChoice{Value: signCustom, Label: text(lang, "signCustom"), Selected: !found})
	if !found {
		custom = strings.TrimSpace(current)
	}
	return choices, custom
}

// recipeWords names a recipe for office staff: the method and what is
// signed, in order (SHA-512(公司代號+時間+金鑰)), 「預設」 for the default.
func recipeWords(lang string, r tms.Recipe) string {
	method := map[string]string{"sha512": "SHA-512", "hmac-sha512": "HMAC-SHA512"}[r.Method]
	if method == "" {
		method = r.Method
	}
	var parts []string
	rest := r.Template
	for rest != "" {
		i := strings.Index(rest, "{")
		j := strings.Index(rest, "}")
		if i != 0 || j < 0 {
			return r.String() // not a template of placeholders alone
		}
		parts = append(parts, text(lang, "sign-"+rest[1:j]))
		rest = rest[j+1:]
	}
	s := method + text(lang, "signOf", strings.Join(parts, text(lang, "signJoin")))
	if r == tms.DefaultRecipe {
		s += text(lang, "signIsDefault")
	}
	return s
}
