#!/usr/bin/env bash
# Installs what racetel's tests need on a Debian machine: Debian packages, Python packages, Go tools,
# npm dependencies. Idempotent: a second run installs nothing. Lists live beside this file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
list() { grep -v '^\s*#' "$1" | grep -v '^\s*$' || true; }

missing=()
for pkg in $(list "$here/apt-packages.txt"); do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

reqs=$(list "$here/requirements.txt")
if [ -n "$reqs" ]; then
  stamp="$HOME/.cache/racetel/pip-$(sha256sum "$here/requirements.txt" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "deps: pip install -r .ci/requirements.txt"
    python3 -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  fi
fi

export GOBIN="${GOBIN:-$HOME/.cache/racetel/bin}"
mkdir -p "$GOBIN"
while read -r bin mod; do
  [ -z "${bin:-}" ] && continue
  ver_stamp="$GOBIN/.$bin-$(echo "$mod" | tr '/@' '__')"
  if [ ! -x "$GOBIN/$bin" ] || [ ! -f "$ver_stamp" ]; then
    echo "deps: go install $mod"
    go install "$mod"
    touch "$ver_stamp"
  fi
done < <(list "$here/go-tools.txt")

cd "$root"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund
fi
