// SPDX-License-Identifier: GPL-2.0-only
//
// epsim_bench: the main() Debian's Google Benchmark lacks, and the helpers
// of bench.h (the counting allocator is in alloc_count.cc).
//
// Defaults (each overridable on the command line, later flags win):
// --benchmark_min_time=0.1 --benchmark_repetitions=3
// --benchmark_display_aggregates_only=true.  RLIMIT_NOFILE is raised to
// its hard limit first, since the host sweeps go as far as it allows.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "bench/bench.h"

namespace {

void raise_nofile_limit()
{
	rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			std::perror("epsim_bench: setrlimit(RLIMIT_NOFILE)");
	}
}

} // namespace

namespace epsim::bench {

size_t host_capacity(size_t fds_per_object, size_t spare)
{
	rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur <= spare + 16)
		return 0;
	// Leave 16 for stdio, the epoll fds and the benchmark library.
	return (rl.rlim_cur - spare - 16) / fds_per_object;
}

std::vector<int64_t> host_sizes(size_t cap)
{
	std::vector<int64_t> sizes;
	int64_t top = static_cast<int64_t>(cap) / 1000 * 1000;

	for (int64_t n = 10; n <= static_cast<int64_t>(cap); n *= 10)
		sizes.push_back(n);
	if (top > 0 && (sizes.empty() || top > sizes.back()))
		sizes.push_back(top);
	return sizes;
}

std::vector<int64_t> k_fractions(int64_t n)
{
	std::vector<int64_t> ks;

	for (int64_t percent : {0, 1, 10, 40, 100}) {
		int64_t k = std::max<int64_t>(1, n * percent / 100);

		if (ks.empty() || k != ks.back())
			ks.push_back(k);
	}
	return ks;
}

std::vector<int64_t> k_sweep(int64_t n)
{
	std::vector<int64_t> ks = {1};

	for (int64_t percent = 5; percent <= 100; percent += 5)
		ks.push_back(std::max<int64_t>(2, n * percent / 100));
	return ks;
}

void StatsScope::report(benchmark::State &state, uint64_t ops) const
{
	const kern::model_stats &now = kern::kstats;
	double d = ops ? static_cast<double>(ops) : 1.0;

	state.counters["f_op_poll"] = static_cast<double>(now.f_op_poll - before.f_op_poll) / d;
	state.counters["wq_linked"] = static_cast<double>(now.wq_linked - before.wq_linked) / d;
	state.counters["wq_unlinked"] =
		static_cast<double>(now.wq_unlinked - before.wq_unlinked) / d;
	state.counters["bytes_to_user"] =
		static_cast<double>(now.copy_to_user - before.copy_to_user) / d;
	state.counters["bytes_from_user"] =
		static_cast<double>(now.copy_from_user - before.copy_from_user) / d;
}

} // namespace epsim::bench

int main(int argc, char **argv)
{
	std::vector<char *> args = {argv[0]};
	char min_time[] = "--benchmark_min_time=0.1";
	char reps[] = "--benchmark_repetitions=3";
	char aggregates[] = "--benchmark_display_aggregates_only=true";

	raise_nofile_limit();
	args.insert(args.end(), {min_time, reps, aggregates});
	args.insert(args.end(), argv + 1, argv + argc);
	int nargs = static_cast<int>(args.size());

	epsim::bench::register_wait_benchmarks();
	epsim::bench::register_ctl_benchmarks();
	benchmark::Initialize(&nargs, args.data());
	if (benchmark::ReportUnrecognizedArguments(nargs, args.data()))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
