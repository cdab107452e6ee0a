package importer

import (
	"github.com/custimport/custimport/importer/internal/row"
)

// item is one data row travelling through the pipeline (row.Item).
type item = row.Item
