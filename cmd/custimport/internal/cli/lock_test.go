package cli

import "github.com/custimport/custimport/cmd/custimport/internal/inbox"

var lockForTest = inbox.Lock
