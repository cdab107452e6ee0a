// Package tms is the client of the TMS 獲利王 customer API (POST /Cust/Add):
// it builds and signs requests, decodes responses and classifies failures
// as retryable, ambiguous (the server may have acted) or business errors.
// It knows nothing of spreadsheets.
package tms
