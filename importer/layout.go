package importer

import (
	"time"

	"github.com/custimport/custimport/importer/results"
)

// summarySheet is the Summary sheet: counts per status, then per error.
func summarySheet(s Summary, msg catalogMessages) [][]results.Cell {
	text := func(v string) results.Cell { return results.Cell{Value: v} }
	num := func(n int) results.Cell { return results.Cell{Value: itoa(n), Numeric: true} }
	rows := [][]results.Cell{{text(msg.t("Status")), text(msg.t("Rows"))}}
	for _, st := range Statuses {
		if n := s.Counts[st]; n > 0 {
			rows = append(rows, []results.Cell{text(string(st)), num(n)})
		}
	}
	rows = append(rows, []results.Cell{text(msg.t("Total")), num(s.Rows)})
	if len(s.Errors) > 0 {
		rows = append(rows, nil, []results.Cell{text(msg.t("Error")), text(msg.t("Rows"))})
		for _, k := range s.ErrorRanking() {
			rows = append(rows, []results.Cell{text(k), num(s.Errors[k])})
		}
	}
	if len(s.Warnings) > 0 {
		rows = append(rows, nil, []results.Cell{text(msg.t("File warnings"))})
		for _, w := range s.Warnings {
			rows = append(rows, []results.Cell{text(w)})
		}
	}
	rows = append(rows, nil,
		[]results.Cell{text(msg.t("Input")), text(s.Input)},
		[]results.Cell{text(msg.t("Mode")), text(map[bool]string{true: msg.t("dry-run (nothing sent)"), false: msg.t("import")}[s.DryRun])},
	)
	if s.Sheet != "" {
		rows = append(rows, []results.Cell{text(msg.t("Sheet")), text(s.Sheet)})
	}
	if s.Existing != nil {
		rows = append(rows, []results.Cell{text(msg.t("Existing customers")), text(msg.existingLine(*s.Existing))})
	}
	rows = append(rows, []results.Cell{text(msg.t("Rows that create a customer")), num(s.WillCreate)})
	if !s.Started.IsZero() {
		rows = append(rows,
			[]results.Cell{text(msg.t("Started")), text(s.Started.Format("2006-01-02 15:04:05"))},
			[]results.Cell{text(msg.t("Duration")), text(s.Duration.Round(time.Second).String())})
	}
	if s.Interrupted {
		rows = append(rows, []results.Cell{text(msg.t("Interrupted")), text(msg.t("yes"))})
	}
	return rows
}
