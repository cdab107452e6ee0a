// Package results writes the results sheet of an import run: one row per
// input row with the caller's status and message columns, plus an optional
// summary.
//
// The package owns the output formats only. It knows nothing of TMS fields
// or HTTP: the caller hands it rows of [Cell] values that carry a value, a
// "this column is numeric" flag and an optional problem text.
//
// Two formats are supported, picked by [Create] from the file extension:
//
//   - CSV ([CSVWriter]): UTF-8 with a byte order mark and CRLF line ends so
//     Excel opens it correctly, quoting by encoding/csv, and protection
//     against formula injection (text starting with = + - @ TAB or CR is
//     prefixed with a single quote). Problems and the summary are not
//     representable in CSV and are ignored.
//   - XLSX ([XLSXWriter]): streamed with excelize's StreamWriter so memory
//     does not grow with the row count; frozen bold header with an
//     autofilter, numeric cells as numbers, every other value as a string
//     cell (never a formula), problem cells filled red with the problem
//     text as a cell comment, and an optional "Summary" sheet.
//
// Comments cannot be added to a streamed sheet without loading it back into
// memory, so the XLSX writer spools them to temporary files while rows are
// streamed and, on Close, makes one streaming pass over the finished zip
// that puts the full comments part and its VML drawing in place and fixes
// the sheet's dimension element (see postprocess.go).
//
// Every writer created by [Create] writes to a temporary file in the
// destination folder; the file appears at its path only when Close
// succeeds. Abort (or a failed Close) removes all temporary files.
package results
