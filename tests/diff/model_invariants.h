// SPDX-License-Identifier: GPL-2.0-only
//
// Model-level invariants checked between system calls, independently of
// SimKernel::verify() (which they back up: a bug in verify() must not hide
// a bug in the model).  They walk the model's structures from the fd table:
//
//   - every epoll's ovflist is inactive and no epitem is chained on one;
//   - an item is on its epoll's rdllist at most once, and only its own
//     epoll's items are there;
//   - each epoll's refcount is 1 (its file) + its items;
//   - the global counts balance: items == nr_epitems == watches charged,
//     hooks == nr_pwqs, reachable epolls == nr_eventpolls, distinct files
//     in the fd table == nr_files (nothing but fds holds a file between
//     calls);
//   - every item is on its target file's f_ep list, and every entry of a
//     file's f_ep list is a live item watching that file.
//
// After every fd a program opened is closed, no_leaks() also requires that
// no epoll, item or hook is left and every eventfd id is free again.
#pragma once

#include <string>

#include "sim/kernel.h"

namespace epsim::diff {

// "" when every invariant holds, else the first violation.
std::string model_invariant_problem(SimKernel &k);
// "" when nothing the program created is left, else what is.
std::string model_leak_problem(SimKernel &k);

} // namespace epsim::diff
