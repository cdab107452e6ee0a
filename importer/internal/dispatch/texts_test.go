package dispatch

import "github.com/custimport/custimport/importer/ledger"

// texts names each message by its method: the tests check statuses and
// codes, not words.
type texts struct{}

func (texts) Lang() string                                   { return "en" }
func (texts) Why(err error) string                           { return "why" }
func (texts) NotSent(err error) string                       { return "not sent" }
func (texts) Interrupted() string                            { return "interrupted" }
func (texts) Aborted() string                                { return "aborted" }
func (texts) Unknown(err error) string                       { return "unknown" }
func (texts) Failure(err error, attempts int) string         { return "failure" }
func (texts) ServerError(code string) string                 { return "server error " + code }
func (texts) CreatedWithoutCode() string                     { return "created without code" }
func (texts) OtherCode(sent, got string) string              { return "other code" }
func (texts) ExistsAfterMaybe(code, server string) string    { return "exists after maybe" }
func (texts) SameCodeEarlier(string, []ledger.Create) string { return "same code earlier" }
