package msg

import (
	"regexp"
	"sort"
	"strconv"
)

// Verb is one fmt verb of a text: format[Start:End] is "%[2]q" or "%.1f",
// Spec the part after % without an explicit argument index, Arg the
// 0-based argument it takes.
type Verb struct {
	Start, End int
	Spec       string
	Verb       byte
	Arg        int
}

// Verbs returns the fmt verbs of a format in order ("%%" is not one). An
// explicit index %[n]v takes argument n and the next verb n+1, as fmt
// does.
func Verbs(format string) []Verb {
	var out []Verb
	next := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		start := i
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		spec := []byte{}
		arg := -1
		for i < len(format) {
			c := format[i]
			switch {
			case c == '[':
				n, j := 0, i+1
				for j < len(format) && format[j] >= '0' && format[j] <= '9' {
					n = n*10 + int(format[j]-'0')
					j++
				}
				if j < len(format) && format[j] == ']' && n > 0 {
					arg = n - 1
					i = j + 1
					continue
				}
				spec = append(spec, c)
				i++
				continue
			case c == '+' || c == '-' || c == '#' || c == ' ' || c == '0' || c == '.' || (c >= '1' && c <= '9'):
				spec = append(spec, c)
				i++
				continue
			}
			break
		}
		if i >= len(format) {
			break
		}
		if arg < 0 {
			arg = next
		}
		next = arg + 1
		spec = append(spec, format[i])
		out = append(out, Verb{Start: start, End: i + 1, Spec: string(spec), Verb: format[i], Arg: arg})
	}
	return out
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Args describes the arguments a text takes: for fmt verbs, the number
// of arguments ("3"), for {name} placeholders their sorted names. The
// catalog test compares it between a message's two languages.
func Args(format string) []string {
	if names := placeholder.FindAllString(format, -1); len(names) > 0 && len(Verbs(format)) == 0 {
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
		}
		out := make([]string, 0, len(set))
		for n := range set {
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	n := 0
	for _, v := range Verbs(format) {
		if v.Arg+1 > n {
			n = v.Arg + 1
		}
	}
	if n == 0 {
		return nil
	}
	return []string{strconv.Itoa(n)}
}
