package cli

import (
	"context"
	"fmt"
	"os/signal"
	"strings"
	"syscall"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

func runSim(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "sim", "")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `ADDRESS`")
	flagged := settings.Default()
	fs.StringVar(&flagged.PNO, "pno", "", "expected api-pno (env TMS_PNO)")
	fs.StringVar(&flagged.ProNum, "pronum", "", "expected ProNum (env TMS_PRONUM; default: the pno)")
	fs.StringVar(&flagged.SignRecipe, "sign-recipe", flagged.SignRecipe, "signature recipe (env TMS_SIGN_RECIPE)")
	fs.StringVar(&flagged.KeyFile, "key-file", "", "read the key from `FILE` (mode 600); default: env TMS_API_KEY")
	var c tmssim.Config
	fs.StringVar(&c.StatePath, "state", "", "persist the store in this JSON `FILE` across restarts")
	fs.DurationVar(&c.Latency, "latency", 0, "added delay per request")
	fs.DurationVar(&c.Jitter, "jitter", 0, "random ± variation of the latency")
	fs.Float64Var(&c.FailRate, "fail-rate", 0, "probability of HTTP 500 after processing")
	fs.Float64Var(&c.RejectRate, "reject-rate", 0, "probability of HTTP 503 before processing")
	fs.Float64Var(&c.ResetRate, "reset-rate", 0, "probability of dropping the connection after processing")
	fs.Float64Var(&c.RateLimit, "rate-limit", 0, "answer 429 + Retry-After above `N` requests per second")
	fs.DurationVar(&c.AlwaysBusy, "always-busy", 0, "answer every request 429 with this Retry-After (e.g. 24h); nothing is stored")
	fs.Float64Var(&c.RedirectRate, "redirect-rate", 0, "probability of HTTP 303 after processing (stored, then redirected)")
	fs.Float64Var(&c.DuplicateKeyRate, "duplicate-key-rate", 0, "probability of an answer naming Status twice, the second time with the opposite value")
	fs.DurationVar(&c.ClockSkew, "clock-skew", 0, "run the simulator's clock this far off")
	fs.Int64Var(&c.Seed, "seed", 1, "seed of the random faults")
	fs.IntVar(&c.DefaultCwebS, "default-cwebs", 0, "system default of CwebS (基本運費) filled in on add")
	products := fs.String("products", "", "products /Product/QueryList knows: `ICODE[=NAME],...` (default none)")
	verbose := fs.Bool("verbose", false, "log every request")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	// The same settings as import's, from the same flags and environment.
	s, err := loadSettings(fs, "", io.Getenv)
	if err != nil {
		return fail(io, "sim: %v", err)
	}
	if s.PNO == "" {
		return fail(io, "sim: no api-pno: set TMS_PNO or --pno")
	}
	key, err := readKey(s, io.Getenv)
	if err != nil {
		return fail(io, "sim: %v", err)
	}
	recipe, err := tms.ParseRecipe(s.SignRecipe)
	if err != nil {
		return fail(io, "sim: %v", err)
	}
	c.Products = parseProducts(*products)
	log, _ := newLogger(io.Err, "text", "", false, *verbose)
	c.PNO, c.ProNum, c.Key, c.Recipe, c.Logger = s.PNO, s.ProNum, key, recipe, log
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err = tmssim.ListenAndServe(ctx, *addr, c, func(url string) {
		fmt.Fprintf(io.Out, "TMS simulator listening on %s (POST /Cust/Add, POST /Product/QueryList, GET /_sim/customers)\n", url)
	})
	if err != nil {
		return fail(io, "sim: %v", err)
	}
	return ExitOK
}

// parseProducts reads --products: ICODE[=NAME] separated by commas.
func parseProducts(list string) []tmssim.Product {
	var out []tmssim.Product
	for _, p := range strings.Split(list, ",") {
		code, name, _ := strings.Cut(p, "=")
		if code = strings.TrimSpace(code); code != "" {
			out = append(out, tmssim.Product{ICODE: code, INAME: strings.TrimSpace(name)})
		}
	}
	return out
}
