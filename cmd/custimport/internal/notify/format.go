package notify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/custimport/custimport/importer/msg"
)

// MaxProblems is how many rows that need attention a message quotes.
const MaxProblems = 10

// MaxFiles is how many files a message lists (a chat card has a size
// limit; the folder's summary lists them all).
const MaxFiles = 20

// statusOrder is the order counts are shown in (the summaries').
var statusOrder = []string{"OK", "VALID", "SKIPPED", "INVALID", "FAILED", "UNKNOWN", "NOT_SENT"}

// Subject is the message's one-line title.
func Subject(r Report) string {
	name := baseName(r.Input)
	switch {
	case r.Test:
		return T(r.Lang, SubjectTest)
	case r.Failed():
		return T(r.Lang, SubjectFailed, name, r.ExitCode)
	}
	return T(r.Lang, SubjectDone, name)
}

// Text is the message's body as plain text: what ran, on which computer
// and when, how it ended, the counts, each file and where its results
// are, and the first rows that need attention.
func Text(r Report) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	if r.Test {
		line(T(r.Lang, LineTest))
		line(T(r.Lang, LineHost, r.Host))
		return b.String()
	}
	line(T(r.Lang, LineRan, r.Command, r.Input))
	line(exitLine(r))
	line(T(r.Lang, LineHost, r.Host))
	line(T(r.Lang, LineTime, r.Started.Format("2006-01-02 15:04:05"), r.Finished.Format("15:04:05")))
	line(T(r.Lang, LineCounts, CountsText(r.Counts(), r.Lang)))
	if r.Error != "" {
		line(T(r.Lang, LineError, r.Error))
	}
	if r.Hint != "" {
		line("→ " + r.Hint)
	}
	if len(r.Files) == 0 && r.Error == "" && r.ExitCode == 0 {
		line(T(r.Lang, LineNoFiles))
	}
	if len(r.Files) > 0 {
		line("")
		line(T(r.Lang, LineFiles))
	}
	for i, f := range r.Files {
		if i == MaxFiles {
			line(T(r.Lang, LineMoreFiles, len(r.Files)-MaxFiles))
			break
		}
		line("• " + f.Input + ": " + CountsText(f.Counts, r.Lang))
		if f.Error != "" {
			line("  " + T(r.Lang, LineFileError, f.Error))
		}
		if f.Results != "" {
			line("  " + T(r.Lang, LineResults, f.Results))
		}
		if f.MovedTo != "" {
			line("  " + T(r.Lang, LineMoved, f.MovedTo))
		}
		if f.Stayed != "" {
			line("  " + T(r.Lang, LineStayed, f.Stayed))
		}
	}
	if ps := problems(r); len(ps) > 0 {
		line("")
		line(T(r.Lang, LineFirstErrors))
		for _, p := range ps {
			line("• " + p)
		}
	}
	return b.String()
}

func exitLine(r Report) string {
	switch r.ExitCode {
	case 0:
		return T(r.Lang, LineExit0)
	case 1:
		return T(r.Lang, LineExit1)
	}
	return T(r.Lang, LineExit2)
}

// problems are the first rows that need attention over the files, as
// lines: "file row 5 INVALID 2006 message".
func problems(r Report) []string {
	var out []string
	for _, f := range r.Files {
		for _, p := range f.Problems {
			if len(out) == MaxProblems {
				return out
			}
			s := baseName(f.Input) + " " + T(r.Lang, LineRow, p.Line) + " " + p.Status
			if p.Code != "" {
				s += " " + p.Code
			}
			if p.Message != "" {
				s += ": " + msg.Clip(p.Message, 200)
			}
			out = append(out, s)
		}
	}
	return out
}

// CountsText is counts in the summaries' order: "OK 98 · INVALID 2".
func CountsText(counts map[string]int, lang string) string {
	var parts []string
	seen := map[string]bool{}
	for _, st := range statusOrder {
		seen[st] = true
		if n := counts[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	var other []string
	for st, n := range counts {
		if !seen[st] && n > 0 {
			other = append(other, fmt.Sprintf("%s %d", st, n))
		}
	}
	sort.Strings(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return T(lang, LineNoRows)
	}
	return strings.Join(parts, " · ")
}

// baseName is a path's last element, whichever system's separators it
// uses (a message may be read far from the computer that ran).
func baseName(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Body is the webhook's JSON body in format: the generic one (every
// field, for a script), or what Teams (an Adaptive Card), Slack or
// Google Chat take.
func Body(format string, r Report) ([]byte, error) {
	subject, text := Subject(r), Text(r)
	switch format {
	case FormatTeams:
		return json.Marshal(teamsBody(subject, text))
	case FormatSlack:
		return json.Marshal(map[string]string{"text": "*" + slackEscape(subject) + "*\n" + slackEscape(text)})
	case FormatGoogleChat:
		return json.Marshal(map[string]string{"text": "*" + subject + "*\n" + text})
	case "", FormatGeneric:
		return json.Marshal(genericBody(r, subject, text))
	}
	return nil, fmt.Errorf("notify.format %q: want generic, teams, slack or googlechat", format)
}

// slackEscape escapes the three characters Slack's text reads as markup.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// teamsBody is a message with one Adaptive Card, as Teams' incoming
// webhooks and Workflows ("When a Teams webhook request is received")
// take it.
func teamsBody(subject, text string) any {
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{
			map[string]any{"type": "TextBlock", "text": subject, "weight": "Bolder", "size": "Medium", "wrap": true},
			map[string]any{"type": "TextBlock", "text": teamsText(text), "wrap": true},
		},
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}

// teamsText keeps the body's lines: an Adaptive Card's TextBlock is
// Markdown, which joins lines unless a paragraph break separates them.
func teamsText(text string) string {
	return strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n\n")
}

// generic is the generic webhook body.
type generic struct {
	Source   string         `json:"source"`
	Event    string         `json:"event"`  // import, test
	Status   string         `json:"status"` // failure, success, test
	Title    string         `json:"title"`
	Text     string         `json:"text"`
	Lang     string         `json:"lang"`
	Command  string         `json:"command,omitempty"`
	Input    string         `json:"input,omitempty"`
	Host     string         `json:"host"`
	Started  string         `json:"started,omitempty"`
	Finished string         `json:"finished,omitempty"`
	ExitCode int            `json:"exit_code"`
	Error    string         `json:"error,omitempty"`
	Counts   map[string]int `json:"counts"`
	Files    []genericFile  `json:"files"`
}

type genericFile struct {
	Input    string         `json:"input"`
	Results  string         `json:"results,omitempty"`
	MovedTo  string         `json:"moved_to,omitempty"`
	Stayed   string         `json:"stayed,omitempty"`
	Rows     int            `json:"rows"`
	Counts   map[string]int `json:"counts"`
	ExitCode int            `json:"exit_code"`
	Error    string         `json:"error,omitempty"`
	Problems []Problem      `json:"problems,omitempty"`
}

func genericBody(r Report, subject, text string) generic {
	g := generic{Source: "custimport", Event: r.Command, Status: "success", Title: subject, Text: text, Lang: langOf(r.Lang),
		Input: r.Input, Command: r.Command, Host: r.Host, ExitCode: r.ExitCode, Error: r.Error, Counts: r.Counts(), Files: []genericFile{}}
	switch {
	case r.Test:
		g.Event, g.Status = "test", "test"
	case r.Failed():
		g.Status = "failure"
	}
	if !r.Started.IsZero() {
		g.Started, g.Finished = r.Started.Format("2006-01-02T15:04:05Z07:00"), r.Finished.Format("2006-01-02T15:04:05Z07:00")
	}
	for _, f := range r.Files {
		counts := f.Counts
		if counts == nil {
			counts = map[string]int{}
		}
		g.Files = append(g.Files, genericFile{Input: f.Input, Results: f.Results, MovedTo: f.MovedTo, Stayed: f.Stayed,
			Rows: f.Rows, Counts: counts, ExitCode: f.ExitCode, Error: f.Error, Problems: f.Problems})
	}
	return g
}

func langOf(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "zh"
}
