package importer

import (
	"context"
	"os"
	"testing"
)

func BenchmarkZZProf(b *testing.B) {
	in := os.Getenv("ZZIN")
	out := b.TempDir() + "/out.csv"
	for i := 0; i < b.N; i++ {
		sum, err := Run(context.Background(), Options{Input: in, Out: out, DryRun: true})
		if err != nil {
			b.Fatal(err, sum)
		}
	}
}
