package source

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZHang(t *testing.T) {
	dir := t.TempDir()
	seed := zipParts(t, dir, "hand.xlsx", handmade(`<workbookPr date1904="1"/>`,
		`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"><v>100</v></c><c r="C2" t="e"><v>#REF!</v></c></row>`,
		`<si><r><t>a</t></r><rPh><t>b</t></rPh></si>`,
		`<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>`)...)
	data, _ := os.ReadFile(seed)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		m := append([]byte(nil), data...)
		for k := 0; k < 1+rng.IntN(4); k++ {
			m[rng.IntN(len(m))] = byte(rng.UintN(256))
		}
		p := filepath.Join(dir, "m.xlsx")
		os.WriteFile(p, m, 0o644)
		done := make(chan struct{})
		go func() {
			defer close(done)
			r, err := Open(p, Options{MaxBytes: 8 << 20})
			if err == nil {
				for {
					if _, err := r.Read(); err != nil {
						break
					}
				}
				r.Close()
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			os.WriteFile("/tmp/hang.xlsx", m, 0o644)
			panic("hang")
		}
	}
}
