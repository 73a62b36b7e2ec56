#!/usr/bin/env bash
# End-to-end check on a real Kubernetes API server: creates a k3d cluster, builds the image and imports it, starts the
# vendor simulators on this machine (`sandbox --vendors-only`, reachable from the cluster as host.k3d.internal),
# installs the chart (2 replicas, chart RBAC only) and runs one ServiceToken per vendor through issue, rotation by
# annotation and delete, checking each token id at the simulator's /_sandbox/tokens. Not part of the test suite:
# where docker or k3d is missing it prints "skipped: docker/k3d not found" and exits 0.
#   bash tests/e2e/k3d.sh            # KEEP_CLUSTER=1 keeps the cluster afterwards
#   VENDOR_LISTEN=0.0.0.0            # the address the simulators bind; default the k3d network's gateway when it is
#                                    # an address of this machine (Linux), else 0.0.0.0
# Needs: docker, k3d, the .NET SDK (global.json), curl, jq or python3; helm and kubectl (bash .ci/run --tools-only).
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
for tool in dotnet curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is needed to run the vendor simulators on this machine" >&2; exit 1; }
done
if command -v jq >/dev/null 2>&1; then
  json() { jq -r "$1" "$2"; }                    # json FILTER FILE, e.g. json .vendors.akka.project sandbox.json
else
  command -v python3 >/dev/null 2>&1 || { echo "jq or python3 is needed to read sandbox.json" >&2; exit 1; }
  json() { python3 -c 'import functools,json,sys; d=json.load(open(sys.argv[2])); print(functools.reduce(lambda o,k: o[k], sys.argv[1].strip(".").split("."), d))' "$1" "$2"; }
fi

cluster=${CLUSTER:-servicetoken-e2e}
image=servicetoken-operator:e2e
namespace=servicetoken-system
advertise=host.k3d.internal
work=$(mktemp -d)
kubeconfig=$work/kubeconfig
export KUBECONFIG=$kubeconfig
vendors_pid=
cleanup() {
  # SIGTERM: a background job of a non-interactive shell ignores SIGINT.
  if [ -n "$vendors_pid" ]; then kill "$vendors_pid" 2>/dev/null || true; wait "$vendors_pid" 2>/dev/null || true; fi
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then k3d cluster delete "$cluster" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "FAIL: $*" >&2
  "$kubectl" get servicetokens -A -o wide >&2 || true
  "$kubectl" get clustertokenissuers -o yaml 2>/dev/null | grep -A8 'conditions:' >&2 || true
  "$kubectl" -n "$namespace" logs deploy/servicetoken-operator --tail=50 >&2 || true
  [ -f "$work/vendors.log" ] && tail -20 "$work/vendors.log" >&2
  exit 1
}
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

step "vendor simulators"
# The cluster reaches this machine as host.k3d.internal, the k3d network's gateway on Linux: bind only that address
# when it is ours, so the simulators (which mint tokens for anyone) are not offered to the whole network.
gateway=$(docker network inspect "k3d-$cluster" -f '{{range .IPAM.Config}}{{.Gateway}} {{end}}' 2>/dev/null | awk '{print $1}')
listen=${VENDOR_LISTEN:-0.0.0.0}
if [ -z "${VENDOR_LISTEN:-}" ] && [ -n "$gateway" ] && command -v ip >/dev/null 2>&1 && ip -o -4 addr show | grep -qF " $gateway/"; then
  listen=$gateway
fi
reach=$listen   # how this script reaches the simulators (host.k3d.internal resolves inside the cluster only)
[ "$listen" = 0.0.0.0 ] && reach=127.0.0.1
dotnet publish src/ServiceTokenOperator/ServiceTokenOperator.csproj -c Release -o "$work/app" --nologo -v quiet >/dev/null
"$work/app/servicetoken-operator" sandbox --vendors-only --listen "$listen" --advertise "$advertise" --dir "$work/sandbox" \
  > "$work/vendors.log" 2>&1 &
vendors_pid=$!
sandbox_json=$work/sandbox/sandbox.json
wait_for 60 "the vendor simulators writing sandbox.json" test -s "$sandbox_json"
echo "simulators on $listen, advertised as $advertise"
vendor() { json ".vendors.$1" "$sandbox_json"; }                    # vendor planetscale.url
host_side() { local url; url=$(vendor "$1"); echo "${url/$advertise/$reach}"; }
token_state() { # token_state INSPECT_KEY TOKEN_ID -> live | revoked | missing
  curl -fsS "$(host_side "$1")/_sandbox/tokens" > "$work/tokens.json" || { echo unreachable; return; }
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg id "$2" 'map(select(.id == $id)) | if length == 0 then "missing" elif .[0].live then "live" else "revoked" end' "$work/tokens.json"
  else
    python3 -c 'import json,sys; t=[x for x in json.load(open(sys.argv[1])) if x["id"]==sys.argv[2]]; print("missing" if not t else "live" if t[0]["live"] else "revoked")' "$work/tokens.json" "$2"
  fi
}
token_is() { [ "$(token_state "$1" "$2")" = "$3" ]; }                # token_is INSPECT_KEY TOKEN_ID live

step "image $image"
docker build -t "$image" .
k3d image import "$image" -c "$cluster"

step "chart"
"$helm" upgrade --install servicetoken-operator charts/servicetoken-operator -n "$namespace" --create-namespace \
  --set image.repository=servicetoken-operator --set image.tag=e2e --set image.pullPolicy=Never --wait --timeout 5m
"$kubectl" -n "$namespace" rollout status deployment/servicetoken-operator --timeout=3m
wait_for 60 "a Lease holder" sh -c "\"$kubectl\" -n $namespace get lease servicetoken-operator -o jsonpath='{.spec.holderIdentity}' | grep -q servicetoken-operator"

step "issuers"
# One ClusterTokenIssuer per simulator; credentials Secrets in the operator's namespace, from sandbox.json.
"$kubectl" -n "$namespace" create secret generic e2e-planetscale \
  --from-literal=PLANETSCALE_SERVICE_TOKEN_ID="$(vendor planetscale.adminTokenId)" \
  --from-literal=PLANETSCALE_SERVICE_TOKEN="$(vendor planetscale.adminToken)" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
"$kubectl" -n "$namespace" create secret generic e2e-upsun --from-literal=UPSUN_CLI_TOKEN="$(vendor upsun.adminApiToken)" \
  --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
"$kubectl" -n "$namespace" create secret generic e2e-platformsh --from-literal=PLATFORMSH_CLI_TOKEN="$(vendor platformsh.adminApiToken)" \
  --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
"$kubectl" -n "$namespace" create secret generic e2e-akka --from-literal=AKKA_TOKEN="$(vendor akka.adminRefreshToken)" \
  --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
akka_grpc=$(vendor akka.grpcUrl)
"$kubectl" apply -f - <<YAML
apiVersion: servicetoken.dev/v1alpha1
kind: ClusterTokenIssuer
metadata: {name: e2e-planetscale}
spec:
  planetscale: {organization: "$(vendor planetscale.organization)", apiUrl: "$(vendor planetscale.url)"}
  credentialsSecretRef: {name: e2e-planetscale}
---
apiVersion: servicetoken.dev/v1alpha1
kind: ClusterTokenIssuer
metadata: {name: e2e-upsun}
spec:
  upsun: {apiUrl: "$(vendor upsun.apiUrl)", authUrl: "$(vendor upsun.authUrl)"}
  credentialsSecretRef: {name: e2e-upsun}
---
apiVersion: servicetoken.dev/v1alpha1
kind: ClusterTokenIssuer
metadata: {name: e2e-platformsh}
spec:
  platformsh: {apiUrl: "$(vendor platformsh.apiUrl)", authUrl: "$(vendor platformsh.authUrl)"}
  credentialsSecretRef: {name: e2e-platformsh}
---
apiVersion: servicetoken.dev/v1alpha1
kind: ClusterTokenIssuer
metadata: {name: e2e-akka}
spec:
  # The simulator speaks plaintext HTTP/2: the issuer must allow it explicitly.
  akka: {project: "$(vendor akka.project)", apiHost: "${akka_grpc#http://}", insecure: true}
  credentialsSecretRef: {name: e2e-akka}
YAML
for v in planetscale upsun platformsh akka; do
  "$kubectl" wait --for=condition=Ready "clustertokenissuer/e2e-$v" --timeout=120s >/dev/null \
    || fail "ClusterTokenIssuer e2e-$v not Ready (can the cluster reach $advertise? a host firewall may drop it)"
done

step "lifecycle"
"$kubectl" create namespace e2e --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
spec_of() {
  case $1 in
    planetscale) echo 'planetscale: {accesses: [{database: payments, permissions: [read_branch, connect_branch]}]}' ;;
    akka) echo 'akka: {scopes: [execution]}' ;;
    *) echo '' ;;
  esac
}
inspect_key() { case $1 in planetscale) echo planetscale.inspectUrl ;; *) echo "$1.inspectUrl" ;; esac; }
status_of() { "$kubectl" -n e2e get servicetoken "e2e-$1" -o jsonpath="{.status.$2}"; }
rotated() { [ "$(status_of "$1" lastRotateRequest)" = "$2" ] && [ "$(status_of "$1" tokenId)" != "$3" ]; }  # rotated VENDOR REQUEST OLD_ID
for v in planetscale upsun platformsh akka; do
  name=e2e-$v
  inspect=$(inspect_key "$v")
  echo "-- $v"
  "$kubectl" apply -n e2e -f - >/dev/null <<YAML
apiVersion: servicetoken.dev/v1alpha1
kind: ServiceToken
metadata: {name: $name}
spec:
  issuerRef: {kind: ClusterTokenIssuer, name: e2e-$v}
  rotation: {every: 24h, gracePeriod: 5s}
  $(spec_of "$v")
YAML
  "$kubectl" -n e2e wait --for=condition=Ready "servicetoken/$name" --timeout=120s >/dev/null || fail "$name not Ready"
  first=$(status_of "$v" tokenId)
  secret=$(status_of "$v" secretName)
  label=$("$kubectl" -n e2e get secret "$secret" -o jsonpath='{.metadata.labels.servicetoken\.dev/token-id}')
  if [ -z "$first" ] || [ "$label" != "$first" ]; then fail "$name: Secret $secret carries token id '$label', status says '$first'"; fi
  token_is "$inspect" "$first" live || fail "$name: token $first is $(token_state "$inspect" "$first") at the simulator, not live"
  echo "issued $first into Secret $secret"

  request=e2e-$(date +%s)
  "$kubectl" -n e2e annotate servicetoken "$name" "servicetoken.dev/rotate=$request" --overwrite >/dev/null
  wait_for 120 "$name handling rotate request $request" rotated "$v" "$request" "$first"
  "$kubectl" -n e2e wait --for=condition=Ready "servicetoken/$name" --timeout=120s >/dev/null || fail "$name not Ready after rotation"
  second=$(status_of "$v" tokenId)
  token_is "$inspect" "$second" live || fail "$name: rotated token $second is $(token_state "$inspect" "$second"), not live"
  wait_for 90 "$name: revocation of $first after the 5s grace period" token_is "$inspect" "$first" revoked
  echo "rotated to $second; $first revoked after the grace period"

  "$kubectl" -n e2e delete servicetoken "$name" --timeout=120s >/dev/null || fail "$name was not deleted (finalizer)"
  token_is "$inspect" "$second" revoked || fail "$name: deleted, yet token $second is $(token_state "$inspect" "$second")"
  echo "deleted; $second revoked"
done

step "RBAC"
# A status that names the field at fault, through the chart's RBAC only, and no Forbidden anywhere in the log.
"$kubectl" apply -n e2e -f - >/dev/null <<'YAML'
apiVersion: servicetoken.dev/v1alpha1
kind: ServiceToken
metadata: {name: e2e-missing}
spec:
  issuerRef: {kind: ClusterTokenIssuer, name: missing}
YAML
wait_for 60 "Ready=False IssuerNotFound" sh -c "\"$kubectl\" -n e2e get servicetoken e2e-missing -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].reason}' | grep -q IssuerNotFound"
"$kubectl" delete -n e2e servicetoken e2e-missing --timeout=60s >/dev/null
for pod in $("$kubectl" -n "$namespace" get pods -l app.kubernetes.io/name=servicetoken-operator -o name); do
  if "$kubectl" -n "$namespace" logs "$pod" --tail=-1 | grep -q "Forbidden"; then
    fail "$pod logged a Forbidden: the chart's RBAC lacks a rule"
  fi
done

echo
echo "e2e: passed"
