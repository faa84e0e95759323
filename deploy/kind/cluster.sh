#!/usr/bin/env bash
# `make cluster` / `make down`: the local kind cluster "racetel" with the consoles' UDP ports mapped.
# Prefers ctlptl (kind + a local registry Tilt pushes to); falls back to plain kind, saying so.
# Usage: deploy/kind/cluster.sh up|down
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=racetel
have() { command -v "$1" >/dev/null 2>&1; }
die() { echo "cluster: $*" >&2; exit 1; }

need_docker() {
  have docker || die "docker is missing: install Docker (Engine >= 24 or Desktop) and start it; kind runs the cluster in a container"
}
need_kind() {
  have kind || die "kind is missing: install kind >= v0.27 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)${1:-}"
}
docker_running() {
  docker info >/dev/null 2>&1 || die "docker is installed but its daemon does not answer (\`docker info\` fails): start Docker"
}

up() {
  need_docker
  if have ctlptl; then
    need_kind " — ctlptl creates the cluster with it"
    docker_running
    echo "cluster: ctlptl apply -f deploy/kind/cluster.yaml (kind cluster '$name' + registry localhost:5005)"
    ctlptl apply -f "$here/cluster.yaml"
  else
    echo "cluster: ctlptl is missing (https://github.com/tilt-dev/ctlptl#how-do-i-install-it): falling back to plain kind, without a local registry (Tilt then loads images with \`kind load\`, slower)" >&2
    need_kind
    docker_running
    if kind get clusters 2>/dev/null | grep -qx "$name"; then
      echo "cluster: kind cluster '$name' already exists"
    else
      kind create cluster --config "$here/kind-config.yaml"
    fi
  fi
  have kubectl && kubectl config use-context "kind-$name" >/dev/null
  echo "cluster: ready (context kind-$name); F1 -> UDP 20777, ACC -> UDP 9996 on this machine"
}

down() {
  if have tilt; then tilt down || echo "cluster: tilt down failed (nothing running?), deleting the cluster anyway" >&2; fi
  if have ctlptl; then
    ctlptl delete -f "$here/cluster.yaml"
  elif have kind; then
    kind delete cluster --name "$name"
  else
    die "neither ctlptl nor kind is installed: nothing to delete"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: $0 up|down" ;;
esac
