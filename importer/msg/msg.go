// Package msg is custimport's one message catalog: every text a user can
// see has a stable code, arguments, and its Traditional Chinese and
// English words side by side. Each package keeps its own table and
// registers it here under its namespace (Register); anything that shows
// a message renders it with a Printer in the run's language.
//
// A text is a fmt format whose verbs take the arguments in order (%[n]s
// picks one), or, with a single Named argument, a text with {name}
// placeholders. Two things are the catalog's and not fmt's:
//   - %q shows a value as people type it, in the language's quotes:
//     「合　計」 / "合　計", never escaped (control characters become
//     visible symbols, so a value cannot break a line).
//   - a Hint argument is a front end's words for what the user can do
//     about a message (a command-line flag, a checkbox on the page): the
//     library names the hint, the Printer's Hints say it, and the catalog's
//     own neutral words ("hint." + the hint) serve when a front end has
//     none. Library texts never name a flag.
//
// The package does not know any message, language negotiation or where a
// text is shown.
package msg

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Text is one message's words: [0] Traditional Chinese, [1] English.
type Text [2]string

// ZH and EN return the text's words in one language.
func (t Text) ZH() string { return t[0] }

// EN returns the English words.
func (t Text) EN() string { return t[1] }

// In returns the words for lang: English for "en", else Chinese.
func (t Text) In(lang string) string {
	if Lang(lang) == "en" {
		return t[1]
	}
	return t[0]
}

// Table is one package's messages by their code (without the namespace).
type Table map[string]Text

// Hint names something the user can do about a message, in the library's
// words (a setting, not a flag): "skip_hidden", "do.resend_unknown".
// Passed as an argument, it renders as the Printer's Hints say.
type Hint string

// Named is the argument of a text with {name} placeholders.
type Named map[string]string

// Lang is "en" for English (any case), else "zh": the two languages.
func Lang(lang string) string {
	if strings.EqualFold(strings.TrimSpace(lang), "en") {
		return "en"
	}
	return "zh"
}

var (
	mu      sync.RWMutex
	catalog = map[string]Text{} // namespace "." code
	spaces  = map[string]Table{}
)

// Register adds a package's table under its namespace ("importer",
// "validate", "cli", ...). It panics when the namespace is taken or a
// text is malformed: both are programming errors found by any test.
// The table is returned, so a package can write
// var texts = msg.Register("pkg", msg.Table{...}).
func Register(namespace string, t Table) Table {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := spaces[namespace]; ok {
		panic("msg: namespace registered twice: " + namespace)
	}
	spaces[namespace] = t
	for code, text := range t {
		catalog[namespace+"."+code] = text
	}
	return t
}

// Namespaces lists the registered namespaces, sorted.
func Namespaces() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(spaces))
	for ns := range spaces {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// Codes lists every registered code ("namespace.code"), sorted.
func Codes() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(catalog))
	for c := range catalog {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the text of a full code ("namespace.code").
func Lookup(code string) (Text, bool) {
	mu.RLock()
	defer mu.RUnlock()
	t, ok := catalog[code]
	return t, ok
}

// Printer renders messages in one language with one front end's hints.
type Printer struct {
	Lang  string        // "zh" (default) or "en"
	Hints map[Hint]Text // the front end's words for hints; nil: the catalog's neutral ones
}

// In returns a Printer for lang with the catalog's neutral hints.
func In(lang string) Printer { return Printer{Lang: Lang(lang)} }

// Sprint renders the message code ("namespace.code") with args. An
// unknown code renders as the code itself, so a missing text shows up
// rather than vanishing (the catalog test keeps that from happening).
func (p Printer) Sprint(code string, args ...any) string {
	t, ok := Lookup(code)
	if !ok {
		return code
	}
	return p.Format(t, args...)
}

// Format renders one text with args, as Sprint does.
func (p Printer) Format(t Text, args ...any) string {
	lang := Lang(p.Lang)
	format := t.In(lang)
	if len(args) == 1 {
		if named, ok := args[0].(Named); ok {
			return fill(format, named)
		}
	}
	verbs := Verbs(format)
	if len(verbs) == 0 && len(args) == 0 {
		return strings.ReplaceAll(format, "%%", "%")
	}
	vals := make([]any, len(args))
	for i, a := range args {
		if h, ok := a.(Hint); ok {
			a = p.Hint(h)
		}
		vals[i] = a
	}
	var b strings.Builder
	last := 0
	for _, v := range verbs {
		b.WriteString(strings.ReplaceAll(format[last:v.Start], "%%", "%"))
		last = v.End
		if v.Verb == 'q' && v.Arg < len(vals) {
			b.WriteString(Quote(lang, fmt.Sprint(vals[v.Arg])))
			continue
		}
		if v.Arg < len(vals) {
			b.WriteString(fmt.Sprintf("%"+v.Spec, vals[v.Arg]))
		} else {
			b.WriteString("%!" + string(v.Verb) + "(MISSING)") // as fmt says it
		}
	}
	b.WriteString(strings.ReplaceAll(format[last:], "%%", "%"))
	return b.String()
}

// Hint renders a hint: the front end's words, else the catalog's own.
func (p Printer) Hint(h Hint) string {
	if t, ok := p.Hints[h]; ok {
		return t.In(p.Lang)
	}
	if t, ok := Lookup("hint." + string(h)); ok {
		return t.In(p.Lang)
	}
	return string(h)
}

// Quote shows a value as people type it, in lang's quotes: 「合　計」 in
// Chinese, "合　計" in English. Nothing is escaped; control characters
// (a tab, a line break) become their visible symbols (␉, ␊) so a value
// cannot break or forge a line.
func Quote(lang, s string) string {
	open, close := "「", "」"
	if Lang(lang) == "en" {
		open, close = `"`, `"`
	}
	return open + Visible(s) + close
}

// Visible replaces control characters and invalid UTF-8 in s by visible
// symbols, leaving everything else (full-width spaces included) as typed.
func Visible(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < ' ':
			b.WriteRune(0x2400 + r) // ␀ … ␟
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0, r == utf8.RuneError:
			b.WriteRune('�')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fill replaces each {name} of s by named[name].
func fill(s string, named Named) string {
	if len(named) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(named))
	for k, v := range named {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// RegisterCodes registers a table whose keys are full codes already
// ("notify.subject_failed"): each must start with namespace + ".".
func RegisterCodes[K ~string](namespace string, m map[K]Text) map[K]Text {
	t := make(Table, len(m))
	for k, v := range m {
		code, ok := strings.CutPrefix(string(k), namespace+".")
		if !ok {
			panic("msg: code " + string(k) + " is not in namespace " + namespace)
		}
		t[code] = v
	}
	Register(namespace, t)
	return m
}
