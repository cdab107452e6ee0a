package cli

import (
	"context"
	"fmt"
	stdio "io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/existing"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/mapping"
)

// stateDir is the folder of the ledgers: --state-dir, CUSTIMPORT_STATE_DIR
// or the config's state_dir, else the user's local state folder.
func stateDir(s settings.Settings, getenv func(string) string) (string, error) {
	if s.StateDir != "" {
		return s.StateDir, nil
	}
	return connect.DefaultStateDir(getenv)
}

const ledgerAbout = `Look into the ledger: the memory, per TMS, of every customer custimport
created, of the content TMS accepted for each code, and of the customers
TMS already had. It lives in the user's local state folder (--state-dir,
CUSTIMPORT_STATE_DIR).

  custimport ledger find TEXT        a customer by code, name or 統編: the run that created it,
                                     the codes sent, the list of existing customers
  custimport ledger load-existing FILE [--as-of DATE]
                                     load (or replace) the list of the customers TMS already has:
                                     TMS's customer export (.xlsx/.csv with a 客戶代號 column);
                                     rows without a code matching one of them are not created again
  custimport ledger export FILE.csv  every create, as a CSV backup
  custimport ledger runs             the latest runs
  custimport ledger move --to-url URL [--to-pno P --to-pronum N]
                                     TMS moved: carry its ledger over to the new URL
  custimport ledger copy --to URL|FOLDER [--from URL|FOLDER] [--new-ledger]
                                     copy (merge) this TMS's ledger into the team's PostgreSQL
                                     ledger (--to postgres://…), or into a folder as a backup;
                                     verified by counts and a checksum per table; where the
                                     shared ledger keeps the company under another TMS URL,
                                     --new-ledger only if it truly is another TMS
  custimport ledger where            the ledger file of the current settings

With ledger_url (--ledger-url, CUSTIMPORT_LEDGER_URL) the ledger is the team's
shared one on PostgreSQL, and every command reads it there.`

func runLedger(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "ledger", "find TEXT | load-existing FILE | export FILE.csv | runs | move --to-url URL | where")
	flagged := settings.Default()
	settings.Register(fs, &flagged, true)
	cfgPath := fs.String("config", "", "config `FILE.yaml`")
	toURL := fs.String("to-url", "", "move: the new TMS URL")
	toPNO := fs.String("to-pno", "", "move: the new pno (default: the same)")
	toProNum := fs.String("to-pronum", "", "move: the new ProNum (default: the same)")
	copyTo := fs.String("to", "", "copy: where to copy the ledger: a postgres:// `URL` or a folder")
	copyFrom := fs.String("from", "", "copy: the ledger to copy, a postgres:// `URL` or a folder (default: the settings' ledger)")
	asOf := fs.String("as-of", "", "load-existing: the `DATE` (YYYY-MM-DD) TMS's list was taken (default: the file's time)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		fs.Usage()
		return fail(io, "ledger: want a subcommand: find, load-existing, export, runs, move or where")
	}
	s, err := loadSettings(fs, *cfgPath, io.Getenv)
	if err != nil {
		return settingsFail(io, fs, "", err)
	}
	t, err := connection(s, io, nil, nil).Tenant()
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	dir := ""
	if s.LedgerURL == "" || pos[0] == "move" {
		if dir, err = stateDir(s, io.Getenv); err != nil {
			return fail(io, "%v", err)
		}
	}
	switch sub := pos[0]; {
	case sub == "where" && s.LedgerURL != "":
		db, err := ledger.OpenURL(ctx, s.LedgerURL, t, ledger.Options{ReadOnly: true})
		if err == nil {
			fmt.Fprintf(io.Out, "%s\n%s\n", t, db.Path())
			db.Close()
			return ExitOK
		}
		return failErr(io, s.Lang, fmt.Errorf("ledger: %w", err))
	case sub == "where":
		fmt.Fprintf(io.Out, "%s\n%s\n", t, ledger.FilePath(dir, t))
		return ExitOK
	case sub == "copy" && len(pos) == 1:
		from := *copyFrom
		if from == "" {
			from = s.LedgerURL
		}
		if from == "" {
			from = dir
		}
		return ledgerCopy(ctx, io, s.Lang, t, from, *copyTo, s.NewLedger)
	case sub == "move" && s.LedgerURL != "":
		return fail(io, "ledger move: a shared ledger (ledger_url) is not moved by custimport: copy it (ledger copy --from URL --to URL) into the new TMS's settings instead")
	case sub == "move":
		return ledgerMove(ctx, io, dir, t, *toURL, *toPNO, *toProNum)
	case sub == "load-existing" && len(pos) == 2:
		return ledgerLoadExisting(ctx, io, s, pos[1], *asOf)
	case sub == "find" && len(pos) == 2, sub == "export" && len(pos) == 2, sub == "runs" && len(pos) == 1:
	default:
		return fail(io, "ledger: unknown or incomplete command %q", strings.Join(pos, " "))
	}
	var db *ledger.DB
	if s.LedgerURL != "" {
		db, err = ledger.OpenURL(ctx, s.LedgerURL, t, ledger.Options{ReadOnly: true})
	} else {
		db, err = ledger.Open(ctx, dir, t, ledger.Options{ReadOnly: true})
	}
	if err != nil {
		return failErr(io, s.Lang, fmt.Errorf("ledger: %w", err))
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

// ledgerFind prints what the ledger knows of a customer: the creates
// (which run made it), the codes custimport sent (upserts included), and
// the list of existing customers. Each line starts with the code.
func ledgerFind(ctx context.Context, io IO, db *ledger.DB, text string) int {
	found, err := db.Find(ctx, text)
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	codes, err := db.FindCodes(ctx, text)
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	listed, err := db.FindExisting(ctx, text)
	if err != nil {
		return fail(io, "ledger: %v", err)
	}
	if len(found)+len(codes)+len(listed) == 0 {
		fmt.Fprintf(io.Out, "no customer in the ledger matches %q (no create, no code sent, none in the list of existing customers)\n", text)
		return ExitRows
	}
	created := map[string]bool{}
	for _, c := range found {
		created[c.CCODE] = c.State == ledger.Created
		fmt.Fprintf(io.Out, "%-10s %-8s %s  統編 %s  created %s  from %s", c.CCODE, c.State, nameOf(c.Names()), orDash(c.TaxID),
			c.Created.Local().Format("2006-01-02 15:04:05"), c.Source)
		if c.Sheet != "" {
			fmt.Fprintf(io.Out, " [%s]", c.Sheet)
		}
		fmt.Fprintf(io.Out, " row %d (run %d)\n", c.Row, c.RunID)
	}
	for _, c := range codes {
		if created[c.CCODE] {
			continue // its create says more
		}
		state := "sent"
		switch {
		case c.Pending != "":
			state = "pending" // sent, answer not known
		case c.Fingerprint == "":
			state = "refused"
		}
		fmt.Fprintf(io.Out, "%-10s %-8s %s  統編 %s  last sent %s (run %d)\n", c.CCODE, state, orDash(nameOf(c.Names)), orDash(c.TaxID),
			c.Updated.Local().Format("2006-01-02 15:04:05"), c.RunID)
	}
	if len(listed) > 0 {
		info, _, _ := db.ExistingInfo(ctx)
		for _, c := range listed {
			fmt.Fprintf(io.Out, "%-10s %-8s %s  統編 %s  in TMS's list as of %s (%s row %d)\n", c.CCODE, "existing", orDash(nameOf(c.Names)),
				orDash(c.TaxID), info.AsOf.Local().Format("2006-01-02"), filepath.Base(info.Source), c.Row)
		}
	}
	return ExitOK
}

// nameOf is a customer's full name, else its short name.
func nameOf(n ledger.Names) string {
	if n.Name != "" {
		return n.Name
	}
	return n.ShortName
}

// ledgerLoadExisting loads TMS's customer export into the ledger as the
// list of existing customers, holding the tenant's lock, and prints what
// it read.
func ledgerLoadExisting(ctx context.Context, io IO, s settings.Settings, path, asOf string) int {
	eo := existing.Options{Source: source.Options{MaxBytes: s.MaxInputMB << 20, Sheet: s.Sheet, Encoding: s.Encoding}}
	if asOf != "" {
		t, err := parseDate(asOf)
		if err != nil {
			return fail(io, "ledger load-existing: --as-of %q: want a date such as 2026-04-30", asOf)
		}
		eo.AsOf = t
	}
	if s.Mapping != "" {
		m, err := mapping.LoadFile(s.Mapping)
		if err != nil {
			return fail(io, "%v", err)
		}
		eo.Mapping = m
	}
	rep, err := existing.Read(path, eo)
	if err != nil {
		return failErr(io, s.Lang, fmt.Errorf("ledger load-existing: %w", err))
	}
	if len(rep.List.Customers) == 0 {
		return fail(io, "ledger load-existing: %s: no customer with a 客戶代號 below the header (line %d): nothing loaded", path, rep.HeaderLine)
	}
	abs, _ := filepath.Abs(path)
	rep.List.Info.Source = abs
	db, closeDB, err := connection(s, io, nil, nil).OpenLedger(ctx, io.Getenv, "(loading existing customers from "+abs+")")
	if err != nil {
		return failErr(io, s.Lang, err)
	}
	defer closeDB()
	if err := db.LoadExisting(ctx, rep.List); err != nil {
		return fail(io, "ledger load-existing: %v", err)
	}
	printLoaded(io.Out, rep, db.Tenant())
	return ExitOK
}

// printLoaded says what a list of existing customers held.
func printLoaded(w stdio.Writer, rep existing.Report, t ledger.Tenant) {
	info := rep.List.Info
	where := info.Source
	if info.Sheet != "" {
		where += " [" + info.Sheet + "]"
	}
	fmt.Fprintf(w, "read %d existing customer codes, %d with 統編, as of %s, from %s (header on line %d)\n",
		len(rep.List.Customers), rep.WithTaxID, info.AsOf.Local().Format("2006-01-02"), where, rep.HeaderLine)
	fmt.Fprintf(w, "columns: %s\n", strings.Join(rep.Columns, ", "))
	if rep.NoCode > 0 {
		fmt.Fprintf(w, "left out: %d rows without a 客戶代號 (blank, or a totals row)\n", rep.NoCode)
	}
	for _, lo := range []struct {
		what string
		l    existing.LeftOut
	}{{"codes given twice (the first row kept)", rep.Duplicates}, {"codes Excel turned into scientific notation", rep.Damaged}} {
		if lo.l.Count > 0 {
			more := ""
			if n := lo.l.Count - len(lo.l.Codes); n > 0 {
				more = fmt.Sprintf(" and %d more", n)
			}
			fmt.Fprintf(w, "left out: %d %s: %s%s\n", lo.l.Count, lo.what, strings.Join(lo.l.Codes, ", "), more)
		}
	}
	fmt.Fprintf(w, "loaded into the ledger of %s: rows without a code that match one of them by 統編 or name are not created again\n", t)
}

// parseDate reads a date as YYYY-MM-DD or YYYY/MM/DD, local time.
func parseDate(s string) (time.Time, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "/", "-")
	return time.ParseInLocation("2006-01-02", s, time.Local)
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

// ledgerCopy copies (merges) the ledger of t at from into the one at to,
// each a postgres:// URL or a folder, and prints what it copied and how
// it verified. startOver (--new-ledger) lets a shared ledger start t's
// ledger where its company has one under another TMS URL.
func ledgerCopy(ctx context.Context, io IO, lang string, t ledger.Tenant, from, to string, startOver bool) int {
	if to == "" {
		return fail(io, "ledger copy: want --to: the team's ledger (postgres://…) or a folder for a backup")
	}
	src, release, err := openCopyEnd(ctx, t, from, true, from, false)
	if err != nil {
		return failErr(io, lang, fmt.Errorf("ledger copy: %w", err))
	}
	defer release()
	dst, release, err := openCopyEnd(ctx, t, to, false, from, startOver)
	if err != nil {
		return failErr(io, lang, fmt.Errorf("ledger copy: %w", err))
	}
	defer release()
	rep, err := ledger.Copy(ctx, src, dst)
	if err != nil {
		return failErr(io, lang, fmt.Errorf("ledger copy: %w", err))
	}
	fmt.Fprintf(io.Out, "copied the ledger of %s\n  from %s\n  to   %s\n", t, src.Path(), dst.Path())
	for _, table := range []string{"runs", "creates", "codes", "existing"} {
		fmt.Fprintf(io.Out, "  %-9s source %7d rows (sum %016x)  copied %7d  already there %7d  now %7d rows (sum %016x)\n", table,
			rep.Source[table].Rows, rep.Source[table].Sum, rep.Added[table], rep.Present[table], rep.After[table].Rows, rep.After[table].Sum)
	}
	fmt.Fprintln(io.Out, "verified: every row of the source is in the copy")
	if rep.TwiceCount > 0 {
		fmt.Fprintf(io.Out, "%d customer(s) were created on both sides before this merge (the same content under two codes): each may exist twice in TMS; check them:\n", rep.TwiceCount)
		for _, tw := range rep.Twice {
			fmt.Fprintf(io.Out, "  %s  %s and %s\n", tw.Name, tw.Code, tw.Other)
		}
	}
	return ExitOK
}

// openCopyEnd opens one end of a copy: the ledger of t at where (a
// postgres:// URL or a folder), read-only or locked for writing; release
// closes it and releases its lock. startOver starts t's ledger in a
// shared one where its company has one under another URL.
func openCopyEnd(ctx context.Context, t ledger.Tenant, where string, readOnly bool, from string, startOver bool) (db *ledger.DB, release func(), err error) {
	if ledger.IsURL(where) {
		db, err = ledger.OpenURL(ctx, where, t, ledger.Options{ReadOnly: readOnly, StartOver: startOver, Holder: ledger.Holder{Input: "(ledger copy from " + from + ")"}})
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	if readOnly {
		if db, err = ledger.Open(ctx, where, t, ledger.Options{ReadOnly: true}); err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	if err := os.MkdirAll(where, 0o700); err != nil {
		return nil, nil, err
	}
	unlock, err := ledger.Lock(ctx, where, t, ledger.Holder{PID: os.Getpid(), Input: "(ledger copy from " + from + ")", Started: time.Now()}, 0)
	if err != nil {
		return nil, nil, err
	}
	if db, err = ledger.Open(ctx, where, t, ledger.Options{}); err != nil {
		unlock()
		return nil, nil, err
	}
	return db, func() { db.Close(); unlock() }, nil
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
