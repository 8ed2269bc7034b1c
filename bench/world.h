// SPDX-License-Identifier: GPL-2.0-only
//
// A "server" for the wait benchmarks: `capacity` connections of one device
// kind open in one kernel (ModelKernel, SimKernel or HostKernel), of which
// the first n are watched and k of those are readable.  Models nothing in
// Linux.
//
//     World<ModelKernel> &w = world<ModelKernel>(Device::Eventfd, 1000);
//     w.set_active(1000, 10);             // objects 50, 150, ... readable
//     int ep = w.epoll(EPOLLIN, 1000);    // an epoll watching objects 0..999
//     w.kern().epoll_wait(ep, out, 10, 0);   // 10 events
//
// A connection is an eventfd, a pipe (watched at its read end) or a unix
// socket pair (watched at one end, written from the other).  The k active
// ones are spread evenly, (2i + 1) n / 2k for i < k, so a scanner meets
// them everywhere in its array, as it would in a server.  Worlds are built
// once and kept (building 10^6 model eventfds takes a while); on the host
// only one world is alive at a time, because RLIMIT_NOFILE bounds them
// together.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace epsim::bench {

enum class Device { Eventfd, Pipe, Socket };

inline const char *device_name(Device d)
{
	switch (d) {
	case Device::Eventfd:
		return "Eventfd";
	case Device::Pipe:
		return "Pipe";
	case Device::Socket:
		return "Socket";
	}
	return "?";
}

// Fds a device object takes in the fd table.
inline size_t fds_per_object(Device d) { return d == Device::Eventfd ? 1 : 2; }

// The indexes of the k active objects among n, ascending.
std::vector<uint32_t> spread(size_t n, size_t k);

// Throws with the call and the error when r < 0 (model: -errno; host: -1).
void check_call(long r, const char *what);

template <class K> class World {
public:
	World(Device dev, size_t capacity);
	~World();
	World(const World &) = delete;
	World &operator=(const World &) = delete;

	K &kern() { return *k_; }
	Device device() const { return dev_; }
	size_t capacity() const { return watch_.size(); }
	// The fd a waiter watches for object i, and 1 + the highest such fd
	// among the first n (select's nfds).
	int watch_fd(size_t i) const { return watch_[i]; }
	int nfds(size_t n) const { return watch_[n - 1] + 1; }
	const std::vector<uint32_t> &active() const { return active_; }

	// Makes exactly spread(n, k) readable: drains the others, writes to
	// the new ones.
	void set_active(size_t n, size_t k);
	// One more event on object i (a write), for edge-triggered waits.
	void rearm(size_t i);

	// An epoll with `events` watching objects 0..n-1 (data.u64 = index).
	// The same epoll is kept and grown or shrunk while `events` stays the
	// same; a different `events` replaces it.
	int epoll(uint32_t events, size_t n);
	void drop_epoll();

private:
	void add_object();
	void write_one(size_t i);
	void drain(size_t i);

	std::unique_ptr<K> k_;
	Device dev_;
	std::vector<int> watch_;	// fd a waiter watches, per object
	std::vector<int> poke_;		// fd written to make the object readable
	std::vector<uint32_t> active_;	// readable objects, ascending
	int epfd_ = -1;
	uint32_t ep_events_ = 0;
	size_t ep_watched_ = 0;		// objects 0..ep_watched_-1 are in epfd_
};

// The world of (K, dev), built with at least `capacity` objects on first
// use.  For HostKernel, worlds of other devices are closed first.
template <class K> World<K> &world(Device dev, size_t capacity);

} // namespace epsim::bench
