// Command custimport bulk-imports customer lists from CSV and Excel files
// into TMS 獲利王 through its /Cust/Add API. Run `custimport help`.
package main

import (
	"os"

	"github.com/custimport/custimport/cmd/custimport/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.System())) }
