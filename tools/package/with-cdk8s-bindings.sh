#!/usr/bin/env bash
# The Go or Java package into dist/go or dist/java: `bash tools/package/with-cdk8s-bindings.sh go|java`
# (the package:go and package:java tasks).
#
# jsii-pacmak compiles what it generates (`go build`, `mvn package`) against cdk8s and cdk8s-plus-28 for that
# language. The registries reached here do not serve those (tools/jsii-bindings/install.sh says which), so they
# are generated from the npm packages in node_modules, at the versions of package-lock.json, by the same
# jsii-pacmak (cached; ~4 min the first time for Java). They are put beside the output, where jsii-pacmak looks for
# local packages first (a `replace` for Go, a local Maven repository for Java), and only this library's package
# is copied to dist/. The package is the same either way: it names cdk8s by version, not by location.
set -euo pipefail
target="${1:?usage: with-cdk8s-bindings.sh go|java}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring"

bindings=$(bash "$root/tools/jsii-bindings/install.sh" "$target" | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/$target"
cp -R "$bindings/$target/." "$work/$target/"
rm -f "$work/$target/.complete"

args=(-v --no-npmignore --target "$target" -o "$work")
[ "$target" = java ] && args+=("--maven-local-repository=$cache/maven-repo")
(cd "$root" && node_modules/.bin/jsii-pacmak "${args[@]}")

# This library's part of the output: the Go module folder, or the Maven artifact folder (jar, sources, javadoc, pom).
ours=$(cd "$root" && node -p "const t = require('./package.json').jsii.targets;
  '$target' === 'go' ? t.go.packageName : [...t.java.maven.groupId.split('.'), t.java.maven.artifactId].join('/')")
rm -rf "$root/dist/$target"
mkdir -p "$root/dist/$target/$(dirname "$ours")"
cp -R "$work/$target/$ours" "$root/dist/$target/$ours"
echo "dist/$target/$ours"
