#!/usr/bin/env bash
# Installs the Debian packages epsim builds with, if any is missing.
# Usage: tools/install-deps.sh [--bench]
#   --bench  also what tools/bench.sh plots with (python3-matplotlib)
set -euo pipefail

packages=(g++ meson ninja-build pkg-config cmake libgtest-dev librapidcheck-dev
	libbenchmark-dev libcli11-dev libfmt-dev)
[ "${1:-}" = "--bench" ] && packages+=(python3-matplotlib)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "epsim: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
