#!/usr/bin/env bash
# Everything the test suite runs besides Node: the real tools at the versions the stack deploys, built from the
# Go module proxy and cached per version under ~/.cache (minutes the first time, under a second after), and
# Debian's etcd for the kube-apiserver suite. `npm test` runs this first, so a fresh machine needs no other step.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "tools/install-all.sh: Go 1.26 is needed to build the test tools (https://go.dev/dl/)" >&2; exit 1; }
bash tools/install.sh >/dev/null
bash tools/dashboard-linter/install.sh >/dev/null
# Debian's packages: etcd for the kube-apiserver suite; containerd, runc, the CNI plugins, iptables and conntrack for
# the real cluster (tools/cluster/cluster.sh), ipset for its NetworkPolicy engine; curl and openssl for its
# bootstrap; busybox-static for the images' busybox base (as the official Prometheus image has).
packages=(etcd-server containerd runc containernetworking-plugins iptables ipset conntrack curl openssl busybox-static)
commands=(etcd containerd runc /usr/lib/cni/bridge iptables ipset conntrack curl openssl /bin/busybox)
missing=0
for c in "${commands[@]}"; do command -v "$c" >/dev/null || missing=1; done
if [ "$missing" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "tools/install-all.sh: as root: apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
fi
bash tools/kubernetes/install.sh >/dev/null
# The real cluster's other programs and its images (CoreDNS, kube-state-metrics, the config reloader, a NetworkPolicy
# engine, the Iris API stand-in, the webhook sink), built from the Go module proxy and cached per version.
bash tools/cluster/install.sh >/dev/null
# test/consumers.test.ts: the Python venv (cdk8s from PyPI, ~12 s once), and the Go and Java bindings of cdk8s and
# cdk8s-plus-28 that the registries here do not serve, generated from the npm packages (~2-4 min once). Cached.
bash tools/python/install.sh >/dev/null
bash tools/jsii-bindings/install.sh >/dev/null
