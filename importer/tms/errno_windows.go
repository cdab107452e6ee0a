package tms

import "syscall"

// Windows reports socket errors as WSA codes, which syscall.ECONNREFUSED
// and friends do not match.
var (
	refusedErrnos = []syscall.Errno{syscall.ECONNREFUSED, 10061 /* WSAECONNREFUSED */}
	resetErrnos   = []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.WSAECONNRESET, syscall.WSAECONNABORTED}
)
