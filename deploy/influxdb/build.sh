#!/usr/bin/env bash
# Builds InfluxDB OSS 1.8.3 (the release the Helm chart and compose deploy) from the Go module proxy as
# pure Go, into ~/.cache/racetel/influxdb-1.8.3/influxd, and prints the binary's path (last line of stdout).
# Cached by version: a second run does nothing. About 2 minutes cold on 2 cores.
set -euo pipefail
VERSION=1.8.3   # keep equal to influxdb.image.tag in the chart and the influxdb image in compose.yaml

command -v go >/dev/null || { echo "influxdb: 'go' is not installed (needed to build InfluxDB $VERSION)" >&2; exit 1; }
cache="${RACETEL_CACHE_DIR:-$HOME/.cache/racetel}"
out="$cache/influxdb-$VERSION"
bin="$out/influxd"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$cache"
# Parallel test files may ask at once: one builds, the others wait and reuse it.
exec 9>"$cache/influxdb-build.lock"
flock 9
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
work=$(mktemp -d "$cache/influxdb-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "influxdb: go install github.com/influxdata/influxdb/cmd/influxd@v$VERSION (about 2 minutes on a cold Go cache)" >&2
started=$(date +%s)
GOBIN="$work" GOFLAGS=-mod=mod go install -ldflags "-X main.version=$VERSION" "github.com/influxdata/influxdb/cmd/influxd@v$VERSION" >&2
mkdir -p "$out"
mv "$work/influxd" "$bin"
echo "influxdb: built in $(( $(date +%s) - started )) s" >&2
echo "$bin"
