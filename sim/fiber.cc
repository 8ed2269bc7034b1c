// SPDX-License-Identifier: GPL-2.0-only
//
// Fibers over ucontext (see fiber.h).
#include "sim/fiber.h"

#include <cstdlib>
#include <stdexcept>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define EPSIM_ASAN 1
#endif

namespace epsim::sim {

// The fiber being started: makecontext can only pass ints, so the
// trampoline finds its fiber here.  One OS thread runs all fibers.
static thread_local Fiber *starting_fiber = nullptr;
// The fiber that switched to the one starting, whose ASan bookkeeping the
// new fiber completes.
static thread_local Fiber *switching_from = nullptr;

Fiber::Fiber() = default;

Fiber::Fiber(std::function<void()> entry, size_t stack_bytes)
	: stack_(new char[stack_bytes]), stack_bytes_(stack_bytes), entry_(std::move(entry))
{
	if (getcontext(&ctx_) != 0)
		throw std::runtime_error("getcontext failed");
	ctx_.uc_stack.ss_sp = stack_.get();
	ctx_.uc_stack.ss_size = stack_bytes_;
	ctx_.uc_link = nullptr;
	makecontext(&ctx_, &Fiber::trampoline, 0);
	asan_bottom_ = stack_.get();
	asan_size_ = stack_bytes_;
}

Fiber::~Fiber() = default;

void Fiber::trampoline()
{
	Fiber *self = starting_fiber;

#ifdef EPSIM_ASAN
	__sanitizer_finish_switch_fiber(nullptr, &switching_from->asan_bottom_,
					&switching_from->asan_size_);
#endif
	self->entry_();
	// An entry function ends by switching away; returning is a bug.
	std::abort();
}

void Fiber::switch_to(Fiber &from, Fiber &to)
{
	starting_fiber = &to;
	switching_from = &from;
#ifdef EPSIM_ASAN
	void *fake_stack = nullptr;
	__sanitizer_start_switch_fiber(from.finished_ ? nullptr : &fake_stack, to.asan_bottom_,
				       to.asan_size_);
#endif
	swapcontext(&from.ctx_, &to.ctx_);
#ifdef EPSIM_ASAN
	__sanitizer_finish_switch_fiber(fake_stack, &switching_from->asan_bottom_,
					&switching_from->asan_size_);
#endif
}

} // namespace epsim::sim
