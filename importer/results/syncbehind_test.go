package results

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A large results file is synced to disk while its rows are written (so
// the sync before it is renamed into place waits for the last part
// only), and reads back whole, whether it is committed or aborted.
func TestCSVFileSyncsBehind(t *testing.T) {
	defer func(n int64) { syncEvery = n }(syncEvery)
	syncEvery = 1 << 10
	for _, tc := range []struct {
		name  string
		abort bool
	}{{"close", false}, {"abort", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			w, err := Create(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			cw := w.(*CSVWriter)
			var want strings.Builder
			want.WriteString("\ufeffa,b\r\n")
			if err := w.WriteHeader([]string{"a", "b"}); err != nil {
				t.Fatal(err)
			}
			for i := range 20_000 {
				if err := w.WriteRow([]Cell{{Value: fmt.Sprint("C", i)}, {Value: "客戶, 甲"}}); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&want, "C%d,\"客戶, 甲\"\r\n", i)
			}
			if tc.abort {
				if err := w.Abort(); err != nil {
					t.Fatal(err)
				}
				if got := dirNames(t, dir); len(got) != 0 {
					t.Errorf("dir holds %q after Abort", got)
				}
			} else {
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != want.String() {
					t.Errorf("the file differs from what was written (%d bytes, want %d)", len(b), want.Len())
				}
			}
			if cw.sync.syncs == 0 {
				t.Errorf("no sync started while %d bytes were written", want.Len())
			}
			select {
			case <-cw.sync.busy:
			default:
				t.Error("a sync still runs after the writer ended")
			}
		})
	}
}
