// SPDX-License-Identifier: GPL-2.0-only
//
// The differential suite: random programs run in lockstep on SimKernel and
// on the real kernel (HostKernel), and every observable result must be the
// same (see sut.h for what is compared, commands.h for what is generated).
//
//   EPSIM_DIFF_RUNS      programs to run (default 1000)
//   EPSIM_DIFF_COMMANDS  commands per program, at most (default 60)
//   EPSIM_DIFF_KEEP_C    keep the C files of CReproducer* (to read programs)
//   RC_PARAMS            rapidcheck's: seed=N reruns a campaign,
//                        reproduce=... replays a shrunk counterexample
//
// On a divergence the test prints the shrunk program as a standalone C
// file (also written to epsim-diff-counterexample.c in the working
// directory) and the RC_PARAMS line that replays it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/diff/runner.h"

namespace epsim::diff {
namespace {

using kern::coverage_point;

// Paths of the model the default run must reach, so the generator cannot
// silently stop exploring them.  Not listed: COV_OVFLIST_DIVERT and
// COV_OVFLIST_REQUEUE (a callback must fire while a harvest runs, which
// needs a second task), COV_ENOSPC (fs.epoll.max_user_watches is millions
// on the host) and COV_EXCLUSIVE_WAKE (an exclusive hook consumes a wakeup
// only when a task sleeps in epoll_wait).
constexpr coverage_point required_coverage[] = {
	kern::COV_ONESHOT_DISARM,  kern::COV_CALLBACK_DISABLED, kern::COV_CALLBACK_KEY_FILTERED,
	kern::COV_ELOOP,	   kern::COV_EP_MAX_NESTS,	kern::COV_REVERSE_PATH_LIMIT,
	kern::COV_EPERM,	   kern::COV_EEXIST,		kern::COV_ENOENT,
	kern::COV_ET_REARM,	   kern::COV_LT_REQUEUE,	kern::COV_LEFTOVERS,
	kern::COV_STALE_DROP,	   kern::COV_AUTO_REMOVE,	kern::COV_NESTED_WAKE,
	kern::COV_PIPE_MERGE,	   kern::COV_PIPE_FULL,		kern::COV_EVENTFD_LIMIT,
	kern::COV_RDHUP,	   kern::COV_HUP,		kern::COV_ERR,
};

std::string self_exe()
{
	std::error_code ec;
	auto p = std::filesystem::read_symlink("/proc/self/exe", ec);

	return ec ? std::string("diff_test") : p.string();
}

// Programs in the default run; the coverage gate applies to runs at least
// this long.
constexpr int default_runs = 1000;

RunConfig differential_config(const char *filter)
{
	RunConfig cfg;

	cfg.name = "differential";
	cfg.lim = differential_limits();
	cfg.runs = env_int("EPSIM_DIFF_RUNS", default_runs);
	cfg.max_commands = env_int("EPSIM_DIFF_COMMANDS", 60);
	cfg.test_command = fmt::format("{} --gtest_filter='{}'", self_exe(), filter);
	cfg.c_file = "epsim-diff-counterexample.c";
	return cfg;
}

TEST(Differential, RandomProgramsAgreeWithTheRealKernel)
{
	const RunConfig cfg = differential_config("Differential.RandomProgramsAgreeWithTheRealKernel");
	const RunResult r = run_programs(cfg);

	std::cout << fmt::format("epsim differential: {} programs, {} commands, up to {} fds open, seed {}\n"
				 "coverage (summed over programs):\n{}",
				 r.programs, r.commands, r.max_open, r.seed, coverage_table(r.cov));
	ASSERT_TRUE(r.ok) << r.message;
	if (r.replay || cfg.runs < default_runs)
		return;
	for (coverage_point p : required_coverage)
		EXPECT_GT(r.cov[p], 0u) << "the default run never reached " << kern::coverage_name(p);
}

// Runs shell command cmd; returns its exit status (-1 if it did not exit).
int run_shell(const std::string &cmd)
{
	int st = std::system(cmd.c_str());

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// The C file of a program both backends agreed on must agree with the
// kernel too: this checks that the reproducer's C rendering matches
// outcome.cc and that it recreates the fd table, on random programs.
TEST(Differential, CReproducerOfAnAgreeingProgramReportsNoDivergence)
{
	if (run_shell("cc --version >/dev/null 2>&1") != 0)
		GTEST_SKIP() << "no C compiler (cc) on this machine";
	RunConfig cfg = differential_config("Differential.CReproducer*");
	cfg.name = "differential-c";
	cfg.runs = 6;
	cfg.keep_c = true;
	const RunResult r = run_programs(cfg);
	ASSERT_TRUE(r.ok) << r.message;
	ASSERT_FALSE(r.c_programs.empty());

	const auto dir = std::filesystem::temp_directory_path() /
			 fmt::format("epsim-c-repro-{}", static_cast<long>(getpid()));
	std::filesystem::create_directories(dir);
	for (size_t i = 0; i < r.c_programs.size(); ++i) {
		const auto src = dir / fmt::format("p{}.c", i), exe = dir / fmt::format("p{}", i);
		std::ofstream(src) << r.c_programs[i];
		ASSERT_EQ(run_shell(fmt::format("cc -std=gnu11 -w -o {} {}", exe.string(), src.string())), 0)
			<< "does not compile: " << src;
		EXPECT_EQ(run_shell(fmt::format("{} > {}.out", exe.string(), exe.string())), 0)
			<< "the kernel disagrees with its own transcript; see " << src << " and "
			<< exe.string() << ".out";
	}
	if (!::testing::Test::HasFailure() && !std::getenv("EPSIM_DIFF_KEEP_C"))
		std::filesystem::remove_all(dir);
	else
		std::cout << "C files kept in " << dir.string() << "\n";
}

} // namespace
} // namespace epsim::diff
