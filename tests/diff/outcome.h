// SPDX-License-Identifier: GPL-2.0-only
//
// The observable result of one system call, rendered as one line of text.
// Two backends agree on a call iff their lines are equal, and the C
// reproducer (c_repro.cc) prints the very same line from the real kernel
// with C functions that mirror these ones character for character:
//
//     fmt_ret(3, 0)              "= 3"
//     fmt_ret(-1, EBADF)         "= -1 EBADF"
//     fmt_pair(0, 0, {5, 6})     "= 0 [5 6]"
//     fmt_events(2, 0, ev)       "= 2 {19 100000003} {4 7}"   (events, data in hex)
//     fmt_read(8, 0, buf)        "= 8 fnv=1c7e5e5d u64=3"     (FNV-1a of the bytes)
//     fmt_poll(1, 0, pfds, 2)    "= 1 0 4"                    (revents in hex)
//     fmt_select(2, 0, ...)      "= 2 r=5 w=6 e= tv=0.000000"
//     fmt_fdinfo(text, 0)        "= ok | pos: 0 | flags: 02 | tfd=5 ev=19 data=1"
//
// fdinfo keeps what both kernels must agree on: the header's pos and flags
// and every device line except eventfd-id, and the "tfd:" items as a sorted
// multiset of (tfd, events, data).  mnt_id, ino and the items' pos/ino/sdev
// are machine details (docs/divergences.md, "fdinfo header and inode
// numbers"), and the kernel lists items in struct-file address order.
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace epsim::diff {

struct Outcome {
	long ret;		// the return value
	int err;		// errno when ret == -1
	std::string text;	// the rendered line
};

std::string fmt_ret(long r, int e);
std::string fmt_pair(long r, int e, const int sv[2]);
std::string fmt_events(long r, int e, const epoll_event *ev);
std::string fmt_read(long r, int e, const unsigned char *buf);
std::string fmt_poll(long r, int e, const pollfd *p, size_t n);
std::string fmt_select(long r, int e, int n, const fd_set *rs, const fd_set *ws, const fd_set *es,
		       const timeval *tv);
// text is what fdinfo() returned; an empty text is a failure with errno e.
std::string fmt_fdinfo(const std::string &text, int e);

inline Outcome ret_outcome(long r, int e) { return Outcome{r, e, fmt_ret(r, e)}; }

// FNV-1a, 32 bits.
uint32_t fnv1a(const unsigned char *p, size_t n);
// The bytes a write sends: a pattern that depends on the seed.
void fill_pattern(unsigned char *b, size_t n, unsigned seed);

// "IN|OUT|ET|0x800" for an epoll or poll mask.
std::string epoll_mask_name(uint32_t m);
std::string poll_mask_name(short m);
// "ADD", "DEL", "MOD" or the number.
std::string epoll_op_name(int op);

} // namespace epsim::diff
