// SPDX-License-Identifier: GPL-2.0-only
//
// Names of the coverage counters of kernel_state (models nothing in Linux).
#include "kernel_model/kernel_state.h"

namespace epsim::kern {

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
