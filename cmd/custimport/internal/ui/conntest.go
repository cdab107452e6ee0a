package ui

import (
	"context"
	"net/http"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
)

// connTest is the last connection test of the page (「測試連線」): its
// verdict, for the settings it was made with.
type connTest struct {
	verdict probe.Verdict
	conn    connect.Settings // the settings tested (a change clears the test)
}

// connTestView is #conn-test.
type connTestView struct {
	Shown  bool
	Class  string   // ok, warn or err
	Code   string   // the verdict's code
	Lines  []string // the verdict, what to check, the clock
	Recipe string   // a recipe TMS accepts that is not the one set: 「套用」
	Use    string   // the words before it
}

// connTestView renders the last test, if it is of the current settings;
// ss.mu is held.
func (ss *session) connTestView() connTestView {
	ct := ss.connTest
	if ct == nil || !sameConn(ct.conn, ss.conn) {
		return connTestView{}
	}
	v := ct.verdict
	lang := ss.lang
	cv := connTestView{Shown: true, Code: string(v.Code), Lines: verdictLines(lang, v)}
	switch {
	case v.Action() == probe.Proceed:
		cv.Class = "ok"
	case v.Action() == probe.Warn, v.Code == probe.RecipeFound: // the fix is one click away
		cv.Class = "warn"
	default:
		cv.Class = "err"
	}
	if v.Code == probe.RecipeFound {
		cv.Recipe, cv.Use = v.Recipe, probe.Line("recipe.line", lang, 0)
	}
	return cv
}

// verdictLines are a connection test's verdict in lang: the verdict, what
// to check, the clock; no command-line option.
func verdictLines(lang string, v probe.Verdict) []string {
	lines := []string{v.Text(lang)}
	if !v.OK() {
		if l := v.CheckLine(lang, func(s probe.Setting) string { return probe.SettingName(s, lang) }); l != "" {
			lines = append(lines, l)
		}
	}
	switch v.Code {
	case probe.NoRecipe:
		lines = append(lines, probe.Line("ask_vendor", lang, 0))
	case probe.Signature: // the search is 「測試連線」's
		lines = append(lines, text(lang, "trySearch"))
	}
	if v.Clock.Known || v.Code == probe.Clock {
		lines = append(lines, v.Clock.Text(lang))
	}
	return lines
}

// sameConn reports whether two settings reach TMS the same way.
func sameConn(a, b connect.Settings) bool {
	return a.URL == b.URL && a.PNO == b.PNO && a.ProNum == b.ProNum && normRecipe(a.SignRecipe) == normRecipe(b.SignRecipe) && a.Key == b.Key
}

// testConnection takes the connection form like settings does, then
// sends the read-only test request (and, when TMS refuses the signature,
// tries the known recipes) without holding the session: the page stays
// usable meanwhile. Nothing is sent to /Cust/Add.
func (ss *session) testConnection(w http.ResponseWriter, r *http.Request) {
	if !ss.lockFresh(w, r) {
		return
	}
	if ss.importing() {
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		ss.mu.Unlock()
		return
	}
	ss.takeConnForm(r)
	conn := ss.conn
	problem := ss.connProblem()
	if problem != "" {
		ss.render(w, http.StatusOK, "sections", problem, "")
		ss.mu.Unlock()
		return
	}
	ss.mu.Unlock()

	v := runConnTest(r.Context(), conn)

	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.connTest = &connTest{verdict: v, conn: conn}
	ss.render(w, http.StatusOK, "sections", "", "")
}

// applyRecipe sets the recipe a test found and tests again.
func (ss *session) applyRecipe(w http.ResponseWriter, r *http.Request) {
	recipe, err := tms.ParseRecipe(r.PostFormValue("recipe"))
	if !ss.lockFresh(w, r) {
		return
	}
	switch {
	case ss.importing():
		ss.render(w, http.StatusConflict, "sections", ss.t("busy"), "")
		ss.mu.Unlock()
		return
	case err != nil || strings.TrimSpace(r.PostFormValue("recipe")) == "":
		ss.render(w, http.StatusBadRequest, "sections", ss.t("badRecipe"), "")
		ss.mu.Unlock()
		return
	}
	ss.conn.SignRecipe = recipe.String()
	conn := ss.conn
	ss.mu.Unlock()

	v := runConnTest(r.Context(), conn)

	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.connTest = &connTest{verdict: v, conn: conn}
	ss.render(w, http.StatusOK, "sections", "", ss.t("recipeApplied", recipe.String()))
}

// runConnTest is the test of conn: one request, and the recipe search
// when TMS refuses the signature.
func runConnTest(ctx context.Context, conn connect.Settings) probe.Verdict {
	c, err := conn.Client()
	if err != nil {
		return probe.Verdict{Code: probe.Failed, URL: tms.RedactURL(conn.URL), Err: err}
	}
	o := conn.CheckOptions(1)
	v := probe.Check(ctx, c, o)
	if v.Code == probe.Signature {
		v = probe.FindRecipe(ctx, c, o, v)
	}
	return v
}

// checkConn is the one request of runConnTest, without the search.
func checkConn(ctx context.Context, conn connect.Settings) probe.Verdict {
	c, err := conn.Client()
	if err != nil {
		return probe.Verdict{Code: probe.Failed, URL: tms.RedactURL(conn.URL), Err: err}
	}
	return conn.Precheck(ctx, c, 1)
}
