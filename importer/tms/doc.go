// Package tms is the client of the TMS 獲利王 customer API (POST /Cust/Add).
// It knows nothing of spreadsheets.
//
// Client builds and signs requests (Recipe): Client.Do is the general
// signed POST of a JSON body to BaseURL + path, and Client.AddCustomer the
// /Cust/Add request built on it. Client.QueryProducts is the read-only
// /Product/QueryList a connection test sends, once, signed with any
// recipe (Presets are the known ones) and clock offset. A Tracer given in
// Config records every request and answer, the key and signature redacted. Answers are decoded; business errors
// (Status "E") are answers, not failures. Every failure is an *Error of one
// Class: Retryable (the request never reached the server), Ambiguous (the
// server may have acted) or Permanent. Whether an Ambiguous failure may
// have created something depends on the Endpoint (MayHaveApplied).
// Kind sorts any failure into a FailureKind for messages to the user,
// which name the kind and never quote Go or HTTP error text.
//
// Sender wraps a Client with retries that never resend a create that may
// already exist, and AdaptiveLimiter is the rate limit (Throttle) shared by
// all workers. Sending a row is explicit, with no hooks hidden in the
// context:
//
//	if err := sender.Ready(ctx); err != nil { ... } // wait for the rate limit
//	claim(row)                                      // e.g. record it in the ledger
//	out := sender.Send(ctx, tms.Request{Main: main, Idempotent: idempotent, Stop: stop}) // first request at once
//
// Send's first request is made at once (Ready already waited); each retry
// waits for the backoff and the Throttle. Closing stop makes Send start no
// new request and end its waits with ErrStopped; a request in flight
// finishes, and only the end of ctx aborts it.
package tms
