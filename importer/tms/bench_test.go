package tms

import (
	"context"
	"testing"
)

// BenchmarkAddCustomer measures one signed request and its decoding against a
// loopback server: the client's own overhead per row.
func BenchmarkAddCustomer(b *testing.B) {
	srv, _ := newServer(b, DefaultRecipe, respond(200, nil, okBody))
	c, err := New(Config{BaseURL: srv.URL + "/api", PNO: testPNO, Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	main := Main{"CCODE": "C001", "CNAM1": "王小明", "CADD1": "台中市XX路XXX號", "EditItem": "2"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.AddCustomer(context.Background(), main); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeResponse(b *testing.B) {
	body := []byte(okBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeResponse(body, noRedact); err != nil {
			b.Fatal(err)
		}
	}
}
