// Package samples holds the sample input files shipped with custimport
// (see README.md) and embeds them, so `custimport demo` works from any
// folder. Regenerate them with `go run ./samples/gen`.
package samples

import "embed"

// FS holds the sample files.
//
//go:embed customers.xlsx customers-big5.csv customers-with-errors.xlsx mapping.yaml
var FS embed.FS
