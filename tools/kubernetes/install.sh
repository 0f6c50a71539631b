#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kubectl for the kube-apiserver test
# (test/kube-apiserver.test.ts), at the Kubernetes version that tools/kubernetes/go.mod requires.
#
# The binaries go to a per-version cache outside the repository:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/kubernetes/<version>/bin
# Only missing binaries are built; a cached run takes well under a second. A cold build of the three
# took 14m45s on 2 cores shared with other builds (~10 min of CPU; kube-apiserver is most of it), plus the
# module downloads; with the Go build cache ($GOCACHE) warm, a rebuild is mostly linking.
#
# Usage: tools/kubernetes/install.sh            build what is missing, print the bin directory
#        tools/kubernetes/install.sh --bin-dir  print the bin directory only
#        tools/kubernetes/install.sh --version  print the Kubernetes version only
# Needs Go >= 1.26 (on PATH or /usr/local/go/bin) and the Go module proxy. etcd is Debian's
# `etcd-server` package (apt-get install etcd-server), not built here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v1\./ { print $2; exit }' "$here/go.mod")"
if [ -z "$version" ]; then
  echo "install.sh: no k8s.io/kubernetes requirement in $here/go.mod" >&2
  exit 1
fi
bin="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/kubernetes/$version/bin"
commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

case "${1:-}" in
  --bin-dir) echo "$bin"; exit 0 ;;
  --version) echo "$version"; exit 0 ;;
  '') ;;
  *) echo "usage: $0 [--bin-dir|--version]" >&2; exit 2 ;;
esac

missing=()
for c in "${commands[@]}"; do
  [ -x "$bin/$c" ] || missing+=("$c")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "$bin"
  exit 0
fi

go="$(command -v go || true)"
[ -n "$go" ] || go=/usr/local/go/bin/go
if [ ! -x "$go" ]; then
  echo "install.sh: Go >= 1.26 is needed (not on PATH, not at /usr/local/go/bin/go)" >&2
  exit 1
fi

# What hack/lib/version.sh stamps into release builds, so that `kubectl version` and /version report
# the real version (kubectl compares it with the server's).
minor="${version#v1.}"
minor="${minor%%.*}"
cd "$here"
# Module mode whatever go.work a parent folder holds; static binaries, as upstream's release builds.
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly"
build_date="$("$go" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
done

mkdir -p "$bin"
tmp="$(mktemp -d "$bin/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
pkgs=()
for c in "${missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
echo "install.sh: building ${missing[*]} $version with $("$go" env GOVERSION) into $bin" >&2
start=$SECONDS
"$go" build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}"
for c in "${missing[@]}"; do
  "$tmp/$c" --version >/dev/null 2>&1 || "$tmp/$c" version --client >/dev/null
  mv -f "$tmp/$c" "$bin/$c"
done
echo "install.sh: built ${missing[*]} in $((SECONDS - start)) s" >&2
echo "$bin"
