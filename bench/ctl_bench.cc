// SPDX-License-Identifier: GPL-2.0-only
//
// Everything around the wait: epoll_ctl ADD/MOD/DEL against the size of
// the interest set, ep_poll_callback (a device wakeup into the ready
// list), the memory a watch costs, and a blocking round trip between two
// tasks (the simulator's scheduler; real threads on the host).
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <atomic>

#include "bench/bench.h"
#include "bench/model_kernel.h"
#include "bench/world.h"
#include "kernel_model/eventpoll.h"
#include "sim/eventfd.h"
#include "sim/kernel.h"

namespace epsim::bench {

namespace {

::epoll_event make_event(uint32_t events, uint64_t data)
{
	::epoll_event ev{};

	ev.events = events;
	ev.data.u64 = data;
	return ev;
}

template <class K> void ctl(World<K> &w, int ep, int op, size_t i, uint32_t events)
{
	::epoll_event ev = make_event(events, i);

	check_call(w.kern().epoll_ctl(ep, op, w.watch_fd(i), op == EPOLL_CTL_DEL ? nullptr : &ev),
		   "epoll_ctl");
}

// Touches objects [from, to) with a read (EAGAIN), as a server's accept()
// and first read leave a new connection's file in cache before its ADD.
template <class K> void warm(World<K> &w, size_t from, size_t to)
{
	char buf[8];

	for (size_t i = from; i < to; ++i)
		w.kern().read(w.watch_fd(i), buf, sizeof buf);
}

// The interest set holds objects 0..n-1; each iteration ADDs the next of
// n..n+CTL_BATCH-1, and a full batch is deleted (and the next warmed)
// untimed.
template <class K> void ctl_add(benchmark::State &state, World<K> &w, int ep, size_t n)
{
	size_t next = n;

	warm(w, n, n + CTL_BATCH);
	for (auto _ : state) {
		if (next == n + CTL_BATCH) {
			state.PauseTiming();
			for (; next > n; --next)
				ctl(w, ep, EPOLL_CTL_DEL, next - 1, 0);
			warm(w, n, n + CTL_BATCH);
			state.ResumeTiming();
		}
		ctl(w, ep, EPOLL_CTL_ADD, next++, EPOLLIN);
	}
	for (; next > n; --next)
		ctl(w, ep, EPOLL_CTL_DEL, next - 1, 0);
}

// Each iteration DELs one of a batch ADDed untimed beyond the n items.
template <class K> void ctl_del(benchmark::State &state, World<K> &w, int ep, size_t n)
{
	size_t next = n;

	for (auto _ : state) {
		if (next == n) {
			state.PauseTiming();
			for (; next < n + CTL_BATCH; ++next)
				ctl(w, ep, EPOLL_CTL_ADD, next, EPOLLIN);
			state.ResumeTiming();
		}
		ctl(w, ep, EPOLL_CTL_DEL, --next, 0);
	}
	for (; next > n; --next)
		ctl(w, ep, EPOLL_CTL_DEL, next - 1, 0);
}

// Each iteration MODs one of the n items (same mask), visiting them in a
// scattered order so the tree walk is not always cache-hot.
template <class K> void ctl_mod(benchmark::State &state, World<K> &w, int ep, size_t n)
{
	size_t i = 0;

	for (auto _ : state) {
		ctl(w, ep, EPOLL_CTL_MOD, i, EPOLLIN);
		i = (i + 7919) % n;
	}
}

enum class CtlOp { Add, Mod, Del };

template <class K> void bm_ctl(benchmark::State &state, CtlOp op, size_t cap)
{
	auto n = static_cast<size_t>(state.range(0));

	try {
		World<K> &w = world<K>(Device::Eventfd, cap);

		w.set_active(n, 0);
		int ep = w.epoll(EPOLLIN, n);

		if (op == CtlOp::Add)
			ctl_add(state, w, ep, n);
		else if (op == CtlOp::Del)
			ctl_del(state, w, ep, n);
		else
			ctl_mod(state, w, ep, n);
	} catch (const std::exception &e) {
		state.SkipWithError(e.what());
		return;
	}
	state.SetComplexityN(static_cast<int64_t>(n));
}

template <class K> void add_ctl(const std::vector<int64_t> &sizes, size_t cap)
{
	static const char *const names[] = {"Add", "Mod", "Del"};

	for (CtlOp op : {CtlOp::Add, CtlOp::Mod, CtlOp::Del}) {
		std::string name = std::string("BM_Ctl_") + backend_name<K>() + "_" +
				   names[static_cast<int>(op)];
		auto *b = benchmark::RegisterBenchmark(name.c_str(), [op, cap](benchmark::State &s) {
			bm_ctl<K>(s, op, cap);
		});

		b->ArgName("n")->Complexity(benchmark::oLogN);
		for (int64_t n : sizes)
			b->Arg(n);
	}
}

// ---- ep_poll_callback ----

// CALLBACK_ITEMS eventfds watched by one ET epoll of a small model (all
// of it stays in cache).  Each iteration wakes one eventfd's queue with
// key EPOLLIN, as eventfd_write does: __wake_up -> ep_poll_callback.
// queued:0  the item is not on rdllist and is linked at its tail; the
//           batch is harvested untimed every CALLBACK_ITEMS wakeups
// queued:1  the item is on rdllist already (ep_poll_callback only checks)
constexpr size_t CALLBACK_ITEMS = 512;

void bm_callback(benchmark::State &state)
{
	bool queued = state.range(0) != 0;
	ModelKernel mk;
	std::vector<kern::wait_queue_head *> queues;
	std::vector<::epoll_event> events(CALLBACK_ITEMS);
	int ep = mk.epoll_create1(0);
	size_t i = 0;

	for (size_t j = 0; j < CALLBACK_ITEMS; ++j) {
		int fd = mk.eventfd(queued ? 1 : 0, EFD_NONBLOCK);
		::epoll_event ev = make_event(EPOLLIN | EPOLLET, j);

		check_call(mk.epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), "epoll_ctl");
		queues.push_back(&sim::eventfd_ctx_fileget(kern::fdget(&mk.files(), fd))->wqh);
	}
	for (auto _ : state) {
		if (i == CALLBACK_ITEMS) {
			i = 0;
			if (!queued) {
				state.PauseTiming();
				mk.epoll_wait(ep, events.data(), CALLBACK_ITEMS, 0);
				state.ResumeTiming();
			}
		}
		kern::wake_up_poll(queues[i++], EPOLLIN);
	}
	state.counters["items"] = CALLBACK_ITEMS;
}

// ---- memory per watch ----

// Counts what n ADDs allocate: first by an epoll that is the files' first
// watcher (epitem + eppoll_entry + the file's epitems_head), then by a
// second epoll watching the same files (epitem + eppoll_entry only).  The
// counting allocator gives the bytes requested; mallinfo2 the heap used,
// with malloc's chunk headers and rounding.  n is a multiple of the slab
// size (KMEM_SLAB_OBJECTS), so no slab is left partly used.
void bm_memory(benchmark::State &state)
{
	auto n = static_cast<size_t>(state.range(0));

	for (auto _ : state) {
		ModelKernel mk;
		std::vector<int> fds;

		for (size_t j = 0; j < n; ++j)
			fds.push_back(mk.eventfd(0, EFD_NONBLOCK));
		auto add_all = [&](int ep, double *bytes, double *heap, double *calls) {
			uint64_t b0 = allocated_bytes(), c0 = allocation_calls();
			size_t h0 = mallinfo2().uordblks;

			for (size_t j = 0; j < n; ++j) {
				::epoll_event ev = make_event(EPOLLIN, j);

				check_call(mk.epoll_ctl(ep, EPOLL_CTL_ADD, fds[j], &ev), "epoll_ctl");
			}
			*bytes = static_cast<double>(allocated_bytes() - b0) / static_cast<double>(n);
			*heap = static_cast<double>(mallinfo2().uordblks - h0) / static_cast<double>(n);
			*calls = static_cast<double>(allocation_calls() - c0) / static_cast<double>(n);
		};
		double first, first_heap, first_calls, bytes, heap, calls;

		add_all(mk.epoll_create1(0), &first, &first_heap, &first_calls);
		add_all(mk.epoll_create1(0), &bytes, &heap, &calls);
		state.counters["bytes_per_watch"] = bytes;
		state.counters["heap_bytes_per_watch"] = heap;
		state.counters["allocs_per_watch"] = calls;
		state.counters["bytes_first_watch"] = first;
		state.counters["heap_bytes_first_watch"] = first_heap;
	}
	state.counters["sizeof_epitem"] = sizeof(kern::epitem);
	state.counters["sizeof_eppoll_entry"] = sizeof(kern::eppoll_entry);
	state.counters["sizeof_epitems_head"] = sizeof(kern::epitems_head);
}

// ---- blocking round trip ----

// Two threads ping-pong through two eventfds, each blocking in
// epoll_wait(-1) on its own: main writes a, the peer wakes, reads a,
// writes b; main wakes, reads b.  One iteration is one round trip: two
// blocking waits, two wakeups, two context switches.  On SimKernel the
// switches are the simulator's fibers.
template <class K> void bm_round_trip(benchmark::State &state)
{
	K k;
	int a = k.eventfd(0, 0), b = k.eventfd(0, 0);
	int ep_a = k.epoll_create1(0), ep_b = k.epoll_create1(0);
	std::atomic<bool> stop{false};
	::epoll_event ev = make_event(EPOLLIN, 0), out;
	uint64_t v = 1;

	k.epoll_ctl(ep_a, EPOLL_CTL_ADD, a, &ev);
	k.epoll_ctl(ep_b, EPOLL_CTL_ADD, b, &ev);
	auto peer = k.spawn([&] {
		::epoll_event pev;
		uint64_t pv = 1;

		while (k.epoll_wait(ep_a, &pev, 1, -1) == 1 && !stop.load()) {
			k.read(a, &pv, sizeof pv);
			k.write(b, &pv, sizeof pv);
		}
	});
	for (auto _ : state) {
		k.write(a, &v, sizeof v);
		if (k.epoll_wait(ep_b, &out, 1, -1) != 1) {
			state.SkipWithError("epoll_wait failed");
			break;
		}
		k.read(b, &v, sizeof v);
	}
	stop.store(true);
	k.write(a, &v, sizeof v);
	k.join(peer);
}

} // namespace

void register_ctl_benchmarks()
{
	size_t host_cap = host_capacity(1, 64);
	std::vector<int64_t> model_sizes(MODEL_SIZES.begin(), MODEL_SIZES.end() - 1);

	model_sizes.push_back(MODEL_SIZES.back() - static_cast<int64_t>(CTL_BATCH));
	add_ctl<ModelKernel>(model_sizes, MODEL_CAPACITY);
	add_ctl<SimKernel>({10, 1000, 100000}, FACADE_CAPACITY);
	if (host_cap > CTL_BATCH + 10)
		add_ctl<HostKernel>(host_sizes(host_cap - CTL_BATCH), host_cap);

	benchmark::RegisterBenchmark("BM_Callback_Model", bm_callback)
		->ArgName("queued")
		->Arg(0)
		->Arg(1);
	benchmark::RegisterBenchmark("BM_Memory_Model_Watch", bm_memory)
		->ArgName("n")
		->Arg(131072)
		->Iterations(1);
	benchmark::RegisterBenchmark("BM_RoundTrip_SimKernel", bm_round_trip<SimKernel>);
	benchmark::RegisterBenchmark("BM_RoundTrip_Host", bm_round_trip<HostKernel>);
}

} // namespace epsim::bench
