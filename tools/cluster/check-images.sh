#!/usr/bin/env bash
# Proves that the images of tools/cluster/install.sh work with the cluster's containerd (Debian's 1.6.20)
# and runc: starts a throwaway containerd (its own root, state and socket in a temporary folder, no CRI
# plugin; the system's containerd and its configuration stay untouched), imports every archive into
# namespace k8s.io as the cluster bootstrap does, checks each tag, runs each program once in its image
# (`--version`, as the image's user), and runs the Iris API stand-in with a read-only root filesystem,
# scraped by busybox wget from the Prometheus image in the stand-in's network namespace.
# Usage (root): tools/cluster/check-images.sh — runs install.sh first, which builds nothing when cached.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
eval "$(bash "$here/install.sh")"

dir="$(mktemp -d /tmp/cluster-images-XXXXXX)"
pid=''
# Container IDs unique to this run: the runc shim keeps its state in /run/containerd/runc/<namespace>,
# whatever containerd's own root and state, so it is shared with any other containerd on the machine.
iris="check-iris-$$"
cleanup() {
  command ctr --address "$dir/containerd.sock" -n k8s.io task delete -f "$iris" >/dev/null 2>&1 || true
  command ctr --address "$dir/containerd.sock" -n k8s.io container delete "$iris" >/dev/null 2>&1 || true
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  # Snapshots are overlay mounts below the root: unmount them before removing the folder.
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'echo "check-images.sh: line $LINENO failed; containerd log: $(tail -3 "$dir/containerd.log")" >&2' ERR
cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
EOF
containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
pid=$!
ctr() { command ctr --address "$dir/containerd.sock" -n k8s.io "$@"; }
for _ in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done

# The name containerd (and the kubelet) give a tag: docker.io/ for Docker Hub names.
ref() {
  case ${1%%/*} in
    *.* | *:* | localhost) echo "$1" ;;
    *) if [[ $1 == */* ]]; then echo "docker.io/$1"; else echo "docker.io/library/$1"; fi ;;
  esac
}

failed=0
# expect TAG REGEX [CTR-RUN-FLAGS... --] COMMAND...: runs COMMAND in the image, as its user, and matches
# the output.
expect() {
  local tag=$1 want=$2 got flags=()
  shift 2
  if [[ " $* " == *" -- "* ]]; then
    while [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
  fi
  got="$(ctr run --rm "${flags[@]}" "$(ref "$tag")" "check-$$-$RANDOM" "$@" 2>&1)" || true
  if [[ $got =~ $want ]]; then
    echo "ok   $tag: $* -> $(head -1 <<<"$got")"
  else
    echo "FAIL $tag: $* -> $got"
    failed=1
  fi
}

start=$SECONDS
for f in "$IMAGES_DIR"/*.tar; do ctr images import "$f" >/dev/null; done
echo "imported $(ls "$IMAGES_DIR"/*.tar | wc -l) archives in $((SECONDS - start)) s"
imported="$(ctr images ls -q)"
for tag in "$IMAGE_PROMETHEUS" "$IMAGE_ALERTMANAGER" "$IMAGE_CONFIG_RELOADER" "$IMAGE_KUBE_STATE_METRICS" \
  "$IMAGE_COREDNS" "$IMAGE_PAUSE" "$IMAGE_IRIS_API" "$IMAGE_WEBHOOK"; do
  if grep -qxF "$(ref "$tag")" <<<"$imported"; then echo "ok   $tag imported as $(ref "$tag")"; else
    echo "FAIL $tag: not imported as $(ref "$tag")"
    failed=1
  fi
done

expect "$IMAGE_PROMETHEUS" 'prometheus, version 3\.' /bin/prometheus --version
expect "$IMAGE_PROMETHEUS" 'promtool, version 3\.' /bin/promtool --version
expect "$IMAGE_PROMETHEUS" '^65534 /prometheus.*nobody.*prometheus\.yml' /bin/sh -c 'echo $(id -u) $(pwd) $(ls -ld /etc/prometheus) $(ls /etc/prometheus)'
expect "$IMAGE_ALERTMANAGER" 'alertmanager, version 0\.' /bin/alertmanager --version
expect "$IMAGE_ALERTMANAGER" 'amtool, version 0\.' /bin/amtool --version
expect "$IMAGE_CONFIG_RELOADER" 'prometheus-config-reloader, version 0\.' /bin/prometheus-config-reloader --version
# The Operator's own reloader, at its version (the one above is the stack's, older): the tag's version.
expect "$IMAGE_PROMETHEUS_OPERATOR" "prometheus-operator, version ${IMAGE_PROMETHEUS_OPERATOR##*:v}" /bin/operator --version
expect "$IMAGE_OPERATOR_CONFIG_RELOADER" "prometheus-config-reloader, version ${IMAGE_OPERATOR_CONFIG_RELOADER##*:v}" /bin/prometheus-config-reloader --version
expect "$IMAGE_KUBE_STATE_METRICS" 'kube-state-metrics, version v2\.' /kube-state-metrics version
expect "$IMAGE_COREDNS" 'CoreDNS-1\.' /coredns -version
expect "$IMAGE_COREDNS" 'kubernetes' /coredns -plugins
expect "$IMAGE_PAUSE" '^pause ' /pause --version
expect "$IMAGE_WEBHOOK" '^alert-webhook ' /alert-webhook --version
expect "$IMAGE_IRIS_API" '^iris-api-standin ' /iris-api-standin --version

# The stand-in as in its pod: non-root, read-only root filesystem, its own network namespace.
ctr run -d --read-only "$(ref "$IMAGE_IRIS_API")" "$iris" >"$dir/iris.log" 2>&1 || { cat "$dir/iris.log"; exit 1; }
iris_pid="$(ctr task ls | awk -v id="$iris" '$1 == id { print $2 }')"
sleep 3
expect "$IMAGE_PROMETHEUS" 'model_loaded 1' --with-ns "network:/proc/$iris_pid/ns/net" -- \
  /bin/sh -c 'wget -qO- http://127.0.0.1:8000/metrics | grep -E "^(model_loaded|model_predictions_total)"'
expect "$IMAGE_PROMETHEUS" '"model_loaded":false' --with-ns "network:/proc/$iris_pid/ns/net" -- \
  /bin/wget -qO- --post-data= 'http://127.0.0.1:8000/admin/incident?model_loaded=0'
[ "$failed" = 0 ] && echo "all images work" || { echo "containerd log: $dir/containerd.log"; tail -5 "$dir/containerd.log"; exit 1; }
