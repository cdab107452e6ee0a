package cli

import (
	"bytes"
	"flag"
	"regexp"
	"strings"
	"testing"
)

// commandWords are the commands and subcommands people type, as the
// help shows them in any language.
var commandWords = regexp.MustCompile(`(?m)^  [a-z]+ |\b(find|load-existing|export|runs|move|copy|where|install|status|remove|test|check|config|schedule|ledger|import)\b`)

// flagLine is a flag's line in --help: "  -name [ARG]".
var flagLine = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// Every command's --help, and custimport's own, is in the run's
// language: --lang, else the locale's. Every flag has its words in the
// catalog (a flag added without them shows its code, and fails here),
// and the zh help holds no English word outside the allow-list.
func TestHelpSpeaksTheRunLanguage(t *testing.T) {
	var lines [][]string
	for _, c := range commands() {
		lines = append(lines, []string{c.name, "--help"})
	}
	lines = append(lines, []string{"config", "check", "--help"}, []string{"notify", "test", "--help"}, []string{"--help"}, []string{"help"})
	for _, args := range lines {
		for _, lang := range []string{"zh", "en"} {
			name := strings.Join(args, " ") + " " + lang
			t.Run(name, func(t *testing.T) {
				var out, errb bytes.Buffer
				code := Main(append(args, "--lang", lang), IO{Out: &out, Err: &errb})
				help := out.String() + errb.String()
				if code != ExitOK {
					t.Fatalf("exit %d, want 0\n%s", code, help)
				}
				if i := strings.Index(help, "cli.help."); i >= 0 {
					t.Errorf("no words in the catalog for %s", strings.Fields(help[i:])[0])
				}
				if i := strings.Index(help, "%!"); i >= 0 {
					t.Errorf("a %% in the help was read as a verb (write %%%%): %q", help[max(0, i-40):min(len(help), i+20)])
				}
				if lang == "zh" {
					speaksOnly(t, name, commandWords.ReplaceAllString(help, " "))
					if strings.Contains(help, "Usage:") || strings.Contains(help, "Flags:") {
						t.Errorf("zh help in English:\n%s", help)
					}
				} else if !strings.Contains(help, "Usage:") {
					t.Errorf("en help without Usage:\n%s", help)
				}
			})
		}
	}
	// The locale decides when --lang is not given.
	for locale, want := range map[string]string{"zh_TW.UTF-8": "選項:", "en_US.UTF-8": "Flags:", "zh_HK": "選項:", "C": "Flags:"} {
		var errb bytes.Buffer
		Main([]string{"import", "--help"}, IO{Out: &errb, Err: &errb, Getenv: func(k string) string {
			if k == "LANG" {
				return locale
			}
			return ""
		}})
		if !strings.Contains(errb.String(), want) {
			t.Errorf("LANG=%s: want %q:\n%s", locale, want, errb.String())
		}
	}
	// --lang after --help counts too.
	var errb bytes.Buffer
	Main([]string{"check", "--help", "--lang", "zh"}, IO{Out: &errb, Err: &errb, Getenv: func(string) string { return "en_US" }})
	if !strings.Contains(errb.String(), "選項:") {
		t.Errorf("check --help --lang zh:\n%s", errb.String())
	}
}

// Every flag a command has is in its --help, with its own words: the
// help is the flag set's, flag by flag, not a text kept beside it.
func TestHelpListsEveryFlag(t *testing.T) {
	var errb bytes.Buffer
	Main([]string{"import", "--help", "--lang", "en"}, IO{Out: &errb, Err: &errb})
	o, _, _ := importFlags(IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, "import", []string{"x.csv"}, false)
	listed := map[string]bool{}
	for _, m := range flagLine.FindAllStringSubmatch(errb.String(), -1) {
		listed[m[1]] = true
	}
	n := 0
	o.fs.VisitAll(func(f *flag.Flag) {
		n++
		if !listed[f.Name] {
			t.Errorf("import --help does not list --%s", f.Name)
		}
	})
	if n < 40 {
		t.Errorf("import has %d flags, want the settings' and its own", n)
	}
}
