package cli

import "github.com/custimport/custimport/importer"

var lockForTest = importer.Lock
