#!/usr/bin/env bash
# Builds Grafana's dashboard-linter (test/dashboard-lint.test.ts runs it on every synthesized dashboard) at the
# version pinned in go.mod into a cache folder outside the repository; a no-op when that version is built.
# A module of our own rather than `go install module@version`: go.sum pins the checksum of the linter and of
# every module it builds from, so no machine depends on the checksum database (which has no entry served here
# for the linter's untagged pseudo-version).
set -euo pipefail
cd "$(dirname "$0")"
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"

version=$(awk '$1 == "github.com/grafana/dashboard-linter" { print $2 }' go.mod)
dir="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/dashboard-linter/$version"
if [ ! -x "$dir/dashboard-linter" ]; then
  mkdir -p "$dir"
  # Built beside, then renamed: an interrupted build never leaves a binary that looks complete.
  go build -trimpath -o "$dir/dashboard-linter.partial" github.com/grafana/dashboard-linter
  mv "$dir/dashboard-linter.partial" "$dir/dashboard-linter"
fi
echo "dashboard-linter $version: $dir/dashboard-linter"
