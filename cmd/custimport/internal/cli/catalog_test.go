package cli

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// libraryNamespaces are the catalog's namespaces that library packages
// (importer/..., mapping/) register: they never name a command-line flag.
var libraryNamespaces = []string{"existing", "hint", "importer", "probe", "validate"}

// englishWord is a run of Latin letters in a Chinese text.
var englishWord = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9'_-]*`)

// code is a word that is a code, not English: it has a digit or an
// underscore, or is all capitals (CCODE, Big5, S001, key_file).
var codeWord = regexp.MustCompile(`[0-9_]|^[A-Z-]+$`)

// commandLine is a command people type, shown as it is: custimport's
// own, and the system's few.
var commandLine = regexp.MustCompile(`(custimport|sudo|crontab|setx)( -?-?[a-z][a-z0-9-]*| [0-9:]+)*`)

// zhAllowed are the Latin words a Chinese text may hold: names of
// products, files, settings, statuses and codes people see as they are.
var zhAllowed = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		TMS Excel CSV UTF-8 UTF Big5 API ERP IT IP DNS HTTP HTTPS http https TLS URL ID OK
		custimport sim xlsx xls tsv txt csv json yaml yml log html
		pno ProNum api-pno api-timestamp api-ClientSign ClientSign sha512 sha256 md5
		Status ErrorCode ImportStatus ImportCCODE ImportErrorMessage ImportWarnings ImportErrorCode ImportAttempts
		Results Summary VALID INVALID SKIPPED NOT_SENT FAILED UNKNOWN
		EditItem AutoCCODE CWEBE S001 YYYY YYY MM DD MiB MB KB GB
		mapping defaults columns ignore ledger update create upsert proxy
		HTTPS_PROXY HTTP_PROXY NO_PROXY TMS_URL TMS_PNO TMS_PRONUM TMS_API_KEY TMS_SIGN_RECIPE
		Query QueryList Product Cust Add Date Unix Windows macOS Linux Task Scheduler systemd launchd cron
		Y N TRUE FALSE test vector body Ctrl-C Ctrl C Enter Tab smtp url notify JSON pronum
		webhook SMTP PDF LINE Teams Slack e-mail email Email wal all passfile PostgreSQL SQLite
		true false tab text chmod ps
		find export runs where copy status remove
		zh en char n big5 hmac pid utf windows linux darwin Mac exe install move load-existing Retry-After
	`) {
		zhAllowed[w] = true
	}
	for _, f := range mapping.Fields() {
		zhAllowed[f.Code] = true
	}
}

// The one catalog: every code has its words in both languages with the
// same arguments; the Chinese words hold no English word outside the
// allow-list; no library message names a command-line flag.
func TestCatalog(t *testing.T) {
	codes := msg.Codes()
	if len(codes) < 300 {
		t.Fatalf("the catalog holds %d codes: are the tables registered?", len(codes))
	}
	for _, ns := range append(libraryNamespaces, "ui", "cli.online", "cli.line", "cli.log", "notify", "schedule") {
		if !slices.Contains(msg.Namespaces(), ns) {
			t.Errorf("namespace %s not registered (have %v)", ns, msg.Namespaces())
		}
	}
	t.Logf("%d codes in %d namespaces", len(codes), len(msg.Namespaces()))
	flag := regexp.MustCompile(`(^|[^-\w])--[a-z]`)
	for _, code := range codes {
		text, _ := msg.Lookup(code)
		zh, en := text.ZH(), text.EN()
		if strings.TrimSpace(zh) == "" || strings.TrimSpace(en) == "" {
			t.Errorf("%s: zh %q en %q, want both", code, zh, en)
			continue
		}
		for _, text := range []string{zh, en} {
			for _, v := range msg.Verbs(text) {
				if !strings.ContainsRune("vsdqxXfgeTtcbU", rune(v.Verb)) || strings.Contains(v.Spec, " ") {
					t.Errorf("%s: %q is read as a verb (a %% meant as a percent sign is written %%%%): %q", code, text[v.Start:min(len(text), v.End+2)], text)
				}
			}
		}
		if a, b := msg.Args(zh), msg.Args(en); !slices.Equal(a, b) {
			t.Errorf("%s: zh takes %v arguments, en %v:\n zh %q\n en %q", code, a, b, zh, en)
		}
		ns := code[:strings.LastIndex(code, ".")]
		for _, lib := range libraryNamespaces {
			if (ns == lib || strings.HasPrefix(ns, lib+".")) && (flag.MatchString(zh) || flag.MatchString(en)) {
				t.Errorf("%s: a library message names a flag:\n zh %q\n en %q", code, zh, en)
			}
		}
		plain := msg.Verbs(zh)
		stripped := zh
		for i := len(plain) - 1; i >= 0; i-- {
			stripped = stripped[:plain[i].Start] + " " + stripped[plain[i].End:]
		}
		stripped = commandLine.ReplaceAllString(stripped, " ")
		stripped = regexp.MustCompile(`\{[a-z_]+\}|--[a-z][a-z0-9-]*|\S+\.(xlsx|csv|txt|why\.txt)|[a-z]+://\S*|\S*/[A-Za-z/.]+`).ReplaceAllString(stripped, " ")
		for _, w := range englishWord.FindAllString(stripped, -1) {
			if !zhAllowed[w] && !codeWord.MatchString(w) {
				t.Errorf("%s: the Chinese text holds the English word %q: %q", code, w, zh)
			}
		}
	}
}

// A few messages rendered in words, both languages, through the command
// line's Printer: its hints name the flag; values are shown as typed.
func TestCatalogWords(t *testing.T) {
	tests := []struct {
		lang, code string
		args       []any
		want       string
	}{
		{"zh", "importer.unknown_column", []any{"C", "合　計"}, "欄 C「合　計」無對應欄位,未匯入 (保留於結果檔)"},
		{"en", "importer.unknown_column", []any{"C", "合　計"}, `column C "合　計" matches no field and is not imported (kept in the results)`},
		{"zh", "importer.hidden_row", []any{msg.Hint("skip_hidden")}, "此列在 Excel 中是隱藏的,依 --skip-hidden 未匯入"},
		{"en", "importer.prior_unknown", []any{msg.Hint("do.resend_unknown")}, "if not, run with --resend-unknown"},
		{"zh", "validate.duplicate", []any{"5", "C\t01"}, "與第 5 列重複「C␉01」"},
		{"zh", "validate.column_looks_like", []any{"B", "手機 號碼", "CPHONE 手機", "0912", `"手機 號碼"`, "CPHONE", validate.HintChooseColumn},
			"欄 B「手機 號碼」沒有對應的欄位,未匯入,但內容像是 CPHONE 手機 (例如「0912」):若是,請在對應檔 (mapping) 寫 columns: {\"手機 號碼\": CPHONE},再以 --mapping 指定該對應檔"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.code, func(t *testing.T) {
			got := printer(tt.lang).Sprint(tt.code, tt.args...)
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
