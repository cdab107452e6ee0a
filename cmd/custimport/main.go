// Command custimport bulk-imports customer lists from CSV and Excel files
// into TMS 獲利王 through its /Cust/Add API. Run `custimport help`.
package main

import (
	"os"

	"github.com/custimport/custimport/cmd/custimport/internal/cli"
)

// stopProfiles ends the profiles a build with -tags profile writes (see
// profile.go); it does nothing otherwise.
var stopProfiles = func() {}

func main() {
	code := cli.Main(os.Args[1:], cli.System())
	stopProfiles()
	os.Exit(code)
}
