#!/usr/bin/env bash
# Installs what is missing (python3-matplotlib too), builds, runs every
# benchmark of bench/epsim_bench into bench/out/results.json and regenerates
# docs/img/*.png, *.svg and the generated block of docs/benchmarks.md.
# Takes about 6 minutes on 2 cores; run it on an otherwise idle machine.
#
# Usage: tools/bench.sh                 everything, then docs/
#        tools/bench.sh --plot-only     re-plot bench/out/results.json into docs/
#        tools/bench.sh FLAGS...        a partial run (e.g. --benchmark_filter=Model):
#                                       results, plots and tables go to bench/out/
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh --bench
out=bench/out/results.json img=docs/img doc=docs/benchmarks.md
if [ $# -gt 0 ] && [ "$1" != "--plot-only" ]; then
	out=bench/out/partial.json img=bench/out/img doc=bench/out/benchmarks.md
	mkdir -p bench/out
	cp docs/benchmarks.md "$doc"
fi
if [ "${1:-}" != "--plot-only" ]; then
	[ -f build/build.ninja ] || meson setup build >/dev/null
	meson configure build -Dbench=true >/dev/null
	# ninja regenerates build.ninja first when the option changed.
	ninja -C build bench/epsim_bench
	mkdir -p bench/out
	build/bench/epsim_bench --benchmark_out="$out" --benchmark_out_format=json "$@"
fi
# Debian's python3, which has matplotlib (a pyenv python3 may not).
/usr/bin/python3 bench/plot.py "$out" --img "$img" --doc "$doc"
echo "epsim: plots in $img/, tables in $doc"
