package cli

import (
	"context"
	"fmt"
	stdio "io"
	"os"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
)

// stateDir is the folder of the ledgers: --state-dir, CUSTIMPORT_STATE_DIR
// or the config's state_dir, else the user's local state folder.
func stateDir(s settings, getenv func(string) string) (string, error) {
	if s.StateDir != "" {
		return s.StateDir, nil
	}
	return connect.DefaultStateDir(getenv)
}

const ledgerAbout = `Look into the ledger: the memory, per TMS, of every customer custimport
created and of the content TMS accepted for each code. It lives in the
user's local state folder (--state-dir, CUSTIMPORT_STATE_DIR).

  custimport ledger find TEXT        which run created a customer (code, name or 統編)
  custimport ledger export FILE.csv  every create, as a CSV backup
  custimport ledger runs             the latest runs
  custimport ledger move --to-url URL [--to-pno P --to-pronum N]
                                     TMS moved: carry its ledger over to the new URL
  custimport ledger where            the ledger file of the current settings`

func runLedger(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "ledger", "find TEXT | export FILE.csv | runs | move --to-url URL | where", ledgerAbout)
	var flagged = defaultSettings()
	flagged.register(fs, true)
	cfgPath := fs.String("config", "", "config `FILE.yaml`")
	toURL := fs.String("to-url", "", "move: the new TMS URL")
	toPNO := fs.String("to-pno", "", "move: the new pno (default: the same)")
	toProNum := fs.String("to-pronum", "", "move: the new ProNum (default: the same)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		fs.Usage()
		return fail(io, "ledger: want a subcommand: find, export, runs, move or where")
	}
	s, err := resolveSettings(fs, *cfgPath, io.Getenv)
	if err != nil {
		return fail(io, "%v", err)
	}
	dir, err := stateDir(s, io.Getenv)
	if err != nil {
		return fail(io, "%v", err)
	}
	t, err := s.connection(io, nil).Tenant()
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	switch sub := pos[0]; {
	case sub == "where":
		fmt.Fprintf(io.Out, "%s\n%s\n", t, ledger.FilePath(dir, t))
		return ExitOK
	case sub == "move":
		return ledgerMove(ctx, io, dir, t, *toURL, *toPNO, *toProNum)
	case sub == "find" && len(pos) == 2, sub == "export" && len(pos) == 2, sub == "runs" && len(pos) == 1:
	default:
		return fail(io, "ledger: unknown or incomplete command %q", strings.Join(pos, " "))
	}
	db, err := ledger.Open(ctx, dir, t, ledger.Options{ReadOnly: true})
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	defer db.Close()
	switch pos[0] {
	case "find":
		return ledgerFind(ctx, io, db, pos[1])
	case "export":
		return ledgerExport(ctx, io, db, pos[1])
	default:
		return ledgerRuns(ctx, io, db)
	}
}

func ledgerFind(ctx context.Context, io IO, db *ledger.DB, text string) int {
	found, err := db.Find(ctx, text)
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	if len(found) == 0 {
		fmt.Fprintf(io.Out, "no create in the ledger matches %q\n", text)
		return ExitRows
	}
	for _, c := range found {
		name := c.Name
		if name == "" {
			name = c.ShortName
		}
		fmt.Fprintf(io.Out, "%-10s %-8s %s  統編 %s  created %s  from %s", c.CCODE, c.State, name, orDash(c.TaxID),
			c.Created.Local().Format("2006-01-02 15:04:05"), c.Source)
		if c.Sheet != "" {
			fmt.Fprintf(io.Out, " [%s]", c.Sheet)
		}
		fmt.Fprintf(io.Out, " row %d (run %d)\n", c.Row, c.RunID)
	}
	return ExitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ledgerExport(ctx context.Context, io IO, db *ledger.DB, path string) int {
	var w stdio.Writer = io.Out
	if path != "-" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fail(io, "ledger export: %v", err)
		}
		defer f.Close()
		w = f
	}
	if err := db.Export(ctx, w); err != nil {
		return fail(io, "ledger export: %v", err)
	}
	if path != "-" {
		fmt.Fprintf(io.Err, "wrote %s\n", path)
	}
	return ExitOK
}

func ledgerRuns(ctx context.Context, io IO, db *ledger.DB) int {
	runs, err := db.Runs(ctx, 20)
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	for _, r := range runs {
		fmt.Fprintf(io.Out, "run %-5d %s  %s", r.ID, r.Started.Local().Format("2006-01-02 15:04:05"), shown(r.Input))
		if r.Sheet != "" {
			fmt.Fprintf(io.Out, " [%s]", shown(r.Sheet))
		}
		fmt.Fprintf(io.Out, "  %s\n", countsText(r.Counts))
	}
	return ExitOK
}

func ledgerMove(ctx context.Context, io IO, dir string, from ledger.Tenant, toURL, toPNO, toProNum string) int {
	if toURL == "" {
		return fail(io, "ledger move: want --to-url (the new TMS URL); the old one comes from TMS_URL/--url")
	}
	if toPNO == "" {
		toPNO = from.PNO
	}
	if toProNum == "" {
		toProNum = from.ProNum
	}
	to, err := ledger.NewTenant(toURL, toPNO, toProNum)
	if err != nil {
		return fail(io, "ledger move: %v", err)
	}
	if err := ledger.Move(ctx, dir, from, to); err != nil {
		return fail(io, "ledger move: %v", err)
	}
	fmt.Fprintf(io.Out, "the ledger of %s now belongs to %s\n%s\n", from, to, ledger.FilePath(dir, to))
	return ExitOK
}

// countsText is a run's counts in the summaries' order: "OK 3 FAILED 1".
func countsText(counts map[string]int) string {
	var parts []string
	for _, st := range importer.Statuses {
		if n := counts[string(st)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	if len(parts) == 0 {
		return "(no rows)"
	}
	return strings.Join(parts, " ")
}
