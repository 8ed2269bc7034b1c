// SPDX-License-Identifier: GPL-2.0-only
//
// The wait families: one select(2), poll(2) or epoll_wait(2) with timeout
// 0 per iteration, over n watched connections of which k are readable, on
// the model below the facade, on the facade (SimKernel) and on the host.
// Each wait must return k; anything else fails the benchmark.
//
//   Select, Poll  scan all n (fs/select.c): O(n) per wait
//   EpollLT       the k ready items stay on rdllist: O(k) per wait
//   EpollET       k new events (one write each, i.e. k device wakeups
//                 into ep_poll_callback) and one wait that harvests them
//   EpollMod      LT|ONESHOT: each delivered event is re-armed with one
//                 EPOLL_CTL_MOD, the pattern of Gammo et al.'s servers
//
// Timeout 0 measures the scan alone: with a timeout, select/poll would
// also hook a wait-queue entry on every file before the first ready one
// (BM_Device_* families count those as wq_linked when they occur).
#include <sys/epoll.h>
#include <sys/select.h>

#include <cstring>
#include <functional>

#include "bench/bench.h"
#include "bench/model_kernel.h"
#include "bench/world.h"
#include "sim/eventfd.h"
#include "sim/kernel.h"

namespace epsim::bench {

namespace {

enum class Mech { Select, Poll, EpollLT, EpollET, EpollMod };

const char *mech_name(Mech m)
{
	switch (m) {
	case Mech::Select:
		return "Select";
	case Mech::Poll:
		return "Poll";
	case Mech::EpollLT:
		return "EpollLT";
	case Mech::EpollET:
		return "EpollET";
	case Mech::EpollMod:
		return "EpollMod";
	}
	return "?";
}

bool is_scan(Mech m) { return m == Mech::Select || m == Mech::Poll; }

// select(2) on the watched fds of objects 0..n-1.  The bitmap is sized for
// nfds, past FD_SETSIZE if need be (the kernel reads nfds bits).
template <class K> struct SelectOp {
	K &k;
	int nfds;
	std::vector<unsigned long> want, set;

	SelectOp(World<K> &w, size_t n, size_t)
		: k(w.kern()), nfds(w.nfds(n)), want((static_cast<size_t>(nfds) + 63) / 64),
		  set(want.size())
	{
		for (size_t i = 0; i < n; ++i) {
			auto fd = static_cast<unsigned>(w.watch_fd(i));

			want[fd / 64] |= 1UL << (fd % 64);
		}
	}
	int operator()()
	{
		timeval tv{0, 0};

		std::memcpy(set.data(), want.data(), want.size() * sizeof(unsigned long));
		return k.select(nfds, reinterpret_cast<fd_set *>(set.data()), nullptr, nullptr, &tv);
	}
};

template <class K> struct PollOp {
	K &k;
	std::vector<::pollfd> fds;

	PollOp(World<K> &w, size_t n, size_t) : k(w.kern()), fds(n)
	{
		for (size_t i = 0; i < n; ++i)
			fds[i] = {w.watch_fd(i), POLLIN, 0};
	}
	int operator()() { return k.poll(fds.data(), fds.size(), 0); }
};

template <class K> struct EpollOp {
	World<K> &w;
	int epfd;
	std::vector<::epoll_event> events;

	EpollOp(World<K> &world, size_t n, size_t k, uint32_t mode)
		: w(world), epfd(world.epoll(mode, n)), events(k)
	{
	}
	int wait() { return w.kern().epoll_wait(epfd, events.data(), int(events.size()), 0); }
};

template <class K> struct LtOp : EpollOp<K> {
	LtOp(World<K> &w, size_t n, size_t k) : EpollOp<K>(w, n, k, EPOLLIN) {}
	int operator()() { return this->wait(); }
};

template <class K> struct EtOp : EpollOp<K> {
	EtOp(World<K> &w, size_t n, size_t k) : EpollOp<K>(w, n, k, EPOLLIN | EPOLLET) {}
	int operator()()
	{
		for (uint32_t i : this->w.active())
			this->w.rearm(i);
		return this->wait();
	}
};

template <class K> struct ModOp : EpollOp<K> {
	ModOp(World<K> &w, size_t n, size_t k) : EpollOp<K>(w, n, k, EPOLLIN | EPOLLONESHOT) {}
	int operator()()
	{
		int r = this->wait();

		for (int i = 0; i < r; ++i) {
			::epoll_event &ev = this->events[static_cast<size_t>(i)];
			int fd = this->w.watch_fd(ev.data.u64);

			ev.events = EPOLLIN | EPOLLONESHOT;
			this->w.kern().epoll_ctl(this->epfd, EPOLL_CTL_MOD, fd, &ev);
		}
		return r;
	}
};

// Runs op once per iteration after three warm-up calls (which also drop
// items left stale on rdllist by the previous benchmark).
template <class K, class Op> void run_waits(benchmark::State &state, Op &op, size_t k)
{
	uint64_t got = 0;

	for (int i = 0; i < 3; ++i)
		op();
	StatsScope stats;
	for (auto _ : state)
		got += static_cast<uint64_t>(op());
	auto iters = static_cast<uint64_t>(state.iterations());
	if constexpr (K::is_model)
		stats.report(state, iters);
	state.counters["events"] = static_cast<double>(got) / static_cast<double>(iters);
	if (got != k * iters)
		state.SkipWithError("a wait did not return k ready descriptors");
}

struct Family {
	std::string name;
	Device dev;
	size_t capacity;	// objects in the world
	bool complexity_in_k;	// SetComplexityN(k) instead of n
};

template <class K, template <class> class Op>
void bm_wait(benchmark::State &state, const Family &f)
{
	auto n = static_cast<size_t>(state.range(0));
	auto k = static_cast<size_t>(state.range(1));
	World<K> &w = world<K>(f.dev, f.capacity);

	try {
		w.set_active(n, k);
		Op<K> op(w, n, k);

		run_waits<K>(state, op, k);
	} catch (const std::exception &e) {
		state.SkipWithError(e.what());
		return;
	}
	state.SetComplexityN(static_cast<int64_t>(f.complexity_in_k ? k : n));
}

template <class K> using WaitFn = void (*)(benchmark::State &, const Family &);

template <class K> WaitFn<K> wait_fn(Mech m)
{
	switch (m) {
	case Mech::Select:
		return bm_wait<K, SelectOp>;
	case Mech::Poll:
		return bm_wait<K, PollOp>;
	case Mech::EpollLT:
		return bm_wait<K, LtOp>;
	case Mech::EpollET:
		return bm_wait<K, EtOp>;
	case Mech::EpollMod:
		return bm_wait<K, ModOp>;
	}
	return nullptr;
}

// One registered family: (n, k) pairs, with a complexity fit or none.
template <class K>
void add_family(const Family &f, Mech m, const std::vector<std::pair<int64_t, int64_t>> &args,
		benchmark::BigO fit)
{
	WaitFn<K> fn = wait_fn<K>(m);
	auto *b = benchmark::RegisterBenchmark(f.name.c_str(), [fn, f](benchmark::State &s) {
		fn(s, f);
	});

	b->ArgNames({"n", "k"});
	for (auto [n, k] : args)
		b->Args({n, k});
	if (fit != benchmark::oNone)
		b->Complexity(fit);
}

std::string family_name(const char *kind, const char *backend, Mech m, const char *suffix = "")
{
	return std::string("BM_") + kind + "_" + backend + "_" + mech_name(m) + suffix;
}

// BM_Wait_<B>_<M>: k = 1 over n (with the fit: O(n) scans, O(1) epoll),
// then the other k fractions under the same name.
template <class K> void add_wait_grid(Mech m, const std::vector<int64_t> &sizes, size_t cap)
{
	Family f{family_name("Wait", backend_name<K>(), m), Device::Eventfd, cap, false};
	std::vector<std::pair<int64_t, int64_t>> k1, rest;

	for (int64_t n : sizes) {
		k1.push_back({n, 1});
		for (int64_t k : k_fractions(n))
			if (k != 1)
				rest.push_back({n, k});
	}
	add_family<K>(f, m, k1, is_scan(m) ? benchmark::oN : benchmark::o1);
	add_family<K>(f, m, rest, benchmark::oNone);
}

// BM_WaitK_<B>_<M>: k = 1 and every 5% at n = CROSSOVER_N, fitted in k.
template <class K> void add_k_sweep(Mech m, int64_t n, size_t cap)
{
	Family f{family_name("WaitK", backend_name<K>(), m), Device::Eventfd, cap, true};
	std::vector<std::pair<int64_t, int64_t>> args;

	for (int64_t k : k_sweep(n))
		args.push_back({n, k});
	add_family<K>(f, m, args, is_scan(m) ? benchmark::o1 : benchmark::oN);
}

// BM_Device_<B>_<M>_<Device>: k = 1 over n for pipes and socket pairs.
template <class K> void add_device_sweep(Mech m, Device d, const std::vector<int64_t> &sizes,
					 size_t cap)
{
	std::string suffix = std::string("_") + device_name(d);
	Family f{family_name("Device", backend_name<K>(), m, suffix.c_str()), d, cap, false};
	std::vector<std::pair<int64_t, int64_t>> args;

	for (int64_t n : sizes)
		args.push_back({n, 1});
	add_family<K>(f, m, args, is_scan(m) ? benchmark::oN : benchmark::o1);
}

// The memory a scan of this world cannot avoid: for each of the n fds, the
// fd table slot, the struct file (f_op, private_data) and the eventfd_ctx
// (count), read in fd order with no other work.  BM_Wait_Model_Poll minus
// this is the scan's own logic.
void bm_touch(benchmark::State &state)
{
	auto n = static_cast<size_t>(state.range(0));
	World<ModelKernel> &w = world<ModelKernel>(Device::Eventfd, MODEL_CAPACITY);
	kern::files_struct *files = &w.kern().files();
	uint64_t sum = 0;

	for (auto _ : state) {
		for (size_t i = 0; i < n; ++i) {
			kern::file *f = kern::fdget(files, w.watch_fd(i));

			sum += reinterpret_cast<uintptr_t>(f->f_op->poll);
			sum += static_cast<sim::eventfd_ctx *>(f->private_data)->count;
		}
		benchmark::DoNotOptimize(sum);
	}
	state.SetComplexityN(static_cast<int64_t>(n));
}

constexpr Mech GRID_MECHS[] = {Mech::Select, Mech::Poll, Mech::EpollLT, Mech::EpollET};
constexpr Mech SWEEP_MECHS[] = {Mech::Select, Mech::Poll, Mech::EpollLT, Mech::EpollET,
				Mech::EpollMod};
constexpr Mech DEVICE_MECHS[] = {Mech::Select, Mech::Poll, Mech::EpollLT};

void register_model()
{
	size_t cap = MODEL_CAPACITY;

	for (Mech m : GRID_MECHS)
		add_wait_grid<ModelKernel>(m, MODEL_SIZES, cap);
	auto *touch = benchmark::RegisterBenchmark("BM_Floor_Model_Touch", bm_touch);
	touch->ArgName("n")->Complexity(benchmark::oN);
	for (int64_t n : MODEL_SIZES)
		touch->Arg(n);
	for (Mech m : SWEEP_MECHS)
		add_k_sweep<ModelKernel>(m, CROSSOVER_N, cap);
	for (Device d : {Device::Pipe, Device::Socket})
		for (Mech m : DEVICE_MECHS)
			add_device_sweep<ModelKernel>(m, d, SMALL_SIZES,
						      static_cast<size_t>(SMALL_SIZES.back()));
}

// The facade, for the headline numbers: k = 1 over n.
void register_facade()
{
	size_t cap = FACADE_CAPACITY;

	for (Mech m : {Mech::Poll, Mech::EpollLT}) {
		Family f{family_name("Wait", "SimKernel", m), Device::Eventfd, cap, false};
		std::vector<std::pair<int64_t, int64_t>> args;

		for (int64_t n : SMALL_SIZES)
			args.push_back({n, 1});
		add_family<SimKernel>(f, m, args, is_scan(m) ? benchmark::oN : benchmark::o1);
	}
}

void register_host()
{
	size_t cap = host_capacity(1, 64);
	size_t cap2 = host_capacity(2, 64);

	if (host_sizes(cap2).empty())
		return;	// RLIMIT_NOFILE below ~100: no host sweep
	int64_t kn = std::min<int64_t>(CROSSOVER_N, host_sizes(cap).back());

	for (Mech m : GRID_MECHS)
		add_wait_grid<HostKernel>(m, host_sizes(cap), cap);
	for (Mech m : SWEEP_MECHS)
		add_k_sweep<HostKernel>(m, kn, cap);
	for (Device d : {Device::Pipe, Device::Socket})
		for (Mech m : DEVICE_MECHS)
			add_device_sweep<HostKernel>(m, d, host_sizes(cap2), cap2);
}

} // namespace

void register_wait_benchmarks()
{
	register_model();
	register_facade();
	register_host();
}

} // namespace epsim::bench
