package probe

import (
	"context"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

// NoSuchProduct is the product code a connection test asks for: one no
// TMS has, so the answer is an empty list (or TMS's "not found").
const NoSuchProduct = "__custimport_check__"

// Defaults of Options.
const (
	// DefaultPace is the wait between FindRecipe's requests: a gentle
	// rate for a production TMS.
	DefaultPace      = 500 * time.Millisecond
	DefaultBaseDelay = 250 * time.Millisecond
	maxDelay         = 30 * time.Second
	// busyAttempts is how often FindRecipe asks a busy TMS about one
	// recipe before it gives up.
	busyAttempts = 3
)

// Options configure Check and FindRecipe; zero fields take defaults.
type Options struct {
	// URL is the TMS base URL as set; verdicts show it redacted, with the
	// query's path.
	URL string
	// Recipe is the recipe the settings name (the client's): FindRecipe
	// does not try it again, and verdicts name it.
	Recipe tms.Recipe
	// Attempts is how many requests Check sends at most while the answer
	// is a transient failure (no connection, timeout, reset, HTTP 5xx,
	// busy); default 1.
	Attempts int
	// BaseDelay is the wait before the second attempt, doubling after
	// (default DefaultBaseDelay, at most 30 s).
	BaseDelay time.Duration
	// MaxRetryWait bounds the wait a busy TMS asks for (Retry-After);
	// default tms.DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// Pace is the wait before each of FindRecipe's requests (default
	// DefaultPace).
	Pace time.Duration
	// Presets are the recipes FindRecipe tries (default tms.Presets).
	Presets []tms.Preset
	// Sleep waits d or until ctx ends; nil waits for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Trying, when set, is told of each recipe FindRecipe is about to
	// send (i counts from 1 to n).
	Trying func(i, n int, r tms.Recipe)
}

func (o Options) withDefaults() Options {
	if o.Attempts < 1 {
		o.Attempts = 1
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxRetryWait <= 0 {
		o.MaxRetryWait = tms.DefaultMaxRetryWait
	}
	if o.Pace <= 0 {
		o.Pace = DefaultPace
	}
	if o.Presets == nil {
		o.Presets = tms.Presets
	}
	if o.Recipe == (tms.Recipe{}) {
		o.Recipe = tms.DefaultRecipe
	}
	if o.Sleep == nil {
		o.Sleep = tms.Sleep
	}
	return o
}

// shownURL is the query's URL for verdicts, redacted.
func (o Options) shownURL() string {
	return tms.RedactURL(strings.TrimRight(strings.TrimSpace(o.URL), "/") + tms.ProductQuery.Path)
}

// Check sends the read-only request signed with the client's settings
// and returns the verdict; transient failures are retried up to
// o.Attempts requests in all. When TMS refuses the timestamp and tells
// its time (Date), the request is sent once more signed from TMS's
// clock, to tell a wrong clock alone (ClockOff) from a clock and
// something else (that verdict, with ClockRefused set).
func Check(ctx context.Context, c *tms.Client, o Options) Verdict {
	o = o.withDefaults()
	v := o.retrying(ctx, c, tms.Query{}, o.Attempts)
	if v.Code == Clock && v.Clock.Known {
		again := o.retrying(ctx, c, tms.Query{Offset: v.Clock.Offset}, o.Attempts)
		again.Attempts += v.Attempts
		switch again.Code {
		case Accepted:
			v.Code, v.Settings, v.Attempts = ClockOff, settingsOf(ClockOff), again.Attempts
		case Clock:
			v.Attempts = again.Attempts
		default:
			again.Clock, again.ClockRefused = v.Clock, true
			v = again
		}
	}
	v.Current = o.Recipe.String()
	if v.Code == Accepted || v.Code == ClockOff {
		v.Recipe = v.Current
	}
	return v
}

// FindRecipe tries the known recipes, one request at a time, o.Pace
// apart, after Check found the signature refused (from; any other
// verdict is returned as it is). It returns RecipeFound with the first
// recipe TMS accepts, NoRecipe when it accepts none, or the verdict that
// stopped the search (TMS unreachable or busy).
func FindRecipe(ctx context.Context, c *tms.Client, o Options, from Verdict) Verdict {
	if from.Code != Signature {
		return from
	}
	o = o.withDefaults()
	var offset time.Duration
	if from.ClockRefused {
		offset = from.Clock.Offset
	}
	var tries []tms.Recipe
	for _, p := range o.Presets {
		if p.Recipe != o.Recipe {
			tries = append(tries, p.Recipe)
		}
	}
	attempts := from.Attempts
	for i, r := range tries {
		if err := o.Sleep(ctx, o.Pace); err != nil {
			return Verdict{Code: Cancelled, URL: from.URL, Err: err, Attempts: attempts, Tried: i}
		}
		if o.Trying != nil {
			o.Trying(i+1, len(tries), r)
		}
		v := o.retrying(ctx, c, tms.Query{Recipe: r, Offset: offset}, max(o.Attempts, busyAttempts))
		attempts += v.Attempts
		v.Attempts, v.Tried, v.Current = attempts, i+1, o.Recipe.String()
		v.Clock, v.ClockRefused = from.Clock, from.ClockRefused
		switch v.Code {
		case Accepted:
			v.Code, v.Settings, v.Recipe = RecipeFound, settingsOf(RecipeFound), r.String()
			return v
		case Signature:
			continue
		}
		return v
	}
	return Verdict{Code: NoRecipe, Settings: settingsOf(NoRecipe), URL: from.URL, TMSCode: from.TMSCode, TMSMessage: from.TMSMessage,
		Clock: from.Clock, ClockRefused: from.ClockRefused, Tried: len(tries), Attempts: attempts, Current: o.Recipe.String()}
}

// retrying sends q until the verdict is not a transient failure, at most
// attempts requests, waiting between them as a send does.
func (o Options) retrying(ctx context.Context, c *tms.Client, q tms.Query, attempts int) Verdict {
	q.Codes = []string{NoSuchProduct}
	for n := 1; ; n++ {
		ans, err := c.QueryProducts(ctx, q)
		v := Classify(o.shownURL(), ans, err)
		v.Attempts = n
		if n >= attempts || !v.transient() {
			return v
		}
		if err := o.Sleep(ctx, o.delay(n, v)); err != nil {
			return v
		}
	}
}

// delay is the wait after the n-th attempt: exponential, at least what a
// busy server asked for (up to MaxRetryWait).
func (o Options) delay(n int, v Verdict) time.Duration {
	d := o.BaseDelay << min(n-1, 16)
	d = min(d, maxDelay)
	if v.Code == Busy && v.RetryAfter > 0 {
		d = max(d, min(v.RetryAfter, o.MaxRetryWait))
	}
	return d
}

// transient reports whether the verdict may change by asking again.
func (v Verdict) transient() bool {
	switch v.Code {
	case Connect, DNS, Timeout, Reset, Busy:
		return true
	case HTTPStatus:
		return v.HTTPStatus >= 500
	}
	return false
}

// Action is what a run that is about to send does with a verdict.
type Action int

// Actions.
const (
	// Proceed: TMS accepted the settings; send.
	Proceed Action = iota
	// Warn: the verdict cannot tell the settings wrong (TMS busy, no
	// read-only endpoint, an answer in another format) or only the clock
	// is off, which the send path corrects from TMS's Date: send, and
	// warn; the send path's own retries and stops apply.
	Warn
	// Stop: TMS refused the settings, or is unreachable: send nothing.
	Stop
)

// String returns "proceed", "warn" or "stop".
func (a Action) String() string {
	return [...]string{"proceed", "warn", "stop"}[a]
}

// Action decides what a run does before its first row.
func (v Verdict) Action() Action {
	switch v.Code {
	case Accepted:
		return Proceed
	case ClockOff, Busy, NotFound, BadAnswer:
		return Warn
	case HTTPStatus:
		if v.HTTPStatus == 401 || v.HTTPStatus == 403 || v.HTTPStatus >= 500 {
			return Stop
		}
		return Warn
	}
	return Stop
}
