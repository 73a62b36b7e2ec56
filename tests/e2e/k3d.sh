#!/usr/bin/env bash
# End-to-end check on a real Kubernetes API server: creates a k3d cluster, builds the image and imports it, installs
# the chart (2 replicas, chart RBAC only), and runs a ServiceToken through the operator. Not part of the test suite:
# where docker or k3d is missing it prints "skipped: docker/k3d not found" and exits 0.
#   bash tests/e2e/k3d.sh            # KEEP_CLUSTER=1 keeps the cluster afterwards
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v docker >/dev/null 2>&1 || ! command -v k3d >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "skipped: docker/k3d not found (or the docker daemon is not reachable)"
  exit 0
fi
helm=$(command -v helm || echo .tools/bin/helm)
kubectl=$(command -v kubectl || echo .tools/bin/kubectl)
if [ ! -x "$helm" ] || [ ! -x "$kubectl" ]; then
  echo "helm and kubectl are needed: run bash .ci/run --tools-only (installs them into .tools/bin)" >&2
  exit 1
fi

cluster=${CLUSTER:-servicetoken-e2e}
image=servicetoken-operator:e2e
namespace=servicetoken-system
kubeconfig=$(mktemp)
export KUBECONFIG=$kubeconfig
cleanup() {
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then k3d cluster delete "$cluster" >/dev/null 2>&1 || true; fi
  rm -f "$kubeconfig"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; "$kubectl" -n "$namespace" logs deploy/servicetoken-operator --tail=50 >&2 || true; exit 1; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "$what did not happen within the bound"
    sleep 2
  done
}

step "cluster $cluster"
k3d cluster create "$cluster" --agents 1 --wait --kubeconfig-update-default=false --kubeconfig-switch-context=false >/dev/null
k3d kubeconfig get "$cluster" > "$kubeconfig"

step "image $image"
docker build -t "$image" .
k3d image import "$image" -c "$cluster"

step "chart"
"$helm" upgrade --install servicetoken-operator charts/servicetoken-operator -n "$namespace" --create-namespace \
  --set image.repository=servicetoken-operator --set image.tag=e2e --set image.pullPolicy=Never --wait --timeout 5m
"$kubectl" -n "$namespace" rollout status deployment/servicetoken-operator --timeout=3m
wait_for 60 "a Lease holder" sh -c "\"$kubectl\" -n $namespace get lease servicetoken-operator -o jsonpath='{.spec.holderIdentity}' | grep -q servicetoken-operator"

step "lifecycle"
# The vendor simulators run on loopback in the sandbox only; on a real cluster the operator's own contract is checked:
# a status that names the field at fault (no such issuer) and a clean delete, through the chart's RBAC only.
"$kubectl" create namespace e2e --dry-run=client -o yaml | "$kubectl" apply -f -
"$kubectl" apply -n e2e -f - <<'YAML'
apiVersion: servicetoken.dev/v1alpha1
kind: ServiceToken
metadata: {name: e2e}
spec:
  issuerRef: {kind: ClusterTokenIssuer, name: missing}
YAML
wait_for 60 "Ready=False IssuerNotFound" sh -c "\"$kubectl\" -n e2e get servicetoken e2e -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].reason}' | grep -q IssuerNotFound"
"$kubectl" delete -n e2e servicetoken e2e --timeout=60s
"$kubectl" -n "$namespace" logs deploy/servicetoken-operator --tail=200 | grep -q "Forbidden" && fail "the operator logged a Forbidden: the chart's RBAC lacks a rule"

echo
echo "e2e: passed"
