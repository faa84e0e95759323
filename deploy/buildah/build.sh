#!/usr/bin/env bash
# Builds the racetel image from the repository's Dockerfile without a Docker engine, as CI does
# (`build.sh collector`: racetel's collector image from deploy/collector/Dockerfile, see the end):
#   1. a Debian bookworm root file system from Debian's packages (mmdebstrap --variant=minbase);
#   2. a stand-in for node:20.20.2-bookworm-slim: that file system + this machine's Node 20 and npm + this
#      machine's CA bundle (registries are reached through a proxy whose CA the build must trust) + user 1000.
#      Same Debian release and Node version as the real base, not the same bytes;
#   3. `buildah bud` of the Dockerfile on it (--isolation chroot, storage driver vfs).
# Everything is cached in ~/.cache/racetel/ (base file system by Debian release, buildah's storage with its
# layers), so a second run rebuilds only what changed. Prints each stage's duration on stderr; on stdout,
# the buildah storage flags, then the image name (last line). Needs root (or fakeroot-capable buildah), buildah and mmdebstrap.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache="${RACETEL_CACHE_DIR:-$HOME/.cache/racetel}"
NODE_VERSION=$(node -p 'process.versions.node')
RELEASE=bookworm
IMAGE="${RACETEL_IMAGE:-localhost/racetel:ci}"
BASE_IMAGE="localhost/racetel-node-standin:${NODE_VERSION}-${RELEASE}"

for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null || { echo "buildah/build.sh: '$tool' is missing (Debian package $tool, listed in .ci/apt-packages.txt)" >&2; exit 1; }
done
[ "$NODE_VERSION" = "20.20.2" ] || echo "buildah/build.sh: note: this machine has Node $NODE_VERSION; the Dockerfile's base is Node 20.20.2" >&2

# overlay where the kernel allows it (layers are shared, not copied: a cached build takes seconds), else
# vfs (works everywhere, copies every layer: minutes).
store_for() { echo "--root $cache/containers/$1 --runroot ${XDG_RUNTIME_DIR:-/tmp}/racetel-buildah-run-$1 --storage-driver $1"; }
driver="${RACETEL_STORAGE_DRIVER:-}"
if [ -z "$driver" ]; then
  mkdir -p "$cache/containers"
  # shellcheck disable=SC2046
  if buildah $(store_for overlay) images >/dev/null 2>&1; then driver=overlay; else driver=vfs; fi
fi
# shellcheck disable=SC2206
store=($(store_for "$driver"))
mkdir -p "$cache/images" "$cache/containers"
exec 9>"$cache/containers/build.lock"
flock 9

stage() { echo "buildah/build.sh: $1" >&2; stage_started=$(date +%s); }
done_stage() { echo "buildah/build.sh: $1 in $(( $(date +%s) - stage_started )) s" >&2; }

base_tar="$cache/images/debian-$RELEASE-minbase.tar"
if [ ! -f "$base_tar" ]; then
  stage "mmdebstrap --variant=minbase --include=ca-certificates $RELEASE (once; about a minute)"
  mmdebstrap --quiet --variant=minbase --include=ca-certificates "$RELEASE" "$base_tar.part"
  mv "$base_tar.part" "$base_tar"
  done_stage "base file system"
fi

if [ "${1:-}" = "collector" ]; then
  # The collector image: the Dockerfile's runtime-prebuilt target on a Debian base made from the same
  # file system, with the binary deploy/collector/build.sh made (the `build` stage needs the golang image).
  COLLECTOR_IMAGE="${RACETEL_COLLECTOR_IMAGE:-localhost/racetel-collector:ci}"
  MINBASE="localhost/racetel-debian-minbase:$RELEASE"
  mkey=$(sha256sum "$base_tar" | cut -c1-16)
  if [ "$(buildah "${store[@]}" inspect --type image --format '{{index .ImageAnnotations "racetel.minbase.key"}}' "$MINBASE" 2>/dev/null || true)" != "$mkey" ]; then
    stage "Debian base $MINBASE"
    bctx=$(mktemp -d)
    ln "$base_tar" "$bctx/base.tar" 2>/dev/null || cp "$base_tar" "$bctx/base.tar"
    printf 'FROM scratch\nADD base.tar /\n' > "$bctx/Containerfile"
    buildah "${store[@]}" bud --quiet --isolation chroot --annotation "racetel.minbase.key=$mkey" -t "$MINBASE" -f "$bctx/Containerfile" "$bctx" >&2
    rm -rf "$bctx"
    done_stage "Debian base"
  fi
  stage "collector binary (deploy/collector/build.sh)"
  bin=$(bash "$root/deploy/collector/build.sh" | tail -1)
  done_stage "collector binary"
  stage "buildah bud -f deploy/collector/Dockerfile (target runtime-prebuilt) on $MINBASE"
  cctx=$(mktemp -d)
  trap 'rm -rf "$cctx"' EXIT
  cp -r "$root/deploy/collector/Dockerfile" "$root/deploy/collector/config.yaml" "$root/deploy/collector/manifest.yaml" "$root/deploy/collector/racetelinfluxexporter" "$cctx/"
  mkdir "$cctx/bin" && cp "$bin" "$cctx/bin/otelcol-racetel"
  buildah "${store[@]}" bud --quiet --layers --format docker --isolation chroot --build-arg "RUNTIME_IMAGE=$MINBASE" \
    --target runtime-prebuilt -t "$COLLECTOR_IMAGE" -f "$cctx/Dockerfile" "$cctx" >&2
  done_stage "image $COLLECTOR_IMAGE"
  echo "${store[*]}"
  echo "$COLLECTOR_IMAGE"
  exit 0
fi

# The stand-in base is rebuilt when the base tar, Node or the CA bundle changes.
ca=/etc/ssl/certs/ca-certificates.crt
key=$( (sha256sum "$base_tar" | cut -c1-16; node -v; sha256sum "$ca" | cut -c1-16) | sha256sum | cut -c1-16)
if [ "$(buildah "${store[@]}" inspect --type image --format '{{index .ImageAnnotations "racetel.standin.key"}}' "$BASE_IMAGE" 2>/dev/null || true)" != "$key" ]; then
  stage "stand-in base $BASE_IMAGE"
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  ln "$base_tar" "$ctx/base.tar" 2>/dev/null || cp "$base_tar" "$ctx/base.tar"
  cp "$(command -v node)" "$ctx/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  cp "$ca" "$ctx/ca-certificates.crt"
  cat > "$ctx/Containerfile" <<CONTAINERFILE
FROM scratch
ADD base.tar /
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node
CMD ["node"]
CONTAINERFILE
  buildah "${store[@]}" bud --quiet --isolation chroot --annotation "racetel.standin.key=$key" -t "$BASE_IMAGE" -f "$ctx/Containerfile" "$ctx" >&2
  done_stage "stand-in base"
fi

stage "buildah bud -f Dockerfile (target ${RACETEL_IMAGE_TARGET:-runtime}) on $BASE_IMAGE"
buildah "${store[@]}" bud --quiet --layers --format docker --isolation chroot --build-arg "NODE_IMAGE=$BASE_IMAGE" \
  --target "${RACETEL_IMAGE_TARGET:-runtime}" -t "$IMAGE" -f "$root/Dockerfile" "$root" >&2
done_stage "image $IMAGE"
# The storage the image is in (flags for buildah), then the image: what tests and users run it with.
echo "${store[*]}"
echo "$IMAGE"
