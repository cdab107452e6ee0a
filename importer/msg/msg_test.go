package msg

import (
	"slices"
	"testing"
)

func TestVerbs(t *testing.T) {
	tests := []struct {
		format string
		args   []int
		want   []string
	}{
		{"no verbs, 100%%", nil, nil},
		{"%s and %q", []int{0, 1}, []string{"2"}},
		{"%[2]s「%[1]s」 %s", []int{1, 0, 1}, []string{"2"}},
		{"%.1f 筆/秒 %5d", []int{0, 1}, []string{"2"}},
		{"{url} {n} {url}", nil, []string{"{n}", "{url}"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var got []int
			for _, v := range Verbs(tt.format) {
				got = append(got, v.Arg)
			}
			if !slices.Equal(got, tt.args) {
				t.Errorf("Verbs: args %v, want %v", got, tt.args)
			}
			if a := Args(tt.format); !slices.Equal(a, tt.want) {
				t.Errorf("Args: %v, want %v", a, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	text := Text{"欄 %s%q無對應欄位 (%s) 100%%", "column %s %q matches no field (%s) 100%%"}
	hints := map[Hint]Text{"do.x": {"加上 --x", "pass --x"}}
	tests := []struct {
		name string
		p    Printer
		val  string
		want string
	}{
		{"zh as typed", In("zh"), "合　計", "欄 C「合　計」無對應欄位 (「略」) 100%"},
		{"en as typed", In("EN"), "合　計", `column C "合　計" matches no field ("略") 100%`},
		{"control characters shown", In("zh"), "a\tb\nc\x7f", "欄 C「a␉b␊c␡」無對應欄位 (「略」) 100%"},
		{"front end's hint", Printer{Lang: "en", Hints: hints}, "x", `column C "x" matches no field (pass --x) 100%`},
	}
	Register("test_format", Table{"x": {"「略」", `"略"`}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arg := any(Hint("test_format_missing"))
			if tt.p.Hints != nil {
				arg = Hint("do.x")
			}
			got := tt.p.Format(text, "C", tt.val, arg)
			if tt.p.Hints == nil {
				got = tt.p.Format(text, "C", tt.val, tt.p.Sprint("test_format.x"))
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNeutralHint(t *testing.T) {
	Register("hint_test", Table{"h": {"中性", "neutral"}})
	// A hint without a front end's words falls back to "hint." + it;
	// the catalog's namespace for them is "hint".
	p := In("en")
	if got := p.Hint("nothing.here"); got != "nothing.here" {
		t.Errorf("unknown hint: got %q", got)
	}
	if got := p.Sprint("hint_test.h"); got != "neutral" {
		t.Errorf("got %q", got)
	}
	if got := p.Sprint("no.such.code"); got != "no.such.code" {
		t.Errorf("unknown code: got %q", got)
	}
}

func TestNamed(t *testing.T) {
	got := In("zh").Format(Text{"{url} 回覆 {status}", "{url} answered {status}"}, Named{"url": "http://x", "status": "404"})
	if got != "http://x 回覆 404" {
		t.Errorf("got %q", got)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	Register("twice", Table{})
	defer func() {
		if recover() == nil {
			t.Error("a namespace registered twice: no panic")
		}
	}()
	Register("twice", Table{})
}
