#!/usr/bin/env bash
# Installs what is missing, builds, and runs the epsim CLI.
# Usage: tools/epsim.sh demo
set -euo pipefail
cd "$(dirname "$0")/.."

tools/build.sh >/dev/null
exec build/epsim "$@"
