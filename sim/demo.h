// SPDX-License-Identifier: GPL-2.0-only
//
// `epsim demo`: a walk-through of level-triggered, edge-triggered and
// one-shot epoll over one pipe, printing the model's structures (interest
// tree, ready list, wait queues) after every step.
#pragma once

#include <ostream>

namespace epsim {

// Runs the walk-through on a fresh SimKernel, writing to out.
void run_demo(std::ostream &out);

} // namespace epsim
