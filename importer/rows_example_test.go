package importer_test

import (
	"context"
	"fmt"
	"io"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/source"
)

// crmRows is another program's customers, fed to the importer row by
// row: a header, then one row per customer, each with the row number
// its messages name.
type crmRows struct {
	customers [][]string
	next      int
}

func (c *crmRows) Read() (source.Record, error) {
	if c.next > len(c.customers) {
		return source.Record{}, io.EOF
	}
	cells := []string{"客戶代號", "客戶名稱", "信用額度"}
	if c.next > 0 {
		cells = c.customers[c.next-1]
	}
	c.next++
	return source.Record{Line: c.next, Cells: cells}, nil
}

func (c *crmRows) Close() error { return nil }

// Sheet names where the rows come from in messages; optional.
func (c *crmRows) Sheet() string { return "CRM" }

// Check rows another Go program holds, without a file: Options.Rows
// opens them, and NoResults leaves no results file behind.
func Example_rows() {
	customers := [][]string{{"A001", "台北商行", "50000"}, {"A002", "高雄企業社", "一萬"}, {"A001", "台中行", "100"}}
	job := importer.NewJob(importer.Options{
		Input:     "crm",
		Rows:      func() (source.Reader, error) { return &crmRows{customers: customers}, nil },
		DryRun:    true,
		NoResults: true,
	})
	job.Subscribe(func(ev importer.Event) {
		if ev, ok := ev.(importer.RowChecked); ok {
			fmt.Println("row", ev.Line, ev.Status)
			for _, p := range ev.Problems {
				fmt.Printf("  %s %s %v\n", p.Field, p.Code, p.Args)
			}
		}
	})
	sum, err := job.Run(context.Background())
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("sheet %s: VALID %d INVALID %d, results file %q\n", sum.Sheet, sum.Counts[importer.StatusValid], sum.Counts[importer.StatusInvalid], sum.Output)
	// Output:
	// row 2 VALID
	// row 3 INVALID
	//   CBELE not_decimal [一萬]
	// row 4 INVALID
	//   CCODE duplicate [2 A001]
	// sheet CRM: VALID 1 INVALID 2, results file ""
}
