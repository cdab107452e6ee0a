package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/custimport/custimport/importer"
)

// Check a small file without sending anything, and print what the job
// tells its subscriber: each row's check, and the counts at the end.
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "customers.csv")
	os.WriteFile(in, []byte("客戶代號,客戶名稱,信用額度,結帳日期\nA001,台北商行,50000,25\nA002,高雄企業社,10000,32\n"), 0o644)

	job := importer.NewJob(importer.Options{Input: in, DryRun: true})
	job.Subscribe(func(ev importer.Event) {
		switch ev := ev.(type) {
		case importer.RowChecked:
			fmt.Println("row", ev.Line, ev.Status)
			for _, p := range ev.Problems {
				fmt.Printf("  %s (column %d): %s\n", p.Field, p.Column, p.Message)
			}
		case importer.Finished:
			fmt.Println("VALID", ev.Summary.Counts[importer.StatusValid], "INVALID", ev.Summary.Counts[importer.StatusInvalid])
		}
	})
	if _, err := job.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// row 2 VALID
	// row 3 INVALID
	//   CRDAT (column 3): CRDAT 結帳日期: 須為 1-31,實際為「32」
	// VALID 1 INVALID 1
}
