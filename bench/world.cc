// SPDX-License-Identifier: GPL-2.0-only
//
// World<K> (see world.h), instantiated for ModelKernel, SimKernel and
// HostKernel.
#include "bench/world.h"

#include <fcntl.h>
#include <sys/eventfd.h>

#include <cstring>

#include "bench/model_kernel.h"
#include "sim/kernel.h"

namespace epsim::bench {

std::vector<uint32_t> spread(size_t n, size_t k)
{
	std::vector<uint32_t> idx;

	idx.reserve(k);
	for (size_t i = 0; i < k; ++i)
		idx.push_back(static_cast<uint32_t>((2 * i + 1) * n / (2 * k)));
	return idx;
}

void check_call(long r, const char *what)
{
	if (r < 0)
		throw std::runtime_error(std::string("epsim_bench: ") + what + " failed: " +
					 std::strerror(r == -1 ? errno : static_cast<int>(-r)));
}

template <class K> World<K>::World(Device dev, size_t capacity) : k_(new K()), dev_(dev)
{
	watch_.reserve(capacity);
	poke_.reserve(capacity);
	for (size_t i = 0; i < capacity; ++i)
		add_object();
}

template <class K> World<K>::~World()
{
	drop_epoll();
}

template <class K> void World<K>::add_object()
{
	int fds[2];

	switch (dev_) {
	case Device::Eventfd:
		fds[0] = fds[1] = k_->eventfd(0, EFD_NONBLOCK);
		check_call(fds[0], "eventfd");
		break;
	case Device::Pipe:
		check_call(k_->pipe2(fds, O_NONBLOCK), "pipe2");
		std::swap(fds[0], fds[1]);	// write end pokes, read end is watched
		break;
	case Device::Socket:
		check_call(k_->socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds),
			   "socketpair");
		break;
	}
	poke_.push_back(fds[0]);
	watch_.push_back(fds[1]);
}

template <class K> void World<K>::write_one(size_t i)
{
	uint64_t one = 1;
	long r = dev_ == Device::Eventfd ? k_->write(poke_[i], &one, sizeof one)
					 : k_->write(poke_[i], "x", 1);

	check_call(r, "write");
}

template <class K> void World<K>::drain(size_t i)
{
	char buf[4096];

	while (k_->read(watch_[i], buf, sizeof buf) > 0) {
	}
}

template <class K> void World<K>::rearm(size_t i) { write_one(i); }

template <class K> void World<K>::set_active(size_t n, size_t k)
{
	std::vector<uint32_t> next = spread(n, k);
	std::vector<bool> was(capacity(), false), will(capacity(), false);

	for (uint32_t i : active_)
		was[i] = true;
	for (uint32_t i : next)
		will[i] = true;
	for (uint32_t i : active_) {
		if (!will[i])
			drain(i);
	}
	for (uint32_t i : next) {
		if (!was[i])
			write_one(i);
	}
	active_ = std::move(next);
}

template <class K> int World<K>::epoll(uint32_t events, size_t n)
{
	if (epfd_ >= 0 && (events != ep_events_ || n < ep_watched_ / 2))
		drop_epoll();
	if (epfd_ < 0) {
		epfd_ = k_->epoll_create1(0);
		check_call(epfd_, "epoll_create1");
		ep_events_ = events;
		ep_watched_ = 0;
	}
	while (ep_watched_ > n) {
		--ep_watched_;
		check_call(k_->epoll_ctl(epfd_, EPOLL_CTL_DEL, watch_[ep_watched_], nullptr),
			   "epoll_ctl(DEL)");
	}
	for (; ep_watched_ < n; ++ep_watched_) {
		::epoll_event ev{};

		ev.events = events;
		ev.data.u64 = ep_watched_;
		check_call(k_->epoll_ctl(epfd_, EPOLL_CTL_ADD, watch_[ep_watched_], &ev),
			   "epoll_ctl(ADD)");
	}
	return epfd_;
}

template <class K> void World<K>::drop_epoll()
{
	if (epfd_ >= 0)
		k_->close(epfd_);
	epfd_ = -1;
	ep_watched_ = 0;
}

template <class K> World<K> &world(Device dev, size_t capacity)
{
	static std::array<std::unique_ptr<World<K>>, 3> worlds;
	auto &w = worlds[static_cast<size_t>(dev)];

	if (w && w->capacity() >= capacity)
		return *w;
	w.reset();
	if constexpr (!K::is_model) {
		for (auto &other : worlds)
			other.reset();
	}
	w.reset(new World<K>(dev, capacity));
	return *w;
}

template class World<ModelKernel>;
template class World<SimKernel>;
template class World<HostKernel>;
template World<ModelKernel> &world<ModelKernel>(Device, size_t);
template World<SimKernel> &world<SimKernel>(Device, size_t);
template World<HostKernel> &world<HostKernel>(Device, size_t);

} // namespace epsim::bench
