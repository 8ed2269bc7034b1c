#!/usr/bin/env bash
# Installs what is missing (python3-matplotlib too), builds, runs every
# benchmark of bench/epsim_bench into bench/out/results.json and regenerates
# docs/img/*.png, *.svg and the generated block of docs/benchmarks.md.
# Takes about 10 minutes on 2 cores; run it on an otherwise idle machine.
# Usage: tools/bench.sh [Google Benchmark flags, e.g. --benchmark_filter=Model]
#        tools/bench.sh --plot-only     (re-plot bench/out/results.json)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh --bench
out=bench/out/results.json
if [ "${1:-}" != "--plot-only" ]; then
	[ -f build/build.ninja ] || meson setup build >/dev/null
	meson configure build -Dbench=true >/dev/null
	meson compile -C build bench/epsim_bench
	mkdir -p bench/out
	build/bench/epsim_bench --benchmark_out="$out" --benchmark_out_format=json "$@"
fi
# Debian's python3, which has matplotlib (a pyenv python3 may not).
/usr/bin/python3 bench/plot.py "$out" --img docs/img --doc docs/benchmarks.md
echo "epsim: plots in docs/img/, tables in docs/benchmarks.md"
