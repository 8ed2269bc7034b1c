#!/usr/bin/env bash
# Installs what is missing, configures and builds epsim in build/.
# Usage: tools/build.sh [extra meson setup options]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build "$@" >/dev/null
fi
meson compile -C build
