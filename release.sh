#!/usr/bin/env bash
# ./release.sh VERSION — build the release archives of the committed HEAD
# into dist/ (README, "Install"):
#   custimport_VERSION_{windows_amd64,windows_arm64}.zip      (custimport.exe)
#   custimport_VERSION_{darwin,linux}_{amd64,arm64}.tar.gz   (custimport)
#   SHA256SUMS                                               (sha256sum -c SHA256SUMS)
# each archive with the binary, README.md, CHANGELOG.md, samples/ and the
# input templates (template.xlsx, template-en.xlsx).
#
# Reproducible: same commit and Go version, same bytes. The binaries are
# built with CGO_ENABLED=0 -trimpath -buildvcs=false -buildid= and stamped
# with the version, the commit and the commit's time (never the build
# time); archive entries are sorted, dated at the commit's time
# (SOURCE_DATE_EPOCH), owned by 0:0 with fixed permissions; gzip stores no
# name or time; zips come from cmd/distzip. Needs git, GNU tar, gzip and
# sha256sum (or shasum).
# RELEASE_DIRTY=1 builds a tree with uncommitted changes (for trying this
# script only: the archives then do not match the commit they name).
set -euo pipefail
cd "$(dirname "$0")"
export LC_ALL=C # byte order for globs and sort

die() { echo "release.sh: $*" >&2; exit 2; }

VERSION=${1:-}
VERSION=${VERSION#v}
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] ||
  die "usage: ./release.sh VERSION   (like 0.3.0 or 0.4.0-rc.1)"
if [ -n "$(git status --porcelain --untracked-files=no)" ] && [ "${RELEASE_DIRTY:-}" != 1 ]; then
  die "uncommitted changes: commit them first (or RELEASE_DIRTY=1 to try the script)"
fi
TAR=tar
if ! tar --version 2>/dev/null | grep -q 'GNU tar'; then
  command -v gtar >/dev/null || die "GNU tar is needed (macOS: brew install gnu-tar)"
  TAR=gtar
fi
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

git show HEAD:CHANGELOG.md | grep -q "^## $VERSION " || die "CHANGELOG.md has no \"## $VERSION\" section"

COMMIT=$(git rev-parse HEAD)
[ -n "$(git status --porcelain --untracked-files=no)" ] && COMMIT="$COMMIT+dirty"
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct HEAD)
export SOURCE_DATE_EPOCH
COMMIT_DATE=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD)
CLI=github.com/custimport/custimport/cmd/custimport/internal/cli
LDFLAGS="-s -w -buildid= -X $CLI.Version=$VERSION -X $CLI.Commit=$COMMIT -X $CLI.CommitDate=$COMMIT_DATE"
TARGETS="windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/amd64 linux/arm64"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build GOOS GOARCH OUT: one reproducible binary.
build() {
  env CGO_ENABLED=0 GOOS="$1" GOARCH="$2" GOAMD64=v1 GOARM64=v8.0 GOFLAGS=-mod=readonly \
    go build -trimpath -buildvcs=false -ldflags "$LDFLAGS" -o "$3" ./cmd/custimport
}

echo "custimport $VERSION, commit $COMMIT ($COMMIT_DATE), $(go version)"
# What every archive holds besides the binary, taken from the commit, not
# from the working tree: README, CHANGELOG, the sample data (not its Go
# code) and the templates written by this very version.
common=$work/common
mkdir -p "$common"
git archive HEAD README.md CHANGELOG.md samples | $TAR -x -C "$common"
find "$common/samples" -name '*.go' -delete
rm -rf "$common/samples/gen"
host=$work/host/custimport
build "$(go env GOHOSTOS)" "$(go env GOHOSTARCH)" "$host"
stamp=$("$host" version)
[ "${stamp%%$'\n'*}" = "custimport $VERSION" ] || die "the built binary does not report version $VERSION: $stamp"
[[ $stamp == *"commit: $COMMIT"* && $stamp == *"date:   $COMMIT_DATE"* ]] ||
  die "the built binary does not report commit $COMMIT of $COMMIT_DATE: $stamp"
(cd "$work" && "$host" template --out "$common/template.xlsx" >/dev/null &&
  "$host" template --lang en --out "$common/template-en.xlsx" >/dev/null)
distzip=$work/distzip
go build -o "$distzip" ./cmd/distzip

rm -rf dist
mkdir dist
for target in $TARGETS; do
  goos=${target%/*} goarch=${target#*/}
  name=custimport_${VERSION}_${goos}_${goarch}
  stage=$work/$name
  cp -R "$common" "$stage"
  exe=custimport
  [ "$goos" = windows ] && exe=custimport.exe
  build "$goos" "$goarch" "$stage/$exe"
  # Fixed permissions: whatever git or excelize gave the files (excelize
  # writes 0755 workbooks), only the binary is executable.
  find "$stage" -type d -exec chmod 0755 {} +
  find "$stage" -type f -exec chmod 0644 {} +
  chmod 0755 "$stage/$exe"
  if [ "$goos" = windows ]; then
    "$distzip" -mtime "$SOURCE_DATE_EPOCH" -o "dist/$name.zip" "$stage"
    echo "dist/$name.zip"
  else
    $TAR --create --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" \
      --owner=0 --group=0 --numeric-owner --mode='u=rwX,go=rX' \
      -C "$stage" $(cd "$stage" && ls -A | sort) | gzip -9 -n >"dist/$name.tar.gz"
    echo "dist/$name.tar.gz"
  fi
done
(cd dist && sha256 custimport_* >SHA256SUMS)
echo "dist/SHA256SUMS"
