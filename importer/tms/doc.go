// Package tms is the client of the TMS 獲利王 customer API (POST /Cust/Add):
// it builds and signs requests (Recipe), sends them (Client.Do), decodes
// responses and classifies every failure as Retryable (the request never
// reached the server), Ambiguous (the server may have acted) or Permanent;
// business errors (Status "E") are answers, not failures. Sender wraps a
// Client with retries that never resend a create that may already exist,
// and AdaptiveLimiter is the rate limit shared by all workers.
// It knows nothing of spreadsheets.
package tms
