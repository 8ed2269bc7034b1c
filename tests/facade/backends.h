// SPDX-License-Identifier: GPL-2.0-only
//
// Shared fixture of the facade tests: every test is a typed test that runs
// once on epsim::SimKernel and once on epsim::HostKernel.  A test name ends
// in /SimKernel or /HostKernel, so --gtest_filter='*HostKernel*' selects the
// real-kernel runs.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "sim/kernel.h"

namespace epsim::test {

struct BackendNames {
	template <class T> static std::string GetName(int)
	{
		return T::is_model ? "SimKernel" : "HostKernel";
	}
};

using Backends = ::testing::Types<epsim::SimKernel, epsim::HostKernel>;

template <class K> class Facade : public ::testing::Test {
protected:
	K k;

	// On the model, every invariant must hold after every test.
	void TearDown() override
	{
		if constexpr (K::is_model)
			k.verify();
	}

	// Nanoseconds on the backend's clock: virtual time for the model,
	// CLOCK_MONOTONIC for the host.
	uint64_t clock_ns()
	{
		if constexpr (K::is_model) {
			return this->k.now_ns();
		} else {
			auto t = std::chrono::steady_clock::now().time_since_epoch();
			return static_cast<uint64_t>(
				std::chrono::duration_cast<std::chrono::nanoseconds>(t).count());
		}
	}

	// epoll_ctl with an epoll_event built in place.
	int add(int ep, int fd, uint32_t events, uint64_t data)
	{
		epoll_event e{};
		e.events = events;
		e.data.u64 = data;
		return k.epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	}
	int mod(int ep, int fd, uint32_t events, uint64_t data)
	{
		epoll_event e{};
		e.events = events;
		e.data.u64 = data;
		return k.epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
	}
	int del(int ep, int fd) { return k.epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr); }

	// epoll_wait(timeout 0) returning the data fields in delivery order.
	std::vector<uint64_t> wait_data(int ep, int maxevents = 64)
	{
		std::vector<epoll_event> evs(static_cast<size_t>(maxevents));
		int n = k.epoll_wait(ep, evs.data(), maxevents, 0);
		std::vector<uint64_t> out;
		for (int i = 0; i < n; ++i)
			out.push_back(evs[static_cast<size_t>(i)].data.u64);
		return out;
	}
	// epoll_wait(timeout 0) returning the whole events.
	std::vector<epoll_event> wait_events(int ep, int maxevents = 64)
	{
		std::vector<epoll_event> evs(static_cast<size_t>(maxevents));
		int n = k.epoll_wait(ep, evs.data(), maxevents, 0);
		evs.resize(n < 0 ? 0 : static_cast<size_t>(n));
		return evs;
	}
	void efd_write(int fd, uint64_t v) { ASSERT_EQ(k.write(fd, &v, 8), 8); }
	uint64_t efd_read(int fd)
	{
		uint64_t v = 0;
		return k.read(fd, &v, 8) == 8 ? v : ~uint64_t{0};
	}
	// poll() of one fd with timeout 0; returns revents.
	short poll_mask(int fd, short events)
	{
		pollfd p{fd, events, 0};
		k.poll(&p, 1, 0);
		return p.revents;
	}
};

// Expects call to fail with -1 and the given errno.
#define EXPECT_ERRNO(call, err)                                                    \
	do {                                                                       \
		errno = 0;                                                         \
		auto rc_ = (call);                                                 \
		int e_ = errno;                                                    \
		EXPECT_EQ(rc_, -1) << #call;                                       \
		EXPECT_EQ(e_, (err)) << #call << ": errno " << e_ << " (" << strerrorname_np(e_) \
				     << "), expected " << #err;                    \
	} while (0)

} // namespace epsim::test
