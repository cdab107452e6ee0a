// Package crash owns the crash tests of custimport: they run the real
// binary against a `custimport sim` process, kill -9 imports at random
// moments, resume them with the same command and the same state folder
// (the TMS tenant's SQLite ledger), and check from the simulator's store,
// the results file and the ledger (read through a read-only SQLite
// connection of the tests' own) that no customer was created twice, no row
// was lost, and the only rows left unsettled are UNKNOWN creates whose
// claim the ledger shows in flight (at most one per worker per crash). A
// further test cuts the ledger's WAL half-way through a frame after a kill
// (a torn write) and checks that the ledger still opens and no create is
// sent again.
//
// The package has no code of its own; everything is in its tests, which
// build the binary once. The long test is skipped under -short.
package crash
