#!/usr/bin/env bash
# The project's whole test command (README): formatting, vet (also for
# Windows), staticcheck, the race-enabled test suite, and a short run of
# every fuzz target.
# FUZZTIME=60s ./test.sh fuzzes longer; FUZZTIME=0 skips fuzzing; CROSS=0
# skips building the release targets; WINE=1 runs the Windows build of the
# lock tests and the Windows smoke test under Wine (.ci/wine.sh,
# .ci/wine-smoke.sh) outside CI, WINE=0 skips them in CI.
#
# CI's budget for all of .ci/run is 15 minutes on 2 cores. Measured shares
# (a loaded machine, cold caches where CI has them cold):
#   installing chromium (.ci/run, once per machine)       ~1 min
#   installing postgresql (.ci/run, once per machine)     ~20 s
#   gofmt, vet (twice), staticcheck (installed once)       ~1.5 min
#   cross-build, 6 targets (cold: ~1 min per new target)   ~4 min, 20 s warm
#   Windows tests under Wine (.ci/wine.sh: install ~25 s,
#     prefix ~10-35 s, the lock tests of 4 packages ~20 s) ~1.5 min
#   go test -race ./... (the browser test ~10 s of it)      ~3 min
#     the PostgreSQL suites, in it (one throwaway server per
#     test binary, ~7 s to start on a loaded machine):
#     importer/ledger ~15 s, bench/crash TestPGTwoPCsKill9
#     ~55 s, TestPGServerRestart ~20 s, the timeout tests
#     (a 30 s lock timeout among them) ~1 min              ~2.5 min
#   the Windows smoke test under Wine (.ci/wine-smoke.sh:
#     a prefix ~10-35 s, the steps ~45 s)                  ~1 min
#   fuzzing, 36 targets × FUZZTIME (CI: 3 s) + builds      ~3 min
# Fuzzing minimises each new input for 1 s at most: Go's default (60 s)
# spent a whole short run minimising one workbook (FuzzXLSXReader showed a
# handful of executions).
# LibreOffice is not installed by CI (167 s of the budget): the test that
# uses it runs wherever it is installed.
set -euo pipefail
cd "$(dirname "$0")"
STATICCHECK_VERSION=v0.8.2   # pinned: honnef.co/go/tools
FUZZTIME=${FUZZTIME:-10s}

echo "== gofmt"
fmt=$(gofmt -l $(find . -name '*.go' -not -path './.git/*'))
if [ -n "$fmt" ]; then echo "not gofmt-formatted:"; echo "$fmt"; exit 1; fi

echo "== go vet"
go vet ./...
# The nightly users may schedule it on Windows: it must at least build and
# vet there (file locking and key-file checks differ per OS).
echo "== go vet (GOOS=windows)"
GOOS=windows go vet ./...

echo "== staticcheck $STATICCHECK_VERSION"
GOBIN="$(go env GOPATH)/bin"
if ! "$GOBIN/staticcheck" -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
"$GOBIN/staticcheck" ./...

# Every release target must build (release.sh); nothing is run. The flags
# match release.sh so its builds reuse this cache. CROSS=0 skips it.
if [ "${CROSS:-1}" != "0" ]; then
  echo "== cross-build (release targets)"
  for target in windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/amd64 linux/arm64; do
    echo "-- $target"
    CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build -trimpath -o /dev/null ./cmd/custimport
  done
fi

# The Windows build of the lock tests, run under Wine: folder and ledger
# locks and process ids behave differently there (after the cross-build,
# whose cache its builds reuse).
if [ "${WINE:-}" = 1 ] || { [ -n "${CI:-}" ] && [ "${WINE:-}" != 0 ]; }; then
  echo "== Windows tests under Wine (.ci/wine.sh)"
  .ci/wine.sh
else
  echo "== Windows tests under Wine: skipped (runs where CI is set, or with WINE=1)"
fi

echo "== go test -race"
# cmd/custimport/internal/ui TestBrowser drives headless Chromium through the page
# (about 10 s, most of it starting the browser); it skips when no
# chromium is installed, unless CI is set (.ci/run installs it).
# The process-level suites (end-to-end over the built binary, bench/ smoke
# and crash tests, the browser test) run only with this switch: a bare
# `go test ./...` is the fast inner loop of unit tests.
# The shared ledger's suites (importer/ledger TestPG*, bench/crash TestPG*)
# start a throwaway PostgreSQL server (internal/pgtest) where Debian's
# postgresql binaries are installed; they skip without them, and fail
# where CI is set (.ci/run installs them).
if [ -n "${CI:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  echo "-- with PostgreSQL (the shared ledger's suites)"
else
  echo "-- without PostgreSQL: the shared ledger's suites skip (install the postgresql package to run them)"
fi
CUSTIMPORT_PROCESS_TESTS=1 go test -race -count=1 ./...

# The Windows smoke test: custimport.exe under Wine does what a Windows user
# does, against the simulator (.ci/wine-smoke.sh; where the Windows tests
# above run).
if [ "${WINE:-}" = 1 ] || { [ -n "${CI:-}" ] && [ "${WINE:-}" != 0 ]; }; then
  echo "== Windows smoke test under Wine (.ci/wine-smoke.sh)"
  .ci/wine-smoke.sh
fi

if [ "$FUZZTIME" != "0" ]; then
  echo "== fuzz ($FUZZTIME per target)"
  grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
    pkg="./$(dirname "${file#./}")"
    for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
      echo "-- $pkg $target"
      log=$(mktemp)
      ok=0
      for try in 1 2 3; do
        if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=1s "$pkg" >"$log" 2>&1; then ok=1; break; fi
        cat "$log"
        # A finding is written to testdata/fuzz: that is a real failure. Anything
        # else (a fuzz worker lost on a loaded machine, or Go's fuzzer ending
        # with "context deadline exceeded" when its time runs out while it
        # minimises a new input: FuzzFindHeader did so twice in a row in a
        # fresh clone) is tried again, up to three runs in all.
        if grep -q "Failing input written" "$log"; then break; fi
        echo "(the fuzzer stopped without a finding; trying again)"
      done
      if [ "$ok" != 1 ]; then rm -f "$log"; exit 1; fi
      tail -2 "$log"; rm -f "$log"
    done
  done
fi
echo "== all checks passed"
