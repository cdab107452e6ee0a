package cli

import (
	"testing"

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
