#!/usr/bin/env bash
# Builds the programs the tests run, from the Go module proxy, at exactly the versions the library deploys:
# promtool and prometheus (tools/prometheus/go.mod), amtool and alertmanager (tools/alertmanager/go.mod).
# test/tool-versions.test.ts checks that those go.mod files require the versions of src/common/versions.ts.
#
# The binaries go outside the repository, to one folder per program and version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/tools/<program>-<version>/bin
# where test/support/tools.ts looks for them. A folder already there is not rebuilt; the Go build and module
# caches stay in their default places. Prints each program's version.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin"
# Module mode, whatever go.work a parent folder holds: a workspace also loads modules that the build list
# names but no package needs, and then finds some packages in two modules.
export GOWORK=off
# Static binaries, as upstream's release builds (promu) make them.
export CGO_ENABLED=0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/tools"
work='' # the folder of the build in progress, removed however the script ends
trap '[ -z "$work" ] || rm -rf "$work"' EXIT

# The release a module version stands for: Prometheus 3.MM.P is published as Go module v0.3MM.P.
release_of() {
  local module=$1 version=$2
  if [[ $module == github.com/prometheus/prometheus ]]; then
    [[ $version =~ ^v0\.([1-9])([0-9]{2})\.([0-9]+)$ ]] || { echo "unexpected Prometheus module version $version" >&2; return 1; }
    echo "${BASH_REMATCH[1]}.$((10#${BASH_REMATCH[2]})).${BASH_REMATCH[3]}"
  else
    echo "${version#v}"
  fi
}

# Evaluates JavaScript on the JSON that `go mod edit -json` prints for a go.mod file: `m` is the parsed file.
go_mod() {
  go mod edit -json "$1" | node -e "const m = JSON.parse(require('fs').readFileSync(0, 'utf8')); $2"
}

# The exclude and replace directives of a go.mod file.
directives() {
  go_mod "$1" 'console.log(JSON.stringify({ exclude: m.Exclude, replace: m.Replace }))'
}

# Builds the `tool` lines of one wrapper module (folder $1, requiring module $2) unless they are built.
build() {
  local wrapper=$1 module=$2 version release dir tools missing=0
  version=$(cd "$wrapper" && go list -m -f '{{.Version}}' "$module")
  release=$(release_of "$module" "$version")
  dir="$CACHE/$wrapper-$release"
  mapfile -t tools < <(go_mod "$wrapper/go.mod" 'for (const t of m.Tool) console.log(t.Path.split("/").pop())')
  for tool in "${tools[@]}"; do [ -x "$dir/bin/$tool" ] || missing=1; done
  if [ "$missing" = 1 ]; then
    # The directives of a dependency's go.mod are ignored: without a copy in the wrapper, the build would
    # select other versions of some dependencies than upstream's release does.
    local upstream
    upstream=$(cd "$wrapper" && go list -m -f '{{.GoMod}}' "$module")
    if [ "$(directives "$upstream")" != "$(directives "$wrapper/go.mod")" ]; then
      echo "tools/$wrapper/go.mod must carry the exclude and replace directives of $module@$version's go.mod:" >&2
      directives "$upstream" >&2
      return 1
    fi
    echo "building ${tools[*]} $release (Go module $module $version) into $dir/bin"
    mkdir -p "$CACHE"
    work=$(mktemp -d "$CACHE/.build-XXXXXX")
    # Only a complete build is moved into place: an interrupted one leaves nothing that looks installed.
    (
      cd "$wrapper"
      prepare_"$wrapper" "$module" "$work"
      # The version is stamped as upstream's release build does (`--version`, `prometheus_build_info`); no
      # VCS stamp: this repository's commit says nothing about the programs.
      go build -trimpath -buildvcs=false -tags netgo -o "$work/bin/" \
        -ldflags "-X github.com/prometheus/common/version.Version=$release" tool
    )
    rm -rf "$dir"
    mkdir -p "$dir"
    mv "$work/bin" "$dir/bin"
    rm -rf "$work"
    work=''
  fi
  for tool in "${tools[@]}"; do "$dir/bin/$tool" --version 2>&1 | head -1; done
}

# Prometheus builds as published: without the `builtinassets` tag (the compiled web UI is not in the Go
# module), the server serves its API but no UI, which the tests do not use.
prepare_prometheus() { :; }

# Alertmanager embeds its compiled web UI (ui/app/dist), which is not in the Go module either, and the
# package does not compile without it. It is built from a copy of the module's source (as downloaded and
# checked against go.sum) with a placeholder page, by a copy of the wrapper module that replaces the module
# with it; the dependencies stay those of go.mod and go.sum. Moves into that copy of the wrapper.
prepare_alertmanager() {
  local module=$1 work=$2
  go mod download "$module"
  cp -r "$(go list -m -f '{{.Dir}}' "$module")" "$work/src"
  chmod -R u+w "$work/src"
  for ui in elm mantine; do
    mkdir -p "$work/src/ui/app/dist/$ui"
    echo '<!doctype html><title>Alertmanager</title><p>Built by tools/install.sh for tests: API only, no web UI.' >"$work/src/ui/app/dist/$ui/index.html"
  done
  mkdir "$work/wrapper"
  cp go.mod go.sum "$work/wrapper/"
  cd "$work/wrapper"
  go mod edit -replace "$module=$work/src"
}

build prometheus github.com/prometheus/prometheus
build alertmanager github.com/prometheus/alertmanager
