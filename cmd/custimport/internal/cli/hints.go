package cli

import (
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/validate"
)

// cliHints are the command line's words for what the library's messages
// suggest (msg.Hint): its flags. The library names the hint; only the
// command line knows the flag.
var cliHints = map[msg.Hint]msg.Text{
	importer.HintSkipHidden:      {" --skip-hidden ", "--skip-hidden"}, // zh: 依 --skip-hidden 未匯入
	importer.HintDoSkipHidden:    {"加上 --skip-hidden", "pass --skip-hidden"},
	importer.HintDoResendUnknown: {"以 --resend-unknown 送出", "run with --resend-unknown"},
	importer.HintDoTrustTLS:      {"測試用伺服器可加 --insecure-skip-verify", "for a test server: --insecure-skip-verify"},
	validate.HintChooseColumn:    {"再以 --mapping 指定該對應檔", "and pass it with --mapping"},
}

// printer renders catalog messages in lang with the command line's hints.
func printer(lang string) msg.Printer { return msg.Printer{Lang: msg.Lang(lang), Hints: cliHints} }
