#!/usr/bin/env bash
# Fetches Apache Kafka 4.1.1 (KRaft) as jars from Maven Central into ~/.cache/racetel/kafka-4.1.1/lib and
# prints that folder (last line of stdout). Cached by version: a second run does nothing. ~10 s cold.
# Run a broker: java -cp '<lib>/*' kafka.Kafka server.properties (e2e/harness/kafka.ts writes one).
set -euo pipefail
VERSION=4.1.1   # keep equal to kafka.image.tag in the chart and the kafka image in compose.yaml
here=$(cd "$(dirname "$0")" && pwd)
command -v mvn >/dev/null || { echo "kafka: 'mvn' is not installed (Debian: apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "kafka: 'java' is not installed (Kafka $VERSION needs Java 17+)" >&2; exit 1; }
cache="${RACETEL_CACHE_DIR:-$HOME/.cache/racetel}"
lib="$cache/kafka-$VERSION/lib"
if [ -f "$lib/.complete" ]; then
  echo "$lib"
  exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/kafka-build.lock"
flock 9
if [ -f "$lib/.complete" ]; then
  echo "$lib"
  exit 0
fi
rm -rf "$lib"
mkdir -p "$lib"
started=$(date +%s)
mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" -DincludeScope=runtime >&2
touch "$lib/.complete"
echo "kafka: $(ls "$lib" | grep -c '\.jar$') jars in $(( $(date +%s) - started )) s" >&2
echo "$lib"
