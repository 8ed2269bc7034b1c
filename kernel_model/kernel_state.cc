// SPDX-License-Identifier: GPL-2.0-only
//
// Names of the coverage counters of kernel_state, and the benchmark work
// counters of stats.h (both model nothing in Linux).
#include "kernel_model/kernel_state.h"

#include "kernel_model/stats.h"

namespace epsim::kern {

thread_local constinit model_stats kstats{};

const char *coverage_name(coverage_point p)
{
	static const char *const names[COV_NR] = {
		"ovflist_divert",   "ovflist_requeue", "oneshot_disarm",
		"callback_disabled", "callback_key_filtered", "eloop",
		"ep_max_nests",     "reverse_path_limit", "eperm",
		"eexist",           "enoent",          "enospc",
		"et_rearm",         "lt_requeue",      "leftovers",
		"stale_drop",       "auto_remove",     "nested_wake",
		"pipe_merge",       "pipe_full",       "eventfd_limit",
		"rdhup",            "hup",             "err",
		"exclusive_wake",
	};
	return p < COV_NR ? names[p] : "?";
}

} // namespace epsim::kern
