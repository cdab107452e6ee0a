// Package tmssim owns the TMS simulator: an in-process HTTP server that
// answers POST /Cust/Add the way the TMS 獲利王 specification describes it
// (headers, signature, timestamp window, ProNum, field checks, EditItem and
// AutoCCODE semantics, add-time defaults), keeps the customers in a
// thread-safe store (optionally persisted to a JSON file), and injects
// faults (latency, HTTP 500 after processing, HTTP 503 before processing,
// connection resets after processing, HTTP 429 rate limiting or always,
// redirects after processing, answers that name Status twice).
//
// The simulator is "somebody else's server": it reads field facts (length,
// kind, allowed values, add-time defaults) from the mapping catalog, but its
// checks are written here, from the specification, and never call the
// importer's validator.
//
// # Routes
//
//   - POST /Cust/Add — the API (path matched case-insensitively, as IIS does);
//     other methods get 405.
//   - POST /Product/QueryList — the read-only query a connection test
//     sends: {"ICODES": [...]} answered with Status, ErrorCode,
//     ErrorMessage and Data, the products of Config.Products asked for
//     (none by default). The same header, timestamp and signature checks
//     and faults as /Cust/Add; it stores nothing and counts in
//     Stats.Queries, not Stats.Requests.
//   - GET /_sim/customers — the store as a JSON array of Main records, each
//     with its CCODE, sorted by CCODE.
//   - GET /_sim/stats — request counters (see [Stats]).
//   - anything else — 404.
//
// # Order of checks
//
// Headers present (9001) → api-pno (9005) → api-timestamp is a number (9006)
// and within ±300 s of the simulator's clock (9003) → api-ClientSign (9002)
// → body size (HTTP 413, 1016) → JSON and Main (1001) → ProNum (9004) →
// unknown (1009) and duplicated (1015) fields → every sent field in the
// specification's order (1005, 1006, 1007, 1008, 1012, 1013, 1014, 2006) →
// EditItem (1011) → CCODE / AutoCCODE (1010) → existence (1002, 1003) →
// CBELE on add (1004). The first failure is answered; nothing is stored.
// All business answers, errors included, are HTTP 200, as in the
// specification. The codes other than 0000, 2006 and 9003 are the
// simulator's own and are listed in [Codes].
//
// # Decisions where the specification is silent or contradicts itself
//
//   - EditItem is marked M, yet the specification's own add example omits it
//     (with AutoCCODE 1). A missing EditItem is therefore read as 0 (add)
//     when AutoCCODE is 1, and is error 1011 otherwise. Config.StrictEditItem
//     makes it 1011 always.
//   - AutoCCODE 1 needs a blank CCODE and an add (EditItem 0, 2 or missing);
//     otherwise 1010. A blank CCODE without AutoCCODE 1 is 1010 (CCODE is M).
//     Automatic codes are a 6-digit zero-padded sequence ("000001", ...)
//     that skips codes already in the store; the sequence is persisted.
//   - CCODE is trimmed of surrounding spaces and compared exactly (case
//     sensitive).
//   - Int and Bool fields accept JSON numbers and numeric strings ("1"),
//     since many clients send every value as text; they must be whole
//     numbers within 32 bits (1012) and one of the allowed values (1006).
//     Bool (AutoCCODE) also accepts true/false. Decimal fields accept JSON
//     numbers and decimal strings ("12.50"); anything else is 1013. Numeric
//     fields are stored as json.Number text; "" is not a number.
//   - S(n) fields accept JSON strings (and numbers, stored as their text);
//     lengths count characters (runes). null, objects, arrays and booleans
//     are 1014 for every field except AutoCCODE's booleans.
//   - CRDAT, CTCOD and PosPhoneCarrierId may be sent blank ("" means not
//     filled); when filled, CRDAT must be 1-31 (1007), CTCOD 8 digits with
//     the Ministry of Finance checksum (2006, also for a wrong length) and
//     the carrier "/" plus 7 of 0-9 A-Z + - . (1008).
//   - On add, a default applies when a field is absent or a blank string:
//     CNAM2 ← CCODE (cut to CNAM2's 12 characters if the code is longer),
//     CNAM1 ← CNAM2, CwebS ← Config.DefaultCwebS, and the fixed values the
//     catalog lists (Sex 0, C1 1, CTAX1 9, ...). CBELE is required on add
//     (absent → 1004) and may never be sent blank (1004, add or edit). Note
//     that the specification's own add example omits CBELE; the simulator
//     follows the field table and answers it with 1004.
//   - PosBonus only takes effect on add; on an edit it is accepted (and
//     checked) but ignored. EditItem and AutoCCODE are request controls and
//     are not stored.
//   - An edit changes only the fields sent; the others keep their values.
//   - Field names are matched case-insensitively ("CPhone" is CPHONE) and
//     stored under the catalog's spelling; the same field sent twice in two
//     spellings is 1015. The root keys (ProNum, Main) are matched
//     case-insensitively too.
//
// # Faults
//
// Per POST /Cust/Add, in this order: Latency (± uniform Jitter) →
// AlwaysBusy (429 with that Retry-After, every request, nothing stored) →
// RateLimit (429 with Retry-After, nothing stored) → RejectRate (503,
// nothing stored) → processing → ResetRate (the connection is dropped with
// a TCP reset AFTER processing: the change is stored but the client sees a
// connection error — the dangerous case) → FailRate (HTTP 500 AFTER
// processing, the change is stored) → RedirectRate (HTTP 303 AFTER
// processing, stored) → DuplicateKeyRate (the answer names Status twice,
// the second time in lower case with the opposite value). Random
// decisions come from one generator seeded with Config.Seed, so a
// sequential test sees the same faults every run.
package tmssim
