// SPDX-License-Identifier: GPL-2.0-only
//
// AF_UNIX SOCK_STREAM socket pairs, modelled on net/unix/af_unix.c and the
// generic socket code of net/core/sock.c and net/socket.c (Linux 6.18):
// __sys_socketpair, unix_create, unix_socketpair, unix_stream_sendmsg,
// unix_stream_read_generic, unix_poll, unix_shutdown, unix_release_sock,
// sock_alloc_send_pskb, sock_wfree, unix_write_space, sock_def_readable
// and sock_def_wakeup.  The observable rules (kernel-semantics.md §8.3):
//
//   - data travels as a queue of skbs, one per send chunk; a read consumes
//     across skbs;
//   - each skb's truesize is charged to the SENDER until the receiver has
//     consumed the whole skb; a send blocks (or gets EAGAIN) while the
//     sender's charge is >= sk_sndbuf (212992), and the sender polls OUT
//     while 4 * (charge + 1) <= sk_sndbuf;
//   - wakeups: a queued skb wakes the receiver with IN|PRI|RDNORM|RDBAND;
//     a consumed skb wakes the sender with OUT|WRNORM|WRBAND if it is now
//     writable; shutdown and close wake with no key;
//   - close of a socket with unread data gives the peer ECONNRESET (ERR in
//     poll, reported once by the next read that finds the queue empty).
//
// Usage:
//
//     kern::file *sv[2];
//     int err = sim::unix_socketpair(k, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
//     sv[0]->f_op->write(sv[0], "hi", 2);  // 2, one skb queued at sv[1]
//     kern::vfs_poll(sv[1], nullptr);      // EPOLLIN|EPOLLRDNORM|EPOLLOUT|...
//     sv[0]->f_op->shutdown(sv[0], SHUT_WR);
//     kern::fput(sv[0]); kern::fput(sv[1]);
//
// A send costs O(len / 36544 + 1) skbs; a read O(skbs consumed); poll O(1).
//
// Invariants (docs/invariants.md), checked by the files' verify op:
//   U1  rcvq_bytes equals the unread bytes of the skbs in sk_receive_queue,
//       and every queued skb has 0 <= consumed < len
//   U2  sk_wmem_alloc equals the truesize sum of the in-flight skbs this
//       socket sent (those in its peer's receive queue)
//   U3  peer pointers are symmetric while both ends are open
//   plus W1-W3 (wait_verify) on the socket's wait queue.
#pragma once

#include <memory>

#include "kernel_model/file.h"
#include "kernel_model/kernel_state.h"
#include "kernel_model/wait.h"

namespace epsim::sim {

// sockfs's anonymous superblock (st_dev 0:9 on the reference machine).
inline constexpr unsigned SOCKFS_DEV = 0x9;
// Linux: net/core/sock.c sysctl_wmem_default (net.core.wmem_default)
inline constexpr int SK_WMEM_DEFAULT = 212992;

// Linux: include/net/sock.h RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK
inline constexpr unsigned char RCV_SHUTDOWN = 1;
inline constexpr unsigned char SEND_SHUTDOWN = 2;
inline constexpr unsigned char SHUTDOWN_MASK = 3;

// Linux: include/net/tcp_states.h (the states a unix stream socket uses)
inline constexpr unsigned char UNIX_TCP_ESTABLISHED = 1;
inline constexpr unsigned char UNIX_TCP_CLOSE = 7;

struct unix_sock;

// One chunk of a stream (struct sk_buff with its UNIXCB).  Owned by the
// receive queue it sits on; freed by consume_skb / kfree_skb.
struct sk_buff {
	kern::list_head list;		// on the receiver's sk_receive_queue
	unix_sock *sk;			// the sender, charged truesize; immutable
	unsigned len;			// payload bytes; immutable
	unsigned consumed;		// UNIXCB(skb).consumed: bytes already read
	unsigned truesize;		// bytes charged to sk->sk_wmem_alloc; immutable
	std::unique_ptr<char[]> data;	// len bytes of payload; immutable
};

// struct socket + struct sock + struct unix_sock, folded into one object.
// The kernel guards the fields with unix_state_lock and the receive-queue
// lock; the model runs one task at a time and switches only when a task
// sleeps (in sock_wait_for_wmem or unix_stream_data_wait, where the kernel
// holds neither), so every field is "protected by unix_state_lock".
struct unix_sock {
	kern::kernel_state *k;		// immutable
	kern::wait_queue_head wait;	// sk->sk_wq->wait: sleepers and pollers
	unix_sock *peer;		// unix_peer(sk); NULL once released
	kern::list_head sk_receive_queue;	// skbs sent by the peer, oldest first
	size_t rcvq_bytes;		// unread bytes in sk_receive_queue (SIOCINQ)
	kern::u64 sk_wmem_alloc;	// truesize of sent skbs not yet freed
					// (the kernel's refcount minus its base 1)
	int sk_sndbuf;			// SO_SNDBUF; fixed at SK_WMEM_DEFAULT
	unsigned char sk_shutdown;	// RCV_SHUTDOWN | SEND_SHUTDOWN
	unsigned char sk_state;		// UNIX_TCP_ESTABLISHED, or CLOSE once released
	int sk_err;			// pending error (ECONNRESET), cleared by sock_error
	bool sock_dead;			// SOCK_DEAD: orphaned by unix_release_sock
	int sk_refcnt;			// the socket's own + one per peer pointing here
};

// socketpair(2).  Accepts SOCK_NONBLOCK and SOCK_CLOEXEC in type (the
// latter is the caller's business).  Errors, in Linux's order: -EINVAL
// for other type flags, -EAFNOSUPPORT for a domain outside 0..AF_MAX-1,
// -EINVAL for a type >= SOCK_MAX, for AF_INET/AF_INET6 what inet_create
// says (usually -EOPNOTSUPP: no socketpair for them), -EAFNOSUPPORT for
// other domains, -EPROTONOSUPPORT for a protocol other than 0 or PF_UNIX,
// -ESOCKTNOSUPPORT for an unknown type, -EOPNOTSUPP for SOCK_DGRAM,
// SOCK_RAW and SOCK_SEQPACKET (not modelled).  Returns 0 and out[0..1].
// Linux: net/socket.c __sys_socketpair, net/unix/af_unix.c unix_create
int unix_socketpair(kern::kernel_state *k, int domain, int type, int protocol,
		    kern::file *out[2]);

// The socket behind f, or nullptr if f is not a unix stream socket.
// Linux: net/socket.c sock_from_file
unix_sock *sock_from_file(const kern::file *f);

} // namespace epsim::sim
