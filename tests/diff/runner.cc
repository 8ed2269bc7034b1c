// SPDX-License-Identifier: GPL-2.0-only
//
// The campaign runner (runner.h).
//
// rapidcheck calls the property once per program, and again for every
// shrink it tries.  A failing run records its transcript; since shrinking
// stops at the last shrink that still failed, the last recorded failure is
// the minimal counterexample, and that is what becomes the C file.
#include "tests/diff/runner.h"

#include <fmt/format.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "tests/diff/c_repro.h"
#include "tests/diff/commands.h"
#include "tests/diff/sut.h"

namespace rc::detail {
// Exported by librapidcheck (src/detail/StringSerialization.cpp) but not
// declared in its installed headers; it renders the "reproduce=" value.
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce> &reproduceMap);
} // namespace rc::detail

namespace epsim::diff {

namespace {

using Commands = rc::state::Commands<Command>;

struct Failure {
	std::vector<TranscriptEntry> transcript;
	ReproHeader header;
	std::string error;	// Sut's message, or the exception's
};

// What the property runs share with run_programs.
struct CampaignState {
	const RunConfig &cfg;
	RunResult &result;
	Failure last_failure;
	bool failed = false;

	void record_failure(Sut &sut, const std::string &program)
	{
		last_failure.transcript = sut.transcript();
		last_failure.header = sut.repro_header();
		last_failure.header.program = program;
		failed = true;
		absorb(sut);
	}

	void absorb(Sut &sut)
	{
		++result.programs;
		result.commands += sut.commands();
		result.max_open = std::max(result.max_open, sut.max_open());
		for (size_t i = 0; i < result.cov.size(); ++i)
			result.cov[i] += sut.coverage()[i];
	}
};

std::string show_commands(const Commands &cmds)
{
	std::ostringstream os;

	for (const auto &c : cmds) {
		c->show(os);
		os << "\n";
	}
	return os.str();
}

void run_one_program(CampaignState &st)
{
	const RunConfig &cfg = st.cfg;
	const ProgState init(cfg.lim);
	const auto cmds = *rc::gen::resize(
		cfg.max_commands - 1,
		rc::state::gen::commands(init, [](const ProgState &s) { return gen_command(s); }));
	Sut sut(cfg.lim);

	try {
		rc::state::runAll(cmds, init, sut);
		sut.finish(init);
	} catch (const std::exception &ex) {
		st.last_failure.error = std::string("exception: ") + ex.what();
		st.record_failure(sut, show_commands(cmds));
		throw;
	} catch (...) {
		st.last_failure.error = sut.last_error();
		st.record_failure(sut, show_commands(cmds));
		throw;
	}
	st.absorb(sut);
	if (cfg.keep_c) {
		ReproHeader hdr = sut.repro_header();
		hdr.what = "A program on which both backends agreed.";
		hdr.program = show_commands(cmds);
		st.result.c_programs.push_back(c_reproducer(hdr, sut.transcript()));
	}
}

rc::detail::TestParams campaign_params(const RunConfig &cfg)
{
	rc::detail::TestParams params = rc::detail::configuration().testParams;

	params.maxSuccess = cfg.runs;
	return params;
}

// Writes the counterexample's C file and returns the report.
std::string report_failure(const RunConfig &cfg, const Failure &f, const std::string &rc_params,
			   const std::string &rc_message)
{
	ReproHeader hdr = f.header;
	const std::string path = std::filesystem::absolute(cfg.c_file).string();

	hdr.what = rc_message.substr(0, rc_message.find('\n')) + "\n\n" + f.error;
	hdr.rc_params = rc_params;
	hdr.test_command = cfg.test_command;
	const std::string c = c_reproducer(hdr, f.transcript);
	std::ofstream(path) << c;
	return fmt::format("{}\n---- C reproducer ({}) ----\n{}\n---- end of C reproducer ----\n"
			   "Build and run it:  cc -o repro {} && ./repro\n"
			   "Replay in the test: RC_PARAMS=\"{}\" {}\n",
			   rc_message, path, c, path, rc_params, cfg.test_command);
}

} // namespace

RunResult run_programs(const RunConfig &cfg)
{
	RunResult result;
	CampaignState st{cfg, result, {}, false};
	rc::detail::TestMetadata metadata;
	const rc::detail::TestParams params = campaign_params(cfg);

	metadata.id = "epsim/" + cfg.name;
	metadata.description = cfg.name;
	result.seed = params.seed;
	result.replay = !rc::detail::configuration().reproduce.empty();
	std::cout << fmt::format("epsim {}: seed={} programs={} max_commands={}{}\n"
				 "  rerun this campaign: RC_PARAMS=\"seed={}\" {}\n",
				 cfg.name, params.seed, cfg.runs, cfg.max_commands,
				 result.replay ? " (replaying a counterexample)" : "", params.seed,
				 cfg.test_command)
		  << std::flush;

	const auto r = rc::detail::checkTestable([&st] { run_one_program(st); }, metadata, params);
	std::ostringstream msg;
	rc::detail::printResultMessage(r, msg);
	if (r.template is<rc::detail::SuccessResult>())
		return result;
	result.ok = false;
	if (!r.template is<rc::detail::FailureResult>() || !st.failed) {
		result.message = msg.str();
		return result;
	}
	const auto &f = r.template get<rc::detail::FailureResult>();
	const std::string rc_params =
		"reproduce=" + rc::detail::reproduceMapToString({{metadata.id, f.reproduce}});
	result.message = report_failure(cfg, st.last_failure, rc_params, msg.str());
	return result;
}

int env_int(const char *name, int def)
{
	const char *v = std::getenv(name);

	return v && *v ? std::atoi(v) : def;
}

std::string coverage_table(const std::array<uint64_t, kern::COV_NR> &cov)
{
	std::string s;

	for (unsigned i = 0; i < kern::COV_NR; ++i)
		s += fmt::format("  {:<24} {}\n", kern::coverage_name(static_cast<kern::coverage_point>(i)),
				 cov[i]);
	return s;
}

} // namespace epsim::diff
