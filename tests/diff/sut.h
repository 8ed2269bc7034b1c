// SPDX-License-Identifier: GPL-2.0-only
//
// The system under test of the differential suite: a SimKernel and a
// HostKernel run in lockstep (or, for the property suite, a SimKernel
// alone).  Commands run each system call through step(), which calls it
// on every backend, runs verify() and the model-level invariants on the
// model (after every call in the differential suite, after every command
// in the model-only suite, where they walk thousands of files), compares
// the rendered results (outcome.h) and records the call for the C
// reproducer.  A difference, a broken invariant or an exception
// from the model fails the rapidcheck case with both results in the
// message.
//
//     Sut sut(differential_limits());
//     int sv[2];
//     Outcome o = sut.step("socketpair(AF_UNIX, SOCK_STREAM, 0)",
//                          "r = socketpair(AF_UNIX, SOCK_STREAM, 0, sv); ...",
//                          [&](auto &k) {
//                                  errno = 0;
//                                  long r = k.socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
//                                  return Outcome{r, errno, fmt_pair(r, errno, sv)};
//                          });
//
// Both backends start every program with the same fd table: the model
// opens /dev/null in every slot the test process has open, and both tables
// are grown to 1024 slots, so every fd number a program sees is the same on
// both sides and select() clamps its n the same way.
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/kernel_state.h"
#include "sim/kernel.h"
#include "tests/diff/c_repro.h"
#include "tests/diff/outcome.h"
#include "tests/diff/program.h"

namespace epsim::diff {

class Sut {
public:
	explicit Sut(const Limits &lim);
	~Sut();
	Sut(const Sut &) = delete;
	Sut &operator=(const Sut &) = delete;

	const Limits &limits() const { return lim_; }
	bool has_host() const { return host_ != nullptr; }
	SimKernel &sim() { return sim_; }

	// The fd number an argument names on both backends, and the same as a
	// C expression ("h[3]", "999").
	int fd(const FdArg &a) const;
	std::string c_fd(const FdArg &a) const;
	// Records the fd of handle h (h must be the next handle); -1 if its
	// creation failed.
	void set_handle(int h, int fd);
	// Records that handle h's fd was closed.
	void handle_closed(int h);
	int handle_fd(int h) const;

	// Runs one system call on every backend and compares the results.
	// fn(k) makes the call on backend k and renders it.  With
	// verify == false the model's invariants are not checked after this
	// step (batches check once at the end).  Returns the result of the
	// reference backend (the host, or the model when it runs alone).
	template <class Fn>
	Outcome step(const std::string &label, const std::string &c_code, Fn &&fn,
		     bool verify = true);

	// A fresh seed for a write's byte pattern.
	unsigned next_seed() { return ++seed_; }
	// Called once per command: counts it and, unless every step was
	// checked already, checks the model.
	void end_command();
	uint64_t commands() const { return commands_; }
	// The most fds the program had open at once (handles only).
	int max_open() const { return max_open_; }

	// Closes every handle still open (compared like any call), then checks
	// that the model freed every epoll structure.
	void finish(const ProgState &s);

	const std::vector<TranscriptEntry> &transcript() const { return transcript_; }
	// The message of the last failure, "" if none.
	const std::string &last_error() const { return last_error_; }
	// The fd-table facts the C reproducer needs.
	ReproHeader repro_header() const;
	// The model's coverage counters so far.
	const std::array<uint64_t, kern::COV_NR> &coverage() { return sim_.kernel().cov; }

private:
	void mirror_host_fd_table();
	std::string model_problems(bool verify);
	[[noreturn]] void fail(const std::string &what);
	void compare(const std::string &label, const std::string &c_code, const Outcome &model,
		     const std::string &problem, const Outcome *host);

	Limits lim_;
	SimKernel sim_;
	std::unique_ptr<HostKernel> host_;
	std::vector<int> fd_;		// handle -> fd, -1 when closed or never opened
	std::vector<int> last_fd_;	// handle -> the fd it had, for stale arguments
	std::vector<int> busy_;		// fds >= 3 the test process had open at the start
	int grow_to_ = 0;		// both fd tables were grown by dup2 to this fd
	unsigned long rlimit_nofile_;
	std::vector<TranscriptEntry> transcript_;
	std::string last_error_;
	unsigned seed_ = 0;
	uint64_t commands_ = 0;
	int open_ = 0, max_open_ = 0;
};

template <class Fn>
Outcome Sut::step(const std::string &label, const std::string &c_code, Fn &&fn, bool verify)
{
	Outcome model;
	std::string problem;

	try {
		model = fn(sim_);
	} catch (const std::exception &ex) {
		model = Outcome{-2, 0, std::string("model threw: ") + ex.what()};
		problem = model.text;
	}
	if (problem.empty())
		problem = model_problems(verify && lim_.verify_each_step);
	if (!host_) {
		compare(label, c_code, model, problem, nullptr);
		return model;
	}
	Outcome host = fn(*host_);
	compare(label, c_code, model, problem, &host);
	return host;
}

} // namespace epsim::diff
