// Package crash owns the crash tests of custimport: they run the real
// binary against a `custimport sim` process, kill -9 imports at random
// moments, resume them from their journal, and check from the simulator's
// store and the results file that no customer was created twice, no row was
// lost, and the only rows left unsettled are UNKNOWN creates (at most one
// per worker per crash).
//
// The package has no code of its own; everything is in its tests, which
// build the binary once. The long test is skipped under -short.
package crash
