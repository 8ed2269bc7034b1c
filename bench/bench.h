// SPDX-License-Identifier: GPL-2.0-only
//
// What the benchmark files of epsim_bench share: the sizes each backend
// runs at, the model's work counters as Google Benchmark counters, and the
// counting allocator of main.cc.  Models nothing in Linux.
//
// Naming (stable, so runs compare by name across commits and scripts):
//
//   BM_Wait_<Backend>_<Mechanism>/n:N/k:K     cost of one wait against n
//   BM_WaitK_<Backend>_<Mechanism>/n:N/k:K    ... against k at fixed n
//   BM_Device_<Backend>_<Mechanism>_<Device>/n:N/k:1
//   BM_Ctl_<Backend>_<Add|Mod|Del>/n:N
//   BM_Callback_Model/queued:Q, BM_Memory_Model_Watch/n:N,
//   BM_Floor_Model_Touch/n:N, BM_RoundTrip_<Backend>
//
// Backend: Model (the model driven below the facade), SimKernel (the
// facade over the simulator), Host (the real kernel).  Mechanism: Select,
// Poll, EpollLT, EpollET, EpollMod (LT|ONESHOT, one EPOLL_CTL_MOD per
// event).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernel_model/stats.h"

namespace epsim::bench {

// n for the model's sweeps: 10 .. 10^6.
inline const std::vector<int64_t> MODEL_SIZES = {10, 100, 1000, 10000, 100000, 1000000};
// n for the facade and the model's per-device sweeps.
inline const std::vector<int64_t> SMALL_SIZES = {10, 100, 1000, 10000, 100000};
// Objects in the model's eventfd world and in the facade's.  An
// epoll_ctl ADD benchmark uses CTL_BATCH fresh objects beyond its n; the
// untimed DEL of a batch (PauseTiming costs ~0.6 us) is spread over it.
inline constexpr size_t CTL_BATCH = 1024;
inline constexpr size_t MODEL_CAPACITY = 1000000;
inline constexpr size_t FACADE_CAPACITY = 100000 + CTL_BATCH;
// The fixed n of the k sweeps (the crossover), on every backend.
inline constexpr int64_t CROSSOVER_N = 10000;

// Host objects of one kind that fit under RLIMIT_NOFILE (raised to the hard
// limit by main), keeping `spare` fds for epoll fds and ctl batches.
size_t host_capacity(size_t fds_per_object, size_t spare);
// 10, 100, ... up to cap, then cap rounded down to a thousand.
std::vector<int64_t> host_sizes(size_t cap);
// k = 1, 1%, 10%, 40%, 100% of n (at least 1, without repeats).
std::vector<int64_t> k_fractions(int64_t n);
// k = 1 and every 5% of n.
std::vector<int64_t> k_sweep(int64_t n);

// Snapshot of the model's work counters; report() adds them to the state
// as per-wait averages: f_op_poll, wq_linked, wq_unlinked, bytes_to_user,
// bytes_from_user.
struct StatsScope {
	kern::model_stats before = kern::kstats;
	void report(benchmark::State &state, uint64_t ops) const;
};

// The counting allocator (main.cc): bytes requested from operator new and
// calls, since program start.
uint64_t allocated_bytes();
uint64_t allocation_calls();

// Registration of each file's families (called by main in this order).
void register_wait_benchmarks();
void register_ctl_benchmarks();

} // namespace epsim::bench
