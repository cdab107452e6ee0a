package pgtest

import (
	"net"
	"sync"
	"testing"
)

// Silent returns the address of a listener on loopback that accepts
// connections and never says anything on them (a server behind a
// firewall that drops what comes back, a hung host): what the ledger's
// connect timeout is for. It stops when the test ends.
func Silent(t testing.TB) net.Addr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr()
}
