#!/usr/bin/env bash
# Go and Java bindings of cdk8s and cdk8s-plus-28, against which tools/package/with-cdk8s-bindings.sh builds the
# Go and Java packages of this library (and test/consumers.test.ts builds its Go app).
#
# usage: install.sh [go] [java]   (both by default)
#
# Why generate them: the registries reached here do not serve them. The Go module proxy answers
# `403 Forbidden: This module version is not available` for github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 and
# github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 (every version, even the list), and Maven Central has no
# org.cdk8s:cdk8s / org.cdk8s:cdk8s-plus-28 here ("Could not find artifact"). cdk8s publishes both with jsii-pacmak
# from the npm packages, so jsii-pacmak run on the npm packages we already have (package-lock.json versions) makes
# the same modules: Go sources with the published module paths, and a Maven repository folder with the jars.
# constructs and the jsii runtimes do come from the Go module proxy and Maven Central.
#
# Cached outside the repository per (cdk8s, cdk8s-plus-28, jsii-pacmak) version: Go ~10 s and Java ~4 min the
# first time (Maven downloads its plugins into the cached repository), nothing after. Prints the folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

version() { node -p "require('$root/node_modules/$1/package.json').version"; }
cdk8s=$(version cdk8s); plus=$(version cdk8s-plus-28); pacmak=$(version jsii-pacmak)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring"
dir="$cache/jsii-bindings/cdk8s-$cdk8s-plus-28-$plus-pacmak-$pacmak"
mkdir -p "$dir"
targets="${*:-go java}"
wanted() { [[ " $targets " == *" $1 "* ]]; }
missing() { wanted "$1" && [ ! -f "$dir/$1/.complete" ]; }

if missing go || missing java; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Copies: jsii-pacmak runs `npm pack` in each package folder and may edit its .npmignore.
  mkdir -p "$work/node_modules"
  for p in constructs cdk8s cdk8s-plus-28; do cp -RL "$root/node_modules/$p" "$work/node_modules/"; done
  pacmak() { (cd "$work" && "$root/node_modules/.bin/jsii-pacmak" --no-npmignore "$@" node_modules/cdk8s node_modules/cdk8s-plus-28); }
  if missing go; then
    rm -rf "$dir/go"
    pacmak --target go --code-only -o "$work/out-go"
    mv "$work/out-go/go" "$dir/go"
    touch "$dir/go/.complete"
  fi
  if missing java; then
    rm -rf "$dir/java"
    pacmak --target java --maven-local-repository="$cache/maven-repo" -o "$work/out-java"
    mv "$work/out-java/java" "$dir/java"
    touch "$dir/java/.complete"
  fi
fi

# The modules the Go consumer needs from the Go module proxy (test/consumers/go/go.sum), into the module cache.
wanted go && awk '$1 !~ /^github.com\/(cdk8s-team|iris-mlops)\// { sub("/go.mod$", "", $2); print $1 "@" $2 }' \
  "$root/test/consumers/go/go.sum" | sort -u | (cd "$root/test/consumers/go" && xargs go mod download)

echo "$dir"
