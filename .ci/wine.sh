#!/usr/bin/env bash
# Runs the Windows build of custimport's tests under Wine, so that what
# only Windows does (LockFileEx, process ids reused at once) stays tested
# on a Linux CI machine. test.sh calls it where CI is set or WINE=1.
#
#   .ci/wine.sh              set up Wine, run the lock packages' tests
#   . .ci/wine.sh            (sourced) define the functions only:
#     wine_setup             install Wine and MinGW (once), build the shim,
#                            make a Wine prefix in a temporary folder
#     wine_test PKG [ARGS]   cross-compile PKG's tests and run them
#     wine_exe EXE [ARGS]    run a Windows program (say, a smoke test of
#                            the whole custimport.exe)
#
# Go 1.22+ programs need bcryptprimitives.dll, which Debian 12's Wine 8.0
# lacks: the shim and the scripts that build and install it are in
# ../shared/wine (WINE_SHIM_DIR), read-only; everything made here goes to
# a temporary folder, removed at exit. Wine 8.0 cannot remove a folder
# that holds files (os.RemoveAll): tests run here use
# internal/testdir instead of t.TempDir for the folders they fill.
# WINE_TIMEOUT (seconds, default 300) bounds each program.
set -euo pipefail

WINE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WINE_SHIM_DIR=${WINE_SHIM_DIR:-$WINE_REPO/../shared/wine}
WINE_TMP=

# The tests run under Wine, as PACKAGE or PACKAGE=RUN-PATTERN: the locks
# (a file inside the folder, the ledger's lock file, what the lock file
# records of the ledger) and the process marks of temp files. A test run
# here must make its folders with internal/testdir, not t.TempDir (see
# above): hence patterns for the packages whose other tests do not.
WINE_TEST_PKGS=(
  ./internal/filelock
  ./importer/internal/process
  './cmd/custimport/internal/inbox=^(TestLock|TestRunWhereTheLockFileCannotBeMade)$'
  './importer/ledger=^(TestLock.*|TestOpenLost|TestOpenAfterNoLedgerWasMade|TestMove|TestOpenRefuses|TestReopen)$'
)

wine_log() { printf '%s\n' "$*" >&2; }

# wine_install installs Wine and the MinGW compiler unless they are there.
wine_install() {
  if command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 &&
     { command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ]; }; then
    return
  fi
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  wine_log "-- installing wine64, wine, gcc-mingw-w64-x86-64"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    wine64 wine gcc-mingw-w64-x86-64 >/dev/null
}

wine_setup() {
  [ -x "$WINE_SHIM_DIR/run.sh" ] || { wine_log "wine.sh: no $WINE_SHIM_DIR/run.sh (set WINE_SHIM_DIR)"; return 1; }
  wine_install
  WINE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/custimport-wine.XXXXXX")
  trap wine_cleanup EXIT
  "$WINE_SHIM_DIR/build-shim.sh" "$WINE_TMP/shim" >/dev/null
  export WINEPREFIX=$WINE_TMP/prefix SHIM_DLL=$WINE_TMP/shim/bcryptprimitives.dll
  export WINEDEBUG=-all LANG=C.UTF-8
  mkdir -p "$WINE_TMP/bin"
  # One wineserver for every program (a start is ~0.2 s instead of ~2 s).
  wine_exe cmd /c exit >/dev/null 2>&1 || true
  "$(wine_server)" -p60 || true
}

wine_server() { command -v wineserver 2>/dev/null || echo /usr/lib/wine/wineserver; }

wine_cleanup() {
  if [ -n "$WINE_TMP" ]; then
    WINEPREFIX=$WINE_TMP/prefix "$(wine_server)" -k 2>/dev/null || true
    rm -rf "$WINE_TMP"
    WINE_TMP=
  fi
}

# wine_exe runs a Windows program under Wine with the shim.
wine_exe() {
  timeout "${WINE_TIMEOUT:-300}" "$WINE_SHIM_DIR/run.sh" "$@"
}

# wine_test cross-compiles a package's tests (with the flags of test.sh's
# cross-build, whose cache it reuses) and runs them.
wine_test() {
  local pkg=$1; shift
  local exe
  exe=$WINE_TMP/bin/$(basename "$pkg").test.exe
  CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -c -trimpath -o "$exe" "$pkg"
  local start=$SECONDS
  if wine_exe "$exe" -test.count=1 "$@"; then
    wine_log "ok   $pkg (windows/amd64 under Wine, $((SECONDS - start)) s)"
  else
    wine_log "FAIL $pkg (windows/amd64 under Wine)"
    return 1
  fi
}

wine_main() {
  cd "$WINE_REPO"
  wine_setup
  local failed=0
  local entry
  for entry in "${WINE_TEST_PKGS[@]}"; do
    if [[ $entry == *=* ]]; then
      wine_test "${entry%%=*}" -test.run "${entry#*=}" || failed=1
    else
      wine_test "$entry" || failed=1
    fi
  done
  return "$failed"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  wine_main "$@"
fi
