// SPDX-License-Identifier: GPL-2.0-only
//
// The commands of the random programs: one rapidcheck command class per
// operation, each with checkPreconditions (the handles it names still
// exist), apply (the handle bookkeeping of program.h), run (the system
// calls, through Sut::step) and show (a syscall-like line, so that a shrunk
// counterexample reads as a program).  A plan is a command that only
// queues calls (ProgState::plan); the generator then emits each queued
// call as a command, so shrinking can remove them one at a time.  The classes live in
// commands_*.cc; this header exposes one generator per class and the
// weighted choice between them.
//
//   commands_create.cc  pipe2, eventfd, socketpair, epoll_create, open, batches
//   commands_epoll.cc   epoll_ctl, epoll_wait, plans: watch-everything, layered graphs
//   commands_io.cc      write, read, shutdown
//   commands_fd.cc      close, dup, dup2, poll, select, fdinfo
//
// Calls never block: reads and writes on blocking descriptions run only
// when a poll() (compared like every call) shows they cannot sleep, every
// wait has timeout 0.
#pragma once

#include <memory>
#include <ostream>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "tests/diff/program.h"
#include "tests/diff/sut.h"

namespace epsim::diff {

using Command = rc::state::Command<ProgState, Sut>;
using CommandPtr = std::shared_ptr<const Command>;

// Base of every command: run() runs exec() and counts the command.
class DiffCommand : public Command {
public:
	void run(const ProgState &s, Sut &sut) const final
	{
		exec(s, sut);
		sut.end_command();
	}

protected:
	virtual void exec(const ProgState &s, Sut &sut) const = 0;
};

// The next command of a program in state s (weights depend on s.lim).
rc::Gen<CommandPtr> gen_command(const ProgState &s);

// One generator per command class.
rc::Gen<CommandPtr> gen_create_pipe(const ProgState &s);
rc::Gen<CommandPtr> gen_create_eventfd(const ProgState &s);
rc::Gen<CommandPtr> gen_create_socketpair(const ProgState &s);
rc::Gen<CommandPtr> gen_create_epoll(const ProgState &s);
rc::Gen<CommandPtr> gen_open_devnull(const ProgState &s);
rc::Gen<CommandPtr> gen_create_batch(const ProgState &s);
rc::Gen<CommandPtr> gen_epoll_ctl(const ProgState &s);
rc::Gen<CommandPtr> gen_epoll_wait(const ProgState &s);
rc::Gen<CommandPtr> gen_watch_all(const ProgState &s);	// a plan
rc::Gen<CommandPtr> gen_build_paths(const ProgState &s);	// a plan
// Whether s has a plan whose next call can be made, and that call.
bool plan_pending(const ProgState &s);
rc::Gen<CommandPtr> gen_planned(const ProgState &s);
rc::Gen<CommandPtr> gen_write(const ProgState &s);
rc::Gen<CommandPtr> gen_read(const ProgState &s);
rc::Gen<CommandPtr> gen_shutdown(const ProgState &s);
rc::Gen<CommandPtr> gen_close(const ProgState &s);
rc::Gen<CommandPtr> gen_dup(const ProgState &s);
rc::Gen<CommandPtr> gen_dup2(const ProgState &s);
rc::Gen<CommandPtr> gen_poll(const ProgState &s);
rc::Gen<CommandPtr> gen_select(const ProgState &s);
rc::Gen<CommandPtr> gen_fdinfo(const ProgState &s);

// Runs poll() on one fd (a compared step) and returns the reference
// backend's revents: the guard before a read or write that could block.
short poll_guard(Sut &sut, const FdArg &a, short events, const char *why);

} // namespace epsim::diff
