// SPDX-License-Identifier: GPL-2.0-only
//
// The model-only property suite: long random programs on SimKernel alone,
// with thousands of fds (batches of creations, "watch everything" into one
// epoll, layered epoll graphs), checking after every command SimKernel's
// verify() and the independent model-level invariants of
// model_invariants.h, and after the last close that nothing leaked.
//
//   EPSIM_PROP_RUNS      programs to run (default 120; 10 under sanitizers)
//   EPSIM_PROP_COMMANDS  commands per program, at most (default 300)
//   RC_PARAMS            as for the differential suite
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "tests/diff/runner.h"

namespace epsim::diff {
namespace {

// Sanitizer builds (tools/test.sh runs one) are about ten times slower.
#if defined(__SANITIZE_ADDRESS__)
constexpr int default_runs = 10;
#else
constexpr int default_runs = 120;
#endif

std::string self_exe()
{
	std::error_code ec;
	auto p = std::filesystem::read_symlink("/proc/self/exe", ec);

	return ec ? std::string("property_test") : p.string();
}

TEST(ModelProperty, LongProgramsWithManyFdsKeepEveryInvariantAndLeakNothing)
{
	RunConfig cfg;

	cfg.name = "property";
	cfg.lim = property_limits();
	cfg.runs = env_int("EPSIM_PROP_RUNS", default_runs);
	cfg.max_commands = env_int("EPSIM_PROP_COMMANDS", 300);
	cfg.test_command = self_exe();
	cfg.c_file = "epsim-property-counterexample.c";
	const RunResult r = run_programs(cfg);

	std::cout << fmt::format("epsim property: {} programs, {} commands, up to {} fds open, seed {}\n"
				 "coverage (summed over programs):\n{}",
				 r.programs, r.commands, r.max_open, r.seed, coverage_table(r.cov));
	ASSERT_TRUE(r.ok) << r.message;
}

} // namespace
} // namespace epsim::diff
