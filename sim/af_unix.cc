// SPDX-License-Identifier: GPL-2.0-only
//
// Models AF_UNIX stream socket pairs (Linux 6.18): from net/socket.c
// __sys_socketpair and __sock_create's checks; from net/unix/af_unix.c
// unix_create, unix_create1, unix_socketpair, unix_stream_sendmsg,
// unix_stream_read_generic, unix_stream_data_wait, unix_poll,
// unix_writable, unix_write_space, unix_shutdown, unix_release_sock and
// unix_show_fdinfo; from net/core/sock.c sock_alloc_send_pskb,
// sock_wait_for_wmem, sock_wfree, sock_error, sock_def_readable,
// sock_def_wakeup and sk_free; from net/core/skbuff.c the truesize of an
// skb built by alloc_skb_with_frags.  See af_unix.h for the rules.
//
// Memory accounting.  The kernel's sk_wmem_alloc is a refcount that starts
// at 1 and grows by each sent skb's truesize; the model's sk_wmem_alloc is
// that refcount minus 1, so it equals the truesize sum (U2), and the two
// places that read the raw refcount add the 1 back:
//   - unix_poll's writability test: 4 * (sk_wmem_alloc + 1) <= sndbuf;
//   - unix_write_space, called from sock_wfree while sock_wfree still holds
//     one extra unit: 4 * (sk_wmem_alloc + 2) <= sndbuf.
// sock_alloc_send_pskb uses sk_wmem_alloc_get() (refcount - 1) directly:
// a send may allocate while sk_wmem_alloc < sndbuf.
//
// Divergence: only SOCK_STREAM; SOCK_DGRAM, SOCK_RAW and SOCK_SEQPACKET
// give EOPNOTSUPP instead of a working pair.
// Divergence: for AF_INET and AF_INET6 the model reproduces the errnos
// measured on 6.18 for the common types and protocols (mostly EOPNOTSUPP:
// the sockets exist but cannot be paired), except ICMP ping sockets
// (EACCES on Linux).  Any other domain gives EAFNOSUPPORT; Linux creates
// e.g. AF_NETLINK or AF_PACKET sockets and fails with EOPNOTSUPP.
// Divergence: no signals (EPIPE without SIGPIPE; EINTR, not ERESTARTSYS),
// no SCM_RIGHTS or credentials, no MSG_OOB, no SO_SNDBUF changes, no
// peer_wait queue (it serves datagram sockets only).
// Divergence: truesize is computed by a formula fitted to this machine
// (unix_skb_truesize below), not by a slab allocator.
#include "sim/af_unix.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>

#include "kernel_model/invariant.h"

namespace epsim::sim {

using namespace epsim::kern;

// Linux: include/linux/net.h SOCK_TYPE_MASK, SOCK_MAX; include/linux/socket.h AF_MAX
static constexpr int SOCK_TYPE_MASK = 0xf;
static constexpr int SOCK_MAX = SOCK_PACKET + 1;
static constexpr int NPROTO = 46;	// AF_MAX on 6.18 (AF_MCTP + 1)

// Linux: include/linux/skbuff.h and net/unix/af_unix.c sizes on x86-64
static constexpr unsigned SMP_CACHE_BYTES = 64;
static constexpr unsigned SKB_SHINFO_SIZE = 320;	// SKB_DATA_ALIGN(sizeof(skb_shared_info))
static constexpr unsigned SKB_STRUCT_SIZE = 256;	// SKB_DATA_ALIGN(sizeof(sk_buff))
static constexpr unsigned SKB_PAGE_SIZE = 4096;
static constexpr unsigned SKB_MAX_HEAD0 = SKB_PAGE_SIZE - SKB_SHINFO_SIZE;	// 3776
static constexpr unsigned UNIX_SKB_FRAGS_SZ = 32768;	// PAGE_SIZE << get_order(32768)

static __poll_t unix_poll(file *filp, poll_table *wait);
static ssize_t unix_stream_recvmsg(file *filp, void *buf, size_t size);
static ssize_t unix_stream_sendmsg(file *filp, const void *buf, size_t len);
static void unix_release(file *filp);
static void unix_show_fdinfo(file *filp, std::string *out);
static int unix_shutdown(file *filp, int how);
static void unix_verify(const file *filp);

// Linux: net/socket.c socket_file_ops with net/unix/af_unix.c unix_stream_ops
static const file_operations unix_stream_fops = {
	.name = "socket",
	.poll = unix_poll,
	.read = unix_stream_recvmsg,
	.write = unix_stream_sendmsg,
	.release = unix_release,
	.show_fdinfo = unix_show_fdinfo,
	.shutdown = unix_shutdown,
	.verify = unix_verify,
};

unix_sock *sock_from_file(const file *f)
{
	if (f->f_op != &unix_stream_fops)
		return nullptr;
	return static_cast<unix_sock *>(f->private_data);
}

static unix_sock *unix_sk(const file *f) { return static_cast<unix_sock *>(f->private_data); }

static sk_buff *skb_of(list_head *link) { return list_entry(link, sk_buff, list); }

static void may_sleep(const unix_sock *sk, const char *what)
{
	if (!sk->k->sched)
		throw deadlock_error(std::string(what) +
				     ": would sleep, and there is no scheduler");
}

// ---- skb sizes ----

static unsigned skb_data_align(unsigned x)
{
	return (x + SMP_CACHE_BYTES - 1) & ~(SMP_CACHE_BYTES - 1);
}
static unsigned page_align(unsigned x) { return (x + SKB_PAGE_SIZE - 1) & ~(SKB_PAGE_SIZE - 1); }

// The truesize of an skb with header_len bytes in its linear head and
// data_len bytes in page fragments.  The head is a kmalloc of
// SKB_HEAD_ALIGN(header_len) (payload + skb_shared_info), rounded up to a
// power of two of at least 512 bytes; the fragments take whole pages
// (alloc_skb_with_frags charges PAGE_SIZE << order per chunk).  truesize =
// head allocation + the sk_buff itself + the fragment pages.  This
// reproduces SIOCOUTQ on 6.18.44 exactly for every write size measured
// (1 ... 200000 bytes: 1..192 -> 768, 193..704 -> 1280, 4096 -> 4864,
// 36544 -> 37120, 65536 -> 37120 + 29952).
// Linux: net/core/skbuff.c __alloc_skb, kmalloc_reserve, alloc_skb_with_frags
static unsigned unix_skb_truesize(unsigned header_len, unsigned data_len)
{
	unsigned head = skb_data_align(header_len) + SKB_SHINFO_SIZE;
	unsigned alloc = 512;

	while (alloc < head)	// head <= 4096: at most 3 doublings
		alloc <<= 1;
	return alloc + SKB_STRUCT_SIZE + page_align(data_len);
}

// How much of the remaining `left` bytes the next skb carries, and how
// much of that goes to page fragments.
// Linux: net/unix/af_unix.c unix_stream_sendmsg (size / data_len)
static unsigned unix_skb_size(const unix_sock *sk, size_t left, unsigned *data_len)
{
	size_t size = left;
	size_t cap = static_cast<size_t>(sk->sk_sndbuf >> 1) - 64;

	// Keep two messages in the pipe so it schedules better.
	if (size > cap)
		size = cap;
	// Allow fallback to order-0 allocations.
	if (size > SKB_MAX_HEAD0 + UNIX_SKB_FRAGS_SZ)
		size = SKB_MAX_HEAD0 + UNIX_SKB_FRAGS_SZ;
	unsigned frag = size > SKB_MAX_HEAD0 ? static_cast<unsigned>(size) - SKB_MAX_HEAD0 : 0;

	frag = page_align(frag);
	*data_len = frag < size ? frag : static_cast<unsigned>(size);
	return static_cast<unsigned>(size);
}

// ---- socket lifetime ----

// Linux: net/unix/af_unix.c unix_create1 (with sock_init_data)
static unix_sock *unix_create1(kernel_state *k)
{
	auto *u = new unix_sock{};

	u->k = k;
	init_waitqueue_head(&u->wait);
	INIT_LIST_HEAD(&u->sk_receive_queue);
	u->sk_sndbuf = SK_WMEM_DEFAULT;
	u->sk_state = UNIX_TCP_CLOSE;
	u->sk_refcnt = 1;
	return u;
}

// The memory goes once nothing refers to the socket and no skb it sent
// is still charged to it.
// Linux: net/core/sock.c sk_free, __sk_free
static void sk_free_if_unused(unix_sock *sk)
{
	if (sk->sk_refcnt == 0 && sk->sk_wmem_alloc == 0)
		delete sk;
}

// Linux: include/net/sock.h sock_put
static void sock_put(unix_sock *sk)
{
	--sk->sk_refcnt;
	sk_free_if_unused(sk);
}

// Linux: include/net/sock.h sock_error: reports and clears sk_err.
static int sock_error(unix_sock *sk)
{
	int err = sk->sk_err;

	sk->sk_err = 0;
	return -err;
}

// ---- wakeups (net/core/sock.c, net/unix/af_unix.c) ----

// A released socket has no wait queue any more (sock_orphan cleared
// sk_wq), so none of these wake anything on it.
static bool skwq_has_sleeper(const unix_sock *sk)
{
	return !sk->sock_dead && waitqueue_active(&sk->wait);
}

// Linux: net/core/sock.c sock_def_readable
static void sock_def_readable(unix_sock *sk)
{
	if (skwq_has_sleeper(sk))
		wake_up_interruptible_sync_poll(&sk->wait,
						EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND);
}

// Linux: net/core/sock.c sock_def_wakeup (sk_state_change)
static void sock_def_wakeup(unix_sock *sk)
{
	if (skwq_has_sleeper(sk))
		wake_up_interruptible_all(&sk->wait);
}

// refcount is the kernel's raw sk_wmem_alloc (see the top of the file).
// Linux: net/unix/af_unix.c unix_writable (never TCP_LISTEN here)
static bool unix_writable(const unix_sock *sk, u64 refcount)
{
	return (refcount << 2) <= static_cast<u64>(sk->sk_sndbuf);
}

// Runs inside sock_wfree, which still holds one unit of the refcount.
// Linux: net/unix/af_unix.c unix_write_space
static void unix_write_space(unix_sock *sk)
{
	if (unix_writable(sk, sk->sk_wmem_alloc + 2) && skwq_has_sleeper(sk))
		wake_up_interruptible_sync_poll(&sk->wait, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
}

// Frees an skb and uncharges its sender, which may now be writable.
// Linux: net/core/skbuff.c consume_skb / kfree_skb, net/core/sock.c sock_wfree
static void kfree_skb(sk_buff *skb)
{
	unix_sock *sk = skb->sk;

	sk->sk_wmem_alloc -= skb->truesize;
	delete skb;
	unix_write_space(sk);
	sk_free_if_unused(sk);
}

// ---- creation ----

// AF_INET and AF_INET6 sockets can be created but have no socketpair
// operation (sock_no_socketpair): what inet_create would say about the
// type and protocol, else EOPNOTSUPP.  Measured on 6.18 as root.
// Linux: net/ipv4/af_inet.c inet_create, net/ipv6/af_inet6.c inet6_create,
// net/core/sock.c sock_no_socketpair
static int inet_socketpair_errno(int domain, int type, int protocol)
{
	switch (type) {
	case SOCK_STREAM:
		if (protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP)
			return -EOPNOTSUPP;
		return -EPROTONOSUPPORT;
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP)
			return -EOPNOTSUPP;
		return -EPROTONOSUPPORT;	// Divergence: ICMP "ping" sockets give EACCES
	case SOCK_RAW:
		return protocol ? -EOPNOTSUPP : -EPROTONOSUPPORT;
	case SOCK_PACKET:
		// __sock_create turns PF_INET/SOCK_PACKET into PF_PACKET.
		return domain == AF_INET ? -EOPNOTSUPP : -ESOCKTNOSUPPORT;
	default:
		return -ESOCKTNOSUPPORT;
	}
}

// Linux: net/socket.c __sys_socketpair and __sock_create's checks,
// net/unix/af_unix.c unix_create
static int unix_socketpair_check(int domain, int type, int protocol)
{
	if (type & ~SOCK_TYPE_MASK & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	type &= SOCK_TYPE_MASK;
	if (domain < 0 || domain >= NPROTO)
		return -EAFNOSUPPORT;
	if (type >= SOCK_MAX)
		return -EINVAL;
	if (domain == AF_INET || domain == AF_INET6)
		return inet_socketpair_errno(domain, type, protocol);
	if (domain != AF_UNIX)
		return -EAFNOSUPPORT;	// Divergence: see the top of the file
	if (protocol && protocol != PF_UNIX)
		return -EPROTONOSUPPORT;
	switch (type) {
	case SOCK_STREAM:
		return 0;
	case SOCK_RAW:
	case SOCK_DGRAM:
	case SOCK_SEQPACKET:
		return -EOPNOTSUPP;	// Divergence: not modelled
	default:
		return -ESOCKTNOSUPPORT;
	}
}

int unix_socketpair(kernel_state *k, int domain, int type, int protocol, file *out[2])
{
	int err = unix_socketpair_check(domain, type, protocol);

	if (err)
		return err;

	unix_sock *ska = unix_create1(k);
	unsigned long ino_a = k->next_ino++;
	unix_sock *skb = unix_create1(k);
	unsigned long ino_b = k->next_ino++;

	// Linux: net/unix/af_unix.c unix_socketpair: join them back to back,
	// each holding a reference on the other.  (ska and skb are the
	// kernel's names for sockets a and b; skb is not a buffer here.)
	ska->peer = skb;
	skb->peer = ska;
	ska->sk_refcnt++;
	skb->sk_refcnt++;
	ska->sk_state = UNIX_TCP_ESTABLISHED;
	skb->sk_state = UNIX_TCP_ESTABLISHED;

	// Linux: net/socket.c sock_alloc_file
	unsigned f_flags = O_RDWR | (type & SOCK_NONBLOCK);

	out[0] = alloc_file(k, &unix_stream_fops, ska, f_flags, FMODE_READ | FMODE_WRITE, ino_a,
			    SOCKFS_DEV);
	out[1] = alloc_file(k, &unix_stream_fops, skb, f_flags, FMODE_READ | FMODE_WRITE, ino_b,
			    SOCKFS_DEV);
	return 0;
}

// ---- release ----

// The closing socket marks itself dead and fully shut down, tells the
// peer (no more writes; ECONNRESET if we leave unread data behind; a
// state-change wakeup with no key), then drops what it had received,
// which uncharges the peer's skbs and may wake the peer's writers.
// Epolls watching this very file were unhooked by __fput before this.
// Linux: net/unix/af_unix.c unix_release, unix_release_sock
static void unix_release(file *filp)
{
	unix_sock *sk = unix_sk(filp);
	unix_sock *skpair = sk->peer;

	sk->sock_dead = true;	// sock_orphan
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk->sk_state = UNIX_TCP_CLOSE;
	sk->peer = nullptr;

	if (skpair) {
		skpair->sk_shutdown = SHUTDOWN_MASK;
		if (!list_empty(&sk->sk_receive_queue))
			skpair->sk_err = ECONNRESET;
		sock_def_wakeup(skpair);
		sock_put(skpair);
	}
	// Bounded by the skbs queued; each one is unlinked before it is freed.
	while (!list_empty(&sk->sk_receive_queue)) {
		sk_buff *skb = skb_of(sk->sk_receive_queue.next);

		list_del_init(&skb->list);
		sk->rcvq_bytes -= skb->len - skb->consumed;
		kfree_skb(skb);
	}
	sock_put(sk);
}

// ---- poll ----

// Linux: net/unix/af_unix.c unix_poll
static __poll_t unix_poll(file *filp, poll_table *wait)
{
	unix_sock *sk = unix_sk(filp);
	__poll_t mask = 0;

	poll_wait(filp, &sk->wait, wait);	// sock_poll_wait

	// exceptional events?
	if (sk->sk_err)
		mask |= EPOLLERR;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	// readable?
	if (!list_empty(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	// Connection-based sockets report termination.
	if (sk->sk_state == UNIX_TCP_CLOSE)
		mask |= EPOLLHUP;
	// Writable even when the peer has shut down, so nothing gets stuck.
	if (unix_writable(sk, sk->sk_wmem_alloc + 1))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;

	if (mask & EPOLLERR)
		sk->k->hit(COV_ERR);
	if (mask & EPOLLHUP)
		sk->k->hit(COV_HUP);
	if (mask & EPOLLRDHUP)
		sk->k->hit(COV_RDHUP);
	return mask;
}

// ---- send ----

// Waits until the charge drops below sndbuf, the socket is shut for
// sending, or an error is pending.  Woken by unix_write_space (OUT) and
// by state changes (no key).
// Linux: net/core/sock.c sock_wait_for_wmem
static void sock_wait_for_wmem(unix_sock *sk)
{
	may_sleep(sk, "sock_wait_for_wmem");
	wait_event_interruptible(sk->k->sched, &sk->wait, false, "sock_wait_for_wmem", [sk] {
		return sk->sk_wmem_alloc + 1 < static_cast<u64>(sk->sk_sndbuf) ||
		       (sk->sk_shutdown & SEND_SHUTDOWN) || sk->sk_err;
	});
}

// Allocates an skb charged to sk, or fails: a pending error (reported
// and cleared), EPIPE after SEND_SHUTDOWN, EAGAIN when the charge has
// reached sndbuf and we may not sleep, EINTR on a signal.  Loops once per
// sleep.
// Linux: net/core/sock.c sock_alloc_send_pskb, skb_set_owner_w
static int sock_alloc_send_pskb(unix_sock *sk, unsigned size, unsigned data_len, bool noblock,
				sk_buff **out)
{
	for (;;) {
		int err = sock_error(sk);

		if (err)
			return err;
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			return -EPIPE;
		if (sk->sk_wmem_alloc < static_cast<u64>(sk->sk_sndbuf))
			break;
		if (noblock)
			return -EAGAIN;
		if (signal_pending(get_current(sk->k->sched)))
			return -EINTR_NORESTART;
		sock_wait_for_wmem(sk);
	}
	auto *skb = new sk_buff{};

	INIT_LIST_HEAD(&skb->list);
	skb->sk = sk;
	skb->len = size;
	skb->truesize = unix_skb_truesize(size - data_len, data_len);
	skb->data.reset(new char[size]);
	sk->sk_wmem_alloc += skb->truesize;
	*out = skb;
	return 0;
}

// Linux: net/unix/af_unix.c unix_stream_sendmsg
static ssize_t unix_stream_sendmsg(file *filp, const void *buf, size_t len)
{
	unix_sock *sk = unix_sk(filp);
	unix_sock *other = sk->peer;
	const char *from = static_cast<const char *>(buf);
	size_t sent = 0;
	int err = 0;

	if (!other)
		return -ENOTCONN;
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;	// Divergence: no SIGPIPE

	// One skb per pass; the loop ends when everything is queued or an
	// allocation fails.
	while (sent < len) {
		unsigned data_len;
		unsigned size = unix_skb_size(sk, len - sent, &data_len);
		sk_buff *skb;

		err = sock_alloc_send_pskb(sk, size, data_len, filp->f_flags & O_NONBLOCK, &skb);
		if (err)
			break;
		std::copy(from + sent, from + sent + size, skb->data.get());
		if (other->sock_dead || (other->sk_shutdown & RCV_SHUTDOWN)) {
			kfree_skb(skb);
			err = -EPIPE;	// Divergence: no SIGPIPE
			break;
		}
		list_add_tail(&skb->list, &other->sk_receive_queue);
		other->rcvq_bytes += size;
		sock_def_readable(other);	// other->sk_data_ready
		sent += size;
	}
	return sent ? static_cast<ssize_t>(sent) : err;
}

// ---- receive ----

// Waits for data, an error or RCV_SHUTDOWN.  Woken by the peer's
// sk_data_ready (IN) and by state changes (no key).  Only called with an
// empty queue, so "the tail changed" is "the queue is non-empty".
// Linux: net/unix/af_unix.c unix_stream_data_wait
static int unix_stream_data_wait(unix_sock *sk)
{
	auto ready = [sk] {
		return !list_empty(&sk->sk_receive_queue) || sk->sk_err ||
		       (sk->sk_shutdown & RCV_SHUTDOWN);
	};

	may_sleep(sk, "unix_stream_data_wait");
	return wait_event_interruptible(sk->k->sched, &sk->wait, false, "unix_stream_data_wait",
					ready);
}

// Copies from the oldest skb; frees it (uncharging the sender) once it is
// fully consumed.  Returns the bytes copied.
static size_t unix_stream_read_skb(unix_sock *sk, sk_buff *skb, char *to, size_t size)
{
	size_t chunk = skb->len - skb->consumed;

	if (chunk > size)
		chunk = size;
	std::copy(skb->data.get() + skb->consumed, skb->data.get() + skb->consumed + chunk, to);
	skb->consumed += chunk;
	sk->rcvq_bytes -= chunk;
	if (skb->consumed == skb->len) {
		list_del_init(&skb->list);
		kfree_skb(skb);	// consume_skb
	}
	return chunk;
}

// Linux: net/socket.c sock_read_iter, net/unix/af_unix.c unix_stream_read_generic
static ssize_t unix_stream_recvmsg(file *filp, void *buf, size_t size)
{
	unix_sock *sk = unix_sk(filp);
	char *to = static_cast<char *>(buf);
	size_t copied = 0;
	int err = 0;

	if (size == 0)
		return 0;	// Linux: net/socket.c sock_read_iter
	if (sk->sk_state != UNIX_TCP_ESTABLISHED)
		return -EINVAL;

	// One skb or one sleep per pass; ends when the request is satisfied,
	// the queue runs dry after some data (target is 1 byte), or on EOF,
	// an error, EAGAIN or a signal.
	while (size) {
		if (list_empty(&sk->sk_receive_queue)) {
			if (copied)
				break;
			// POSIX 1003.1g mandates this order.
			err = sock_error(sk);
			if (err)
				break;
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (filp->f_flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			if (unix_stream_data_wait(sk) < 0)
				return -EINTR_NORESTART;
			continue;
		}
		size_t chunk = unix_stream_read_skb(sk, skb_of(sk->sk_receive_queue.next),
						    to + copied, size);

		copied += chunk;
		size -= chunk;
	}
	return copied ? static_cast<ssize_t>(copied) : err;
}

// ---- shutdown ----

// Linux: net/unix/af_unix.c unix_shutdown
static int unix_shutdown(file *filp, int how)
{
	unix_sock *sk = unix_sk(filp);

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	// SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN, SHUT_RDWR -> both.
	unsigned char mode = static_cast<unsigned char>(how + 1);
	unix_sock *other = sk->peer;

	sk->sk_shutdown |= mode;
	sock_def_wakeup(sk);	// sk->sk_state_change
	if (other) {
		// The peer gets the mirror image: we stop reading, it may not
		// send; we stop sending, it will read EOF.
		unsigned char peer_mode = 0;

		if (mode & RCV_SHUTDOWN)
			peer_mode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer_mode |= RCV_SHUTDOWN;
		other->sk_shutdown |= peer_mode;
		sock_def_wakeup(other);	// other->sk_state_change
	}
	return 0;
}

// ---- fdinfo and verify ----

// No descriptors are ever passed in the model.
// Linux: net/unix/af_unix.c unix_show_fdinfo
static void unix_show_fdinfo(file *filp, std::string *out)
{
	(void)filp;
	*out += "scm_fds: 0\n";
}

// U1 for sk's own queue; returns the truesize of the skbs in it that
// were sent by `sender` (for U2 on the sending side).
static u64 unix_verify_queue(const unix_sock *sk, const unix_sock *sender)
{
	size_t unread = 0;
	u64 charged = 0;
	size_t index = 0;

	list_verify(&sk->sk_receive_queue);
	for (const list_head *p = sk->sk_receive_queue.next; p != &sk->sk_receive_queue;
	     p = p->next, index++) {
		const sk_buff *skb = list_entry(const_cast<list_head *>(p), sk_buff, list);

		check_invariant(skb->consumed < skb->len, "U1",
				"skb #" + std::to_string(index) +
					": expected consumed < len, found " +
					std::to_string(skb->consumed) + " of " +
					std::to_string(skb->len));
		unread += skb->len - skb->consumed;
		if (skb->sk == sender)
			charged += skb->truesize;
	}
	check_invariant(unread == sk->rcvq_bytes, "U1",
			"expected rcvq_bytes " + std::to_string(sk->rcvq_bytes) +
				" to equal the unread bytes of the queue, found " +
				std::to_string(unread));
	return charged;
}

static void unix_verify(const file *filp)
{
	const unix_sock *sk = unix_sk(filp);
	const unix_sock *other = sk->peer;

	unix_verify_queue(sk, nullptr);
	check_invariant(other != nullptr && sk->sk_refcnt >= 1, "U3",
			"expected an open socket of a pair to have a peer and a reference");
	check_invariant(other->sock_dead ? other->peer == nullptr : other->peer == sk, "U3",
			"expected the peer to point back (or to nothing once released)");
	u64 in_flight = unix_verify_queue(other, sk);

	check_invariant(in_flight == sk->sk_wmem_alloc, "U2",
			"expected sk_wmem_alloc " + std::to_string(sk->sk_wmem_alloc) +
				" to equal the truesize of the skbs in flight, found " +
				std::to_string(in_flight));
	wait_verify(&sk->wait);
}

} // namespace epsim::sim
