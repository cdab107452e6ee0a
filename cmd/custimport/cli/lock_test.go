package cli

import "github.com/custimport/custimport/importer/inbox"

var lockForTest = inbox.Lock
