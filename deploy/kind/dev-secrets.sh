#!/usr/bin/env bash
# Creates the dev loop's credentials once (the Tiltfile runs this on every load): the namespace and the
# Secrets named in deploy/kind/values-dev.yaml, with random passwords. An existing Secret is left
# alone, so InfluxDB's stored users keep matching. Usage: dev-secrets.sh <namespace> <release>
set -euo pipefail
ns=${1:?namespace}
release=${2:?release}
command -v kubectl >/dev/null 2>&1 || { echo "dev-secrets: kubectl is missing (install kubectl >= 1.29)" >&2; exit 1; }

random() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32; }

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns" >/dev/null

# name, then the keys the chart reads from it (templates/_helpers.tpl, values.yaml existingSecret).
ensure() {
  local name=$1; shift
  if kubectl -n "$ns" get secret "$name" >/dev/null 2>&1; then return; fi
  local args=()
  for key in "$@"; do args+=("--from-literal=$key=$(random)"); done
  kubectl -n "$ns" create secret generic "$name" "${args[@]}" >/dev/null
  kubectl -n "$ns" label secret "$name" app.kubernetes.io/part-of=racetel app.kubernetes.io/instance="$release" >/dev/null
  echo "dev-secrets: created secret $ns/$name"
}
ensure racetel-dev-influxdb admin-password write-password read-password
ensure racetel-dev-grafana admin-password
ensure racetel-dev-rpc token
