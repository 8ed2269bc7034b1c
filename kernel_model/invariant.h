// SPDX-License-Identifier: GPL-2.0-only
//
// The exception every verify() throws.  Models nothing in the kernel (the
// kernel's nearest relative is BUG_ON/WARN_ON in CONFIG_DEBUG_LIST builds).
// A message names the invariant from docs/invariants.md and says what was
// expected and what was found.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

namespace epsim::kern {

class invariant_violation : public std::logic_error {
public:
	invariant_violation(const std::string &id, const std::string &what)
		: std::logic_error(id + " violated: " + what), id_(id) {}

	// The invariant's catalogue id, e.g. "RB4" or "EP7".
	const std::string &id() const { return id_; }

private:
	std::string id_;
};

// Throws invariant_violation(id, what) unless cond holds.
inline void check_invariant(bool cond, const char *id, const std::string &what)
{
	if (!cond)
		throw invariant_violation(id, what);
}

// For a literal message: no std::string is built unless cond fails (this
// overload is picked over the one above for a string literal, and runs in
// hot paths such as every epoll_ctl DEL).
inline void check_invariant(bool cond, const char *id, const char *what)
{
	if (!cond) [[unlikely]]
		throw invariant_violation(id, what);
}

// As above, but builds the message only on failure: what() returns a
// std::string.  Use it in verify() loops, which run after every step of a
// property test.
template <class What>
	requires std::is_invocable_r_v<std::string, What>
inline void check_invariant(bool cond, const char *id, What &&what)
{
	if (!cond)
		throw invariant_violation(id, what());
}

} // namespace epsim::kern
