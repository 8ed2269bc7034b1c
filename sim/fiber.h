// SPDX-License-Identifier: GPL-2.0-only
//
// Fibers: user-level execution contexts with their own stacks, switched
// explicitly on one OS thread (ucontext: getcontext/makecontext/
// swapcontext).  The simulator runs each simulated task on a fiber, so a
// task can block deep inside the kernel model and resume there later, with
// no real threads and no nondeterminism.
//
// Under AddressSanitizer every switch is announced with
// __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber, so ASan
// tracks which stack is live.
//
//     Fiber main_fiber;                       // adopts the calling thread
//     Fiber f([&] { ...; Fiber::switch_to(f, main_fiber); });
//     Fiber::switch_to(main_fiber, f);        // runs f until it switches back
//
// An entry function must never return and must not let an exception escape;
// it ends by switching away for good, after calling mark_finished().
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <functional>
#include <memory>

namespace epsim::sim {

class Fiber {
public:
	// The calling thread's own context.
	Fiber();
	// A new context that runs entry on a fresh stack of stack_bytes.
	Fiber(std::function<void()> entry, size_t stack_bytes);
	~Fiber();
	Fiber(const Fiber &) = delete;
	Fiber &operator=(const Fiber &) = delete;

	// Saves the running context in `from` and resumes `to`.
	static void switch_to(Fiber &from, Fiber &to);

	// Called by an entry function just before its final switch: its stack
	// will never run again.
	void mark_finished() { finished_ = true; }

private:
	static void trampoline();

	ucontext_t ctx_{};
	std::unique_ptr<char[]> stack_;	// nullptr for the thread's own context
	size_t stack_bytes_ = 0;
	std::function<void()> entry_;
	bool finished_ = false;
	// What ASan knows of this context's stack (for the thread's own
	// context it learns it at the first switch back).
	const void *asan_bottom_ = nullptr;
	size_t asan_size_ = 0;
};

} // namespace epsim::sim
