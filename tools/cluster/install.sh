#!/usr/bin/env bash
# Builds every program and container image of the test cluster from source (no registry is reachable):
#   - CoreDNS, kube-state-metrics, prometheus-config-reloader, kube-router (its NetworkPolicy firewall
#     only) and the Prometheus Operator (with its own config reloader and po-lint), each from one wrapper Go
#     module under tools/cluster/<program>/ whose go.mod holds its version;
#   - our own programs (tools/cluster/testbed): pause, the Iris API stand-in, the Alertmanager webhook
#     receiver, and the docker-archive image builder;
#   - the images the pods run, as `docker save` tarballs for `ctr -n k8s.io images import`, tagged as the
#     manifests write them. Prometheus and Alertmanager are the binaries tools/install.sh built.
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/cluster/<program>-<version>/bin and
# .../cluster/images/*.tar. A program folder appears only once its build is complete; an image is rebuilt
# when its inputs change. A cached run builds nothing and takes well under a second.
#
# stdout: shell-sourceable KEY=VALUE lines only (binaries, IMAGES_DIR, and each image's tag); progress goes
# to stderr. Needs Go >= 1.26, Node (to compare go.mod directives), Debian's busybox-static (for the
# images) and ipset (for kube-router; both installed when run as root), and the Go module proxy for a cold
# build. Cold: ~18 min on 2 busy cores, and ~4 min more for the Operator (tools/cluster/README.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring"
out="$cache/cluster"
export PATH="$PATH:/usr/local/go/bin"
# Module mode whatever go.work a parent folder holds; go.mod and go.sum as committed; static binaries, as
# upstream's release builds make them.
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly"

log() { echo "tools/cluster/install.sh: $*" >&2; }
die() { log "$*"; exit 1; }
work='' # the build in progress, removed however the script ends
trap '[ -z "$work" ] || rm -rf "$work"' EXIT

# The version of module $2 that go.mod file $1 requires (awk, not `go list`: a cached run stays fast).
required() {
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}

# A module's commit time in strftime format $3, for the build dates upstream stamps (wrapper folder $1).
module_time() {
  local t
  t="$(cd "$here/$1" && go list -m -f '{{if .Time}}{{.Time.Unix}}{{end}}' "$2")"
  date -u -d "@${t:-0}" +"$3"
}

# Fails unless wrapper go.mod $1 carries the exclude and replace directives of module $2's go.mod: a
# dependency's directives are ignored, so without a copy the build would select other versions than
# upstream's release. A local replacement (`=> ./pkg/x`) maps to the submodule published at the same version.
check_directives() {
  local wrapper=$1 module=$2 upstream
  upstream="$(cd "$here/$wrapper" && go list -m -f '{{.GoMod}}' "$module")"
  node -e '
    const [up, w, version] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2]), process.argv[3]];
    const key = (m) => `${m.Path}@${m.Version ?? ""}`;
    const missing = [];
    for (const e of up.Exclude ?? []) if (!(w.Exclude ?? []).some((x) => key(x) === key(e))) missing.push(`exclude ${key(e)}`);
    for (const r of up.Replace ?? []) {
      const local = /^\.\.?\//.test(r.New.Path);
      const want = local ? { Path: r.Old.Path, Version: version } : r.New;
      if (!(w.Replace ?? []).some((x) => key(x.Old) === key(r.Old) && key(x.New) === key(want))) missing.push(`replace ${key(r.Old)} => ${key(want)}`);
    }
    if (missing.length) { console.error(missing.join("\n")); process.exit(1); }
  ' "$(go mod edit -json "$upstream")" "$(go mod edit -json "$here/$wrapper/go.mod")" "$(required "$here/$wrapper/go.mod" "$module")" ||
    die "tools/cluster/$wrapper/go.mod lacks the directives above of $module's go.mod"
}

# build NAME VERSION BINARY WRAPPER PACKAGES LDFLAGS_FUNCTION [MODULE]: `go build` PACKAGES (one or more,
# space-separated: one build, one shared cache) of the wrapper module into $out/NAME-VERSION/bin/ unless
# BINARY is already there. LDFLAGS_FUNCTION prints the flags (it
# may ask `go list`, so it runs only for a build); MODULE is the upstream module whose directives the
# wrapper must mirror. Sets `bin` to the folder.
build() {
  local name=$1 version=$2 binary=$3 wrapper=$4 package=$5 ldflags=$6 module=${7:-} start=$SECONDS
  bin="$out/$name-$version/bin"
  [ -x "$bin/$binary" ] && return 0
  [ -z "$module" ] || check_directives "$wrapper" "$module"
  ldflags="$("$ldflags")"
  log "building $name $version with $(go env GOVERSION)"
  mkdir -p "$out"
  work="$(mktemp -d "$out/.build-XXXXXX")"
  # shellcheck disable=SC2086 # PACKAGES is a list
  (cd "$here/$wrapper" && go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$work/bin/" $package)
  [ -x "$work/bin/$binary" ] || die "go build made no $binary in $work/bin"
  # Only a complete build is moved into place: an interrupted one leaves nothing that looks installed.
  rm -rf "${bin%/bin}"
  mv "$work" "${bin%/bin}"
  work=''
  log "built $name $version in $((SECONDS - start)) s"
}

# --- Upstream programs, each at the version its wrapper go.mod requires ---

COREDNS_MODULE=github.com/coredns/coredns
KSM_MODULE=k8s.io/kube-state-metrics/v2
OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator
KUBE_ROUTER_MODULE=github.com/cloudnativelabs/kube-router/v2
coredns_version="$(required "$here/coredns/go.mod" $COREDNS_MODULE)"
ksm_version="$(required "$here/kube-state-metrics/go.mod" $KSM_MODULE)"
reloader_version="$(required "$here/config-reloader/go.mod" $OPERATOR_MODULE)"
kube_router_version="$(required "$here/netpol/go.mod" $KUBE_ROUTER_MODULE)"
operator_version="$(required "$here/prometheus-operator/go.mod" $OPERATOR_MODULE)"
# The Operator runs against the CRDs the cluster applies: those of the version cdk8s.yaml imports.
crd_version="$(sed -n 's|.*prometheus-operator/prometheus-operator/\(v[0-9.]*\)/.*|\1|p' "$repo/cdk8s.yaml" | head -1)"
[ "$operator_version" = "$crd_version" ] ||
  die "tools/cluster/prometheus-operator/go.mod requires $operator_version, cdk8s.yaml imports the CRDs of ${crd_version:-no version}"

# Each stamps what upstream's Makefile stamps into a release build (`--version`, *_build_info), but the git
# commit, which the module proxy does not tell. CoreDNS stamps only that commit.
ldflags_coredns() { echo "-s -w"; }
ldflags_ksm() {
  local p=github.com/prometheus/common/version
  echo "-s -w -X $p.Version=$ksm_version -X $p.BuildDate=$(module_time kube-state-metrics $KSM_MODULE '%Y-%m-%dT%H:%M:%SZ')" \
    "-X $KSM_MODULE/pkg/app.ClientGoVersion=$(required "$here/kube-state-metrics/go.mod" k8s.io/client-go)"
}
# prometheus-operator's Makefile (GO_BUILD_LDFLAGS) stamps the same for each of its commands: WRAPPER VERSION.
ldflags_prometheus_operator() {
  local p=github.com/prometheus/common/version
  echo "-s -X $p.Version=${2#v} -X $p.BuildDate=$(module_time "$1" $OPERATOR_MODULE '%Y%m%d-%H:%M:%S')"
}
ldflags_reloader() { ldflags_prometheus_operator config-reloader "$reloader_version"; }
ldflags_operator() { ldflags_prometheus_operator prometheus-operator "$operator_version"; }
ldflags_kube_router() {
  local p=$KUBE_ROUTER_MODULE/pkg/version
  echo "-X $p.Version=$kube_router_version -X $p.BuildDate=$(module_time netpol $KUBE_ROUTER_MODULE '%Y-%m-%dT%H:%M:%S%z')"
}

build coredns "${coredns_version#v}" coredns coredns . ldflags_coredns $COREDNS_MODULE
COREDNS="$bin/coredns"
build kube-state-metrics "${ksm_version#v}" kube-state-metrics kube-state-metrics $KSM_MODULE ldflags_ksm $KSM_MODULE
KUBE_STATE_METRICS="$bin/kube-state-metrics"
build prometheus-config-reloader "${reloader_version#v}" prometheus-config-reloader config-reloader \
  $OPERATOR_MODULE/cmd/prometheus-config-reloader ldflags_reloader $OPERATOR_MODULE
CONFIG_RELOADER="$bin/prometheus-config-reloader"
build kube-router "${kube_router_version#v}" kube-router netpol $KUBE_ROUTER_MODULE/cmd/kube-router ldflags_kube_router $KUBE_ROUTER_MODULE
NETPOL="$bin/kube-router"
# The Operator, its own config reloader (the sidecar it injects) and po-lint (ours: upstream removed its own,
# see tools/cluster/prometheus-operator/cmd/po-lint), in one build. The folder also names a digest of the
# wrapper's sources (po-lint is ours, as testbed below): an edit rebuilds, and only the current one is kept.
source_digest() {
  (cd "$here/$1" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
}
operator_build="${operator_version#v}-$(source_digest prometheus-operator)"
build prometheus-operator "$operator_build" operator prometheus-operator \
  "$OPERATOR_MODULE/cmd/operator $OPERATOR_MODULE/cmd/prometheus-config-reloader ./cmd/po-lint" ldflags_operator $OPERATOR_MODULE
for old in "$out"/prometheus-operator-*; do [ "$old" = "${bin%/bin}" ] || rm -rf "$old"; done
PROMETHEUS_OPERATOR="$bin/operator"
OPERATOR_CONFIG_RELOADER="$bin/prometheus-config-reloader"
PO_LINT="$bin/po-lint"
for p in "$OPERATOR_CONFIG_RELOADER" "$PO_LINT"; do [ -x "$p" ] || die "$p is missing: remove ${bin%/bin} and run again"; done

# --- Our programs (tools/cluster/testbed), versioned by a digest of their sources ---

testbed_version="$(source_digest testbed)"
ldflags_testbed() { echo "-s -w -X cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo.Version=$testbed_version"; }
# One `go build` for our commands; `image-archive`, built with them, stands for the set.
build testbed "$testbed_version" image-archive testbed ./cmd/... ldflags_testbed
tb="$bin"
# Each edit of the sources makes a new folder: keep only the current one.
for old in "$out"/testbed-*; do [ "$old" = "${tb%/bin}" ] || rm -rf "$old"; done
PAUSE="$tb/pause"
IRIS_API="$tb/iris-api-standin"
WEBHOOK="$tb/alert-webhook"
HTTP_PROBE="$tb/http-probe"
IMAGE_BUILDER="$tb/image-archive"
for p in "$PAUSE" "$IRIS_API" "$WEBHOOK" "$HTTP_PROBE"; do [ -x "$p" ] || die "$p is missing: remove ${tb%/bin} and run again"; done

# --- Images, laid out as the official ones, tagged as the manifests write them ---

# The versions and image tags of src/common/versions.ts (class Versions), read without compiling it.
versions_ts="$repo/src/common/versions.ts"
version_of() { sed -n "s/^ *public static readonly $1 = '\([^']*\)';.*/\1/p" "$versions_ts"; }
image_of() {
  local tag name
  tag="$(sed -n "s/^ *public static readonly $1: string = \`\([^\`]*\)\`;.*/\1/p" "$versions_ts")"
  while [[ $tag =~ \$\{Versions\.([A-Z_]+)\} ]]; do
    name=${BASH_REMATCH[1]}
    tag=${tag//"\${Versions.$name}"/$(version_of "$name")}
  done
  [ -n "$tag" ] || die "no $1 in $versions_ts"
  echo "$tag"
}
IMAGE_PROMETHEUS="$(image_of PROMETHEUS_IMAGE)"
IMAGE_ALERTMANAGER="$(image_of ALERTMANAGER_IMAGE)"
IMAGE_CONFIG_RELOADER="$(image_of CONFIG_RELOADER_IMAGE)"
[ "$(version_of CONFIG_RELOADER)" = "${reloader_version#v}" ] ||
  die "tools/cluster/config-reloader/go.mod requires $reloader_version, src/common/versions.ts deploys $(version_of CONFIG_RELOADER)"
IMAGE_PROMETHEUS_OPERATOR="quay.io/prometheus-operator/prometheus-operator:$operator_version"
IMAGE_OPERATOR_CONFIG_RELOADER="quay.io/prometheus-operator/prometheus-config-reloader:$operator_version"
IMAGE_KUBE_STATE_METRICS="registry.k8s.io/kube-state-metrics/kube-state-metrics:$ksm_version"
IMAGE_COREDNS="registry.k8s.io/coredns/coredns:$coredns_version"
# The sandbox image: containerd's `sandbox_image` must name this tag, or it pulls its own default.
IMAGE_PAUSE="registry.k8s.io/pause:3.10"
IMAGE_IRIS_API="localhost/iris-api-standin:test"
IMAGE_WEBHOOK="localhost/alert-webhook:test"
IMAGE_HTTP_PROBE="localhost/http-probe:test"

# The manifests under tools/cluster/manifests and tools/cluster/operator name these tags (the Operator's
# `--prometheus-config-reloader=` argument too): one set of versions, checked here.
tags=" $IMAGE_PROMETHEUS $IMAGE_ALERTMANAGER $IMAGE_CONFIG_RELOADER $IMAGE_PROMETHEUS_OPERATOR $IMAGE_OPERATOR_CONFIG_RELOADER $IMAGE_KUBE_STATE_METRICS $IMAGE_COREDNS $IMAGE_PAUSE $IMAGE_IRIS_API $IMAGE_WEBHOOK $IMAGE_HTTP_PROBE "
while read -r file image; do
  [[ $tags == *" $image "* ]] || die "${file#"$repo"/}: image $image is not one this script builds"
done < <(awk '$1 == "image:" { print FILENAME, $2 } $1 == "-" && $2 ~ /^--prometheus-config-reloader=/ { sub(/^[^=]*=/, "", $2); print FILENAME, $2 }' \
  "$here"/manifests/*.yaml "$here"/operator/*.yaml)

# Prometheus and Alertmanager as tools/install.sh built them (it is not run from here: it may be building).
prometheus_bin="$cache/tools/prometheus-$(version_of PROMETHEUS)/bin"
alertmanager_bin="$cache/tools/alertmanager-$(version_of ALERTMANAGER)/bin"
for b in "$prometheus_bin/prometheus" "$prometheus_bin/promtool" "$alertmanager_bin/alertmanager" "$alertmanager_bin/amtool"; do
  [ -x "$b" ] || die "$b is missing: run tools/install.sh first"
done
# Their example configurations (and Prometheus's LICENSE and NOTICE), which the official images carry, come
# from the module sources that tools/install.sh built from.
module_dir() {
  local dir
  dir="$(go env GOMODCACHE)/$2@$(required "$repo/tools/$1/go.mod" "$2")"
  [ -d "$dir" ] || (cd "$repo/tools/$1" && go mod download "$2")
  echo "$dir"
}
prometheus_src="$(module_dir prometheus github.com/prometheus/prometheus)"
alertmanager_src="$(module_dir alertmanager github.com/prometheus/alertmanager)"

# Debian packages: busybox-static for the images, ipset for kube-router (with iptables, at run time).
for package in busybox-static ipset; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' $package 2>/dev/null)" = installed ] && continue
  [ "$(id -u)" = 0 ] || die "$package is needed: sudo apt-get install -y --no-install-recommends $package"
  log "installing Debian's $package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $package >&2
done

# The official images' bases: Prometheus' busybox image (busybox, /bin applets, nobody) and distroless
# static (users root, nonroot 65532, nobody). Busybox is Debian's static build.
base=(--file="$here/rootfs/etc/passwd=/etc/passwd" --file="$here/rootfs/etc/group=/etc/group"
  --file="$here/rootfs/etc/nsswitch.conf=/etc/nsswitch.conf" --dir=/tmp:1777
  --env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
busybox_base=("${base[@]}" --file=/bin/busybox=/bin/busybox:0755)
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || busybox_base+=(--symlink="/bin/$applet=busybox")
done

images="$out/images"
mkdir -p "$images"
# image FILE ARGS...: writes $images/FILE.tar with `image-archive ARGS` unless the archive there was made
# from the same inputs (the builder, its arguments, each source file's size and time).
image() {
  local file=$1 key arg
  shift
  key="$({
    echo "$IMAGE_BUILDER"
    for arg in "$@"; do
      echo "$arg"
      if [[ $arg == --file=* ]]; then arg=${arg#--file=}; stat -L -c '%s %Y' "${arg%%=*}"; fi
    done
  } | sha256sum)"
  [ -f "$images/$file.tar" ] && [ "$(cat "$images/.$file.key" 2>/dev/null)" = "$key" ] && return 0
  log "writing image $file.tar"
  rm -f "$images/.$file.key"
  "$IMAGE_BUILDER" -out "$images/$file.tar" "$@"
  echo "$key" >"$images/.$file.key"
}

image prometheus "${busybox_base[@]}" --tag="$IMAGE_PROMETHEUS" \
  --file="$prometheus_bin/prometheus=/bin/prometheus:0755" --file="$prometheus_bin/promtool=/bin/promtool:0755" \
  --file="$prometheus_src/documentation/examples/prometheus.yml=/etc/prometheus/prometheus.yml:0644:65534:65534" \
  --file="$prometheus_src/LICENSE=/LICENSE" --file="$prometheus_src/NOTICE=/NOTICE" \
  --dir=/etc/prometheus:0755:65534:65534 --dir=/prometheus:0775:65534:65534 \
  --user=nobody --workdir=/prometheus --expose=9090 --entrypoint='["/bin/prometheus"]' \
  --cmd='["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]'
image alertmanager "${busybox_base[@]}" --tag="$IMAGE_ALERTMANAGER" \
  --file="$alertmanager_bin/amtool=/bin/amtool:0755" --file="$alertmanager_bin/alertmanager=/bin/alertmanager:0755" \
  --file="$alertmanager_src/examples/ha/alertmanager.yml=/etc/alertmanager/alertmanager.yml:0664:65534:65534" \
  --dir=/etc/alertmanager:0755:65534:65534 --dir=/alertmanager:0775:65534:65534 \
  --user=nobody --workdir=/alertmanager --expose=9093 --entrypoint='["/bin/alertmanager"]' \
  --cmd='["--config.file=/etc/alertmanager/alertmanager.yml","--storage.path=/alertmanager"]'
image prometheus-config-reloader "${busybox_base[@]}" --tag="$IMAGE_CONFIG_RELOADER" \
  --file="$CONFIG_RELOADER=/bin/prometheus-config-reloader:0755" \
  --user=nobody --entrypoint='["/bin/prometheus-config-reloader"]'
# The Operator's images, as its Dockerfiles make them: busybox base, one program in /bin, user nobody.
image prometheus-operator "${busybox_base[@]}" --tag="$IMAGE_PROMETHEUS_OPERATOR" \
  --file="$PROMETHEUS_OPERATOR=/bin/operator:0755" --user=65534 --entrypoint='["/bin/operator"]'
image operator-config-reloader "${busybox_base[@]}" --tag="$IMAGE_OPERATOR_CONFIG_RELOADER" \
  --file="$OPERATOR_CONFIG_RELOADER=/bin/prometheus-config-reloader:0755" \
  --user=nobody --entrypoint='["/bin/prometheus-config-reloader"]'
image kube-state-metrics "${base[@]}" --tag="$IMAGE_KUBE_STATE_METRICS" \
  --file="$KUBE_STATE_METRICS=/kube-state-metrics:0755" --user=65534 --expose=8080 --expose=8081 \
  --entrypoint='["/kube-state-metrics","--port=8080","--telemetry-port=8081"]'
image coredns "${base[@]}" --tag="$IMAGE_COREDNS" \
  --file="$COREDNS=/coredns:0755" --user=65532:65532 --workdir=/ --expose=53/tcp --expose=53/udp --entrypoint='["/coredns"]'
image pause --tag="$IMAGE_PAUSE" --file="$PAUSE=/pause:0755" --user=65535:65535 --entrypoint='["/pause"]'
image iris-api-standin "${base[@]}" --tag="$IMAGE_IRIS_API" \
  --file="$IRIS_API=/iris-api-standin:0755" --user=65534:65534 --expose=8000 --entrypoint='["/iris-api-standin"]'
image alert-webhook "${base[@]}" --tag="$IMAGE_WEBHOOK" \
  --file="$WEBHOOK=/alert-webhook:0755" --user=65534:65534 --expose=8080 --entrypoint='["/alert-webhook"]'
# A client for network checks: the pod waits (pause), `kubectl exec ... /http-probe URL` makes one request.
image http-probe "${base[@]}" --tag="$IMAGE_HTTP_PROBE" \
  --file="$PAUSE=/pause:0755" --file="$HTTP_PROBE=/http-probe:0755" --user=65534:65534 --entrypoint='["/pause"]'

for key in COREDNS KUBE_STATE_METRICS CONFIG_RELOADER NETPOL PROMETHEUS_OPERATOR OPERATOR_CONFIG_RELOADER PO_LINT PAUSE IRIS_API WEBHOOK HTTP_PROBE IMAGE_BUILDER; do
  printf '%s=%q\n' "$key" "${!key}"
done
printf 'IMAGES_DIR=%q\n' "$images"
for key in IMAGE_PROMETHEUS IMAGE_ALERTMANAGER IMAGE_CONFIG_RELOADER IMAGE_PROMETHEUS_OPERATOR IMAGE_OPERATOR_CONFIG_RELOADER IMAGE_KUBE_STATE_METRICS IMAGE_COREDNS IMAGE_PAUSE IMAGE_IRIS_API IMAGE_WEBHOOK IMAGE_HTTP_PROBE; do
  printf '%s=%q\n' "$key" "${!key}"
done
