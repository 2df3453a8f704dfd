#!/usr/bin/env bash
# Install the compilers and interpreters for the named PLs (all by default), plus
# bubblewrap for the sandbox and python3-venv for the README's set-up, from Debian
# packages (TypeScript from npm). Idempotent: a PL whose toolchain is already found is
# skipped, so a second run installs nothing. Quiet on success; prints apt/npm output only
# when they fail.
#
#   scripts/install-toolchains.sh                # every PL in the registry
#   scripts/install-toolchains.sh cpp go rust    # just these (aliases work: rs, kt, ...)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

run_quiet() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "install-toolchains: failed: $*" >&2
        exit 1
    fi
}

# The registry (languages/) says which packages each PL needs; it needs only the stdlib.
python="$(command -v /usr/bin/python3 || command -v python3 || true)"
if [ -z "$python" ]; then
    run_quiet $sudo apt-get update -qq
    run_quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3
    python=/usr/bin/python3
fi
{ read -r debs; read -r npms; read -r test_debs; read -r test_npms; } < <(PYTHONPATH="$repo/src" "$python" -m parallel_sft.languages missing "$@")

wanted=""
for pkg in bubblewrap python3-venv $debs $test_debs; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        # A package whose command is already on PATH from elsewhere (npm, node) is skipped.
        command -v "$pkg" >/dev/null 2>&1 || wanted="$wanted $pkg"
    fi
done
if [ -n "$wanted" ]; then
    run_quiet $sudo apt-get update -qq
    run_quiet $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $wanted
fi
if [ -n "$npms" ]; then
    command -v npm >/dev/null 2>&1 || {
        run_quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm
    }
    run_quiet $sudo npm install -g --silent $npms
fi
# The benchmarks' JavaScript test libraries, where npm does not have them yet.
missing_npm=""
for pkg in $test_npms; do
    [ -d "$(npm root -g 2>/dev/null)/$pkg" ] || missing_npm="$missing_npm $pkg"
done
if [ -n "$missing_npm" ]; then
    command -v npm >/dev/null 2>&1 || {
        run_quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm
    }
    run_quiet $sudo npm install -g --silent $missing_npm
fi

# Check what we promised: every requested toolchain is now found.
{ read -r debs; read -r npms; read -r _; read -r _; } < <(PYTHONPATH="$repo/src" "$python" -m parallel_sft.languages missing "$@")
if [ -n "$debs$npms" ]; then
    echo "install-toolchains: still missing after install: $debs $npms" >&2
    exit 1
fi
