#!/usr/bin/env bash
# The Python virtualenv of test/consumers.test.ts: cdk8s, cdk8s-plus-28, constructs and the jsii runtime from
# PyPI, exactly as pinned (with hashes) in requirements.txt beside this script. Cached outside the repository in a
# folder named after a hash of requirements.txt and the Python version: a no-op (well under a second) once built,
# ~12 s the first time. Prints the folder. A venv cannot be moved, so it is built in place and marked complete
# last: a half-built one is removed and built again.
#
# After a version bump (package-lock.json, jsii-pacmak): in a scratch venv,
#   pip install cdk8s==X cdk8s-plus-28==Y constructs==Z jsii==<jsii-pacmak version> setuptools==75.3.2 wheel
#   pip freeze --all | grep -v '^pip=='            # the pins
#   pip download --no-deps --only-binary=:all: -d dl -r pins.txt && sha256sum dl/*   # the hashes
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "tools/python/install.sh: $python not found (Python >= 3.10 is needed)" >&2; exit 1; }

key=$( { cat "$here/requirements.txt"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-16)
venv="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-mlops-monitoring/python-venv/$key"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --require-hashes --no-deps \
    -r "$here/requirements.txt"
  touch "$venv/.complete"
fi
echo "$venv"
