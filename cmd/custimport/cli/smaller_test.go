package cli

import (
	"strings"
	"testing"
)

// Small things that disagreed with themselves.
func TestSmallerOutputRules(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", []byte("CCODE,CNAM1,CBELE\nS1,甲,1\nS2,乙,x\n"))
	t.Run("check never sends", func(t *testing.T) {
		res := run(t, env, "check", in, "--dry-run=false")
		if res.code != ExitCantRun || !strings.Contains(res.stderr, "custimport import") || len(sim.Customers()) != 0 {
			t.Errorf("check --dry-run=false: exit %d, %d customers\n%s", res.code, len(sim.Customers()), res)
		}
	})
	t.Run("rows per second counts rows sent", func(t *testing.T) {
		res := run(t, env, "import", in, "--lang", "en")
		for _, want := range []string{"sent 1 rows", "Send rate reached"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("import output lacks %q:\n%s", want, res)
			}
		}
	})
}
