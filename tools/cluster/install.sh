#!/usr/bin/env bash
# Builds every program and container image of the test cluster from source (no registry is reachable):
#   - CoreDNS, kube-state-metrics, prometheus-config-reloader and kube-router (its NetworkPolicy firewall
#     only), each from one wrapper Go module under tools/cluster/<program>/ whose go.mod holds its version;
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
# to stderr. Needs Go >= 1.26, Node (to compare go.mod directives), Debian's busybox-static, and the Go
# module proxy for a cold build.
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

# build NAME VERSION BINARY WRAPPER PACKAGE LDFLAGS_FUNCTION [MODULE]: `go build` PACKAGE of the wrapper
# module into $out/NAME-VERSION/bin/ unless BINARY is already there. LDFLAGS_FUNCTION prints the flags (it
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
  (cd "$here/$wrapper" && go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$work/bin/" "$package")
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

# Each stamps what upstream's Makefile stamps into a release build (`--version`, *_build_info), but the git
# commit, which the module proxy does not tell. CoreDNS stamps only that commit.
ldflags_coredns() { echo "-s -w"; }
ldflags_ksm() {
  local p=github.com/prometheus/common/version
  echo "-s -w -X $p.Version=$ksm_version -X $p.BuildDate=$(module_time kube-state-metrics $KSM_MODULE '%Y-%m-%dT%H:%M:%SZ')" \
    "-X $KSM_MODULE/pkg/app.ClientGoVersion=$(required "$here/kube-state-metrics/go.mod" k8s.io/client-go)"
}
ldflags_reloader() {
  local p=github.com/prometheus/common/version
  echo "-s -X $p.Version=${reloader_version#v} -X $p.BuildDate=$(module_time config-reloader $OPERATOR_MODULE '%Y%m%d-%H:%M:%S')"
}
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

# --- Our programs (tools/cluster/testbed), versioned by a digest of their sources ---

testbed_version="$(cd "$here/testbed" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
  LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
ldflags_testbed() { echo "-s -w -X cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo.Version=$testbed_version"; }
# One `go build` for the four commands; `image-archive`, built with them, stands for the set.
build testbed "$testbed_version" image-archive testbed ./cmd/... ldflags_testbed
tb="$bin"
PAUSE="$tb/pause"
IRIS_API="$tb/iris-api-standin"
WEBHOOK="$tb/alert-webhook"
IMAGE_BUILDER="$tb/image-archive"
for p in "$PAUSE" "$IRIS_API" "$WEBHOOK"; do [ -x "$p" ] || die "$p is missing: remove ${tb%/bin} and run again"; done
