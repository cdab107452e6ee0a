package tmssim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/custimport/custimport/importer/tms"
)

const benchMain = `{"CCODE":"%s","EditItem":0,"CBELE":"5000","CNAM1":"王小明企業有限公司","CNAM2":"王小明","CADD1":"台中市XX路XXX號","CTELE":"04-24222299","CPhone":"0933555666","CTCOD":"22099131","EMAIL":"a@example.com","CRDAT":"25"}`

// BenchmarkAdd measures one signed add through ServeHTTP (no network).
func BenchmarkAdd(b *testing.B) {
	s := newSim(b, nil)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := signed(tms.Recipe{}, testKey, testNow, body(fmt.Sprintf(benchMain, fmt.Sprint("B", i))))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
}

// BenchmarkAddParallel measures adds from many goroutines (one store lock).
func BenchmarkAddParallel(b *testing.B) {
	s := newSim(b, nil)
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := signed(tms.Recipe{}, testKey, testNow, body(fmt.Sprintf(benchMain, fmt.Sprint("P", n.Add(1)))))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("HTTP %d", rec.Code)
			}
		}
	})
}

// BenchmarkAddHTTP measures a signed add over a real loopback connection.
func BenchmarkAddHTTP(b *testing.B) {
	s := newSim(b, nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	client := ts.Client()
	i := 0
	for b.Loop() {
		i++
		req := signed(tms.Recipe{}, testKey, testNow, body(fmt.Sprintf(benchMain, fmt.Sprint("H", i))))
		out, _ := http.NewRequest(http.MethodPost, ts.URL+"/Cust/Add", req.Body)
		out.Header = req.Header
		resp, err := client.Do(out)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) // drained, so the connection is reused
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("HTTP %d", resp.StatusCode)
		}
	}
}
