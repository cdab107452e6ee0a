package importer

import (
	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/mapping"
)

// item is one data row travelling through the pipeline (row.Item).
type item = row.Item

// decideRow is what the ledger's rules need of a prepared, valid row.
func decideRow(it *item, lineage string) decide.Row {
	text := it.PayloadText
	return decide.Row{Seq: it.Seq, Line: it.Rec.Line, Code: it.Outcome.Code, Fingerprint: it.FP,
		TaxID: decide.NormTaxID(text(mapping.CTCOD)), Name: decide.NormName(text(mapping.CNAM1)),
		ShortName: decide.NormName(text(mapping.CNAM2)), Lineage: lineage}
}
