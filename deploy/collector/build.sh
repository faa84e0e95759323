#!/usr/bin/env bash
# Builds racetel's OpenTelemetry Collector from manifest.yaml with the pinned ocb, into
# ~/.cache/racetel/otelcol-<sha256 of manifest and racetelinfluxexporter/>/, and prints the binary's path
# (last line of stdout).
# A build for the same manifest is reused: delete that folder to force a rebuild.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OCB_VERSION=v0.161.0   # keep equal to the component versions in manifest.yaml

command -v go >/dev/null || { echo "collector: 'go' is not installed (needed to build the collector)" >&2; exit 1; }

cache="${RACETEL_CACHE_DIR:-$HOME/.cache/racetel}"
sum=$(cd "$here" && { cat manifest.yaml; find racetelinfluxexporter -type f ! -name '*_test.go' | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1)
out="$cache/otelcol-$sum"
bin="$out/otelcol-racetel"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
# Parallel test files may ask for the collector at once: one builds, the others wait and reuse it.
exec 9>"$cache/otelcol-build.lock"
flock 9
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

export GOBIN="$cache/bin"
mkdir -p "$GOBIN"
ocb="$GOBIN/ocb-$OCB_VERSION"
if [ ! -x "$ocb" ]; then
  echo "collector: go install go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION" >&2
  go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
  mv "$GOBIN/builder" "$ocb"
fi

# Build in a scratch folder and move into place at the end, so an interrupted build never looks cached.
work=$(mktemp -d "$cache/otelcol-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
sed -e "s#output_path: .*#output_path: $work/src#" -e "s#path: \./#path: $here/#" "$here/manifest.yaml" > "$work/manifest.yaml"
echo "collector: building with ocb $OCB_VERSION (several minutes on a cold Go cache)" >&2
"$ocb" --config "$work/manifest.yaml" >&2
mkdir -p "$out"
mv "$work/src/otelcol-racetel" "$bin"
cp "$here/manifest.yaml" "$out/manifest.yaml"
echo "$bin"
