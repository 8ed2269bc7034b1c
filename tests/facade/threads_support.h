// SPDX-License-Identifier: GPL-2.0-only
//
// Support for the multi-thread facade tests (threads_test, selftest_mt_test,
// selftest_fanin_test): on HostKernel, knowing that a real thread really
// sleeps in its blocking call before the test acts; on SimKernel the same
// calls are no-ops or virtual sleeps.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/facade/backends.h"

namespace epsim::test {

// Whether Linux thread tid sleeps inside a system call: its /proc state is
// S and /proc/.../syscall names a call ("running" while it runs).
inline bool host_asleep_in_syscall(int tid)
{
	std::string dir = "/proc/self/task/" + std::to_string(tid) + "/";
	std::ifstream stat(dir + "stat"), sc(dir + "syscall");
	std::string s((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
	std::string first;
	size_t rp = s.rfind(')');

	if (rp == std::string::npos || rp + 2 >= s.size() || s[rp + 2] != 'S')
		return false;
	sc >> first;
	return !first.empty() && first != "running" && first != "-1";
}

// A facade fixture for tests with threads.
template <class K> class ThreadFacade : public Facade<K> {
protected:
	// The caller's Linux thread id on HostKernel, for blocked(); the
	// model does not need it.
	static int os_tid()
	{
		if constexpr (K::is_model)
			return 0;
		else
			return static_cast<int>(::syscall(SYS_gettid));
	}

	// Returns once the thread that stored os_tid() in tid sleeps in its
	// blocking call, and 50 ms later (it has certainly queued itself by
	// then).  On the model every other task runs until it blocks while
	// the caller sleeps, so the 50 ms alone suffice.
	void blocked(const std::atomic<int> &tid)
	{
		if constexpr (!K::is_model) {
			int i = 0;

			for (; i < 5000 && !(tid && host_asleep_in_syscall(tid)); ++i)
				this->k.sleep_ms(1);
			EXPECT_LT(i, 5000) << "thread " << tid << " never blocked";
		}
		this->k.sleep_ms(50);
	}
};

} // namespace epsim::test
