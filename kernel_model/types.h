// SPDX-License-Identifier: GPL-2.0-only
//
// Basic kernel types used across the model (include/linux/types.h,
// include/uapi/linux/eventpoll.h).  The model reports errors the kernel way:
// a negative errno in an int or ssize_t; the syscall facade turns that into
// -1 and errno.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <sys/types.h>

namespace epsim::kern {

using __poll_t = uint32_t;
using u64 = uint64_t;
using u32 = uint32_t;
using loff_t = long long;

// The errno the model uses for "a signal interrupted the call"; the kernel
// returns -ERESTARTSYS/-ERESTARTNOHAND and the signal code turns it into
// EINTR because epsim's SIGUSR1 handler is installed without SA_RESTART.
// Divergence: the restart codes are folded into EINTR at the source
// (docs/divergences.md, "restart codes").
inline constexpr int EINTR_NORESTART = EINTR;

} // namespace epsim::kern
