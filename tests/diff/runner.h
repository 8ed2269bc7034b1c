// SPDX-License-Identifier: GPL-2.0-only
//
// Runs a campaign of random programs with rapidcheck's stateful testing
// (rc::state) and reports programs, commands, coverage and, on a failure,
// the shrunk program as a C reproducer plus the RC_PARAMS line that replays
// it.  Used by the differential suite (SimKernel vs HostKernel) and the
// model-only property suite.
//
//     RunConfig cfg{.name = "differential", .lim = differential_limits(),
//                   .runs = 300, .max_commands = 60, ...};
//     RunResult r = run_programs(cfg);     // prints the seed first
//     if (!r.ok) std::cout << r.message;    // includes the C file's path
//
// The seed comes from RC_PARAMS ("seed=N", else rapidcheck picks one) and
// is printed before anything runs; RC_PARAMS="seed=N" reruns a campaign,
// RC_PARAMS="reproduce=..." replays just the shrunk counterexample.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_model/kernel_state.h"
#include "tests/diff/program.h"

namespace epsim::diff {

struct RunConfig {
	std::string name;		// "differential" or "property"; the rapidcheck test id
	Limits lim;
	int runs;			// programs
	int max_commands;		// commands per program, at most
	std::string test_command;	// how to run this test, for the RC_PARAMS line
	std::string c_file;		// where a counterexample's C file goes
	bool keep_c = false;		// also keep every passing program as C
};

struct RunResult {
	bool ok = true;
	bool replay = false;		// RC_PARAMS asked to reproduce a counterexample
	uint64_t seed = 0;
	uint64_t programs = 0;		// property runs (shrinking included)
	uint64_t commands = 0;
	int max_open = 0;		// most fds one program had open at once
	std::array<uint64_t, kern::COV_NR> cov{};	// summed over programs
	std::string message;		// the failure report
	std::vector<std::string> c_programs;		// with keep_c: one C file per program
};

RunResult run_programs(const RunConfig &cfg);

// The integer in environment variable name, or def.
int env_int(const char *name, int def);
// One "name value" line per coverage counter.
std::string coverage_table(const std::array<uint64_t, kern::COV_NR> &cov);

} // namespace epsim::diff
