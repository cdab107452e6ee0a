package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
)

// TestExplanationsHaveWords: every error the explanations name has its
// words in the catalog (namespace cli.explain); a code without them would
// print as the bare code under the fatal line.
func TestExplanationsHaveWords(t *testing.T) {
	for _, e := range explanations {
		if _, ok := msg.Lookup("cli.explain." + e.code); !ok {
			t.Errorf("explanation %q of %v has no words in the catalog (cli.explain)", e.code, e.err)
		}
	}
}

// The shared ledger's own stops are explained with what to check: a
// timeout names the setting that points at the server (ledger_url, as a
// lost connection's does: it is one too), a company under another TMS URL
// the way to start over on purpose.
func TestLedgerExplanations(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string // in both languages
	}{
		{"timeout", fmt.Errorf("claim: %w", &ledger.TimeoutError{Ledger: "db:5432/x", Wait: "statement", Err: errors.New("canceled")}), []string{"ledger_url", "--ledger-url", "UNKNOWN"}},
		{"unreachable", fmt.Errorf("ledger db:5432/x: %w", ledger.ErrUnreachable), []string{"ledger_url", "--ledger-url"}},
		{"other URL", &ledger.OtherURLError{Ledger: "db:5432/x", Tenant: ledger.Tenant{PNO: "P1", URL: "https://b.example"}}, []string{"--new-ledger", "new_ledger"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zh, en := explanation(tt.err, "zh"), explanation(tt.err, "en")
			for _, w := range tt.want {
				if !strings.Contains(zh, w) || !strings.Contains(en, w) {
					t.Errorf("explanation: zh %q, en %q; want both to name %q", zh, en, w)
				}
			}
			if tt.name == "timeout" && zh == explanation(fmt.Errorf("x: %w", ledger.ErrUnreachable), "zh") {
				t.Errorf("a timeout is explained like a server that cannot be reached: %q", zh)
			}
		})
	}
}
