// SPDX-License-Identifier: GPL-2.0-only
//
// Rendering of system call results (see outcome.h).  Every function here
// has a twin in the C prelude of c_repro.cc; change both together.
#include "tests/diff/outcome.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <tuple>
#include <vector>

namespace epsim::diff {

std::string fmt_ret(long r, int e)
{
	if (r == -1)
		return fmt::format("= -1 {}", strerrorname_np(e) ? strerrorname_np(e) : "E?");
	return fmt::format("= {}", r);
}

std::string fmt_pair(long r, int e, const int sv[2])
{
	std::string s = fmt_ret(r, e);

	if (r == 0)
		s += fmt::format(" [{} {}]", sv[0], sv[1]);
	return s;
}

std::string fmt_events(long r, int e, const epoll_event *ev)
{
	std::string s = fmt_ret(r, e);

	for (long i = 0; i < r; ++i) {
		uint32_t events = ev[i].events;
		uint64_t data = ev[i].data.u64;

		s += fmt::format(" {{{:x} {:x}}}", events, data);
	}
	return s;
}

uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; ++i) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void fill_pattern(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; ++i)
		b[i] = static_cast<unsigned char>(seed * 37u + i * 13u + (i >> 8));
}

std::string fmt_read(long r, int e, const unsigned char *buf)
{
	std::string s = fmt_ret(r, e);

	if (r > 0)
		s += fmt::format(" fnv={:08x}", fnv1a(buf, static_cast<size_t>(r)));
	if (r == 8) {
		uint64_t v;

		std::memcpy(&v, buf, 8);
		s += fmt::format(" u64={}", v);
	}
	return s;
}

std::string fmt_poll(long r, int e, const pollfd *p, size_t n)
{
	std::string s = fmt_ret(r, e);

	if (r < 0)
		return s;
	for (size_t i = 0; i < n; ++i)
		s += fmt::format(" {:x}", static_cast<unsigned>(static_cast<unsigned short>(p[i].revents)));
	return s;
}

static std::string fmt_set(const char *name, int n, const fd_set *set)
{
	std::string s = fmt::format(" {}=", name);
	const char *sep = "";

	if (!set)
		return s + "-";
	for (int fd = 0; fd < n && fd < FD_SETSIZE; ++fd) {
		if (FD_ISSET(fd, set)) {
			s += fmt::format("{}{}", sep, fd);
			sep = ",";
		}
	}
	return s;
}

std::string fmt_select(long r, int e, int n, const fd_set *rs, const fd_set *ws, const fd_set *es,
		       const timeval *tv)
{
	std::string s = fmt_ret(r, e);

	if (r < 0)
		return s;
	s += fmt_set("r", n, rs) + fmt_set("w", n, ws) + fmt_set("e", n, es);
	s += fmt::format(" tv={}.{:06d}", static_cast<long>(tv->tv_sec),
			 static_cast<long>(tv->tv_usec));
	return s;
}

// Header lines that differ between machines (or, for eventfd-id, between
// processes) and are therefore left out.
static bool fdinfo_line_ignored(const std::string &line)
{
	return line.rfind("mnt_id:", 0) == 0 || line.rfind("ino:", 0) == 0 ||
	       line.rfind("eventfd-id:", 0) == 0;
}

std::string fmt_fdinfo(const std::string &text, int e)
{
	std::vector<std::tuple<int, unsigned, unsigned long long>> items;
	std::istringstream in(text);
	std::string s = "= ok", line;

	if (text.empty())
		return fmt_ret(-1, e);
	while (std::getline(in, line)) {
		if (line.rfind("tfd:", 0) == 0) {
			int tfd = 0;
			unsigned ev = 0;
			unsigned long long data = 0;

			std::sscanf(line.c_str(), "tfd: %d events: %x data: %llx", &tfd, &ev, &data);
			items.emplace_back(tfd, ev, data);
			continue;
		}
		if (fdinfo_line_ignored(line))
			continue;
		std::replace(line.begin(), line.end(), '\t', ' ');
		s += " | " + line;
	}
	std::sort(items.begin(), items.end());
	for (const auto &[tfd, ev, data] : items)
		s += fmt::format(" | tfd={} ev={:x} data={:x}", tfd, ev, data);
	return s;
}

static std::string mask_name(uint32_t m, const std::pair<uint32_t, const char *> *names, size_t n)
{
	std::string s;

	for (size_t i = 0; i < n; ++i) {
		if (m & names[i].first) {
			s += (s.empty() ? "" : "|") + std::string(names[i].second);
			m &= ~names[i].first;
		}
	}
	if (m)
		s += fmt::format("{}{:#x}", s.empty() ? "" : "|", m);
	return s.empty() ? "0" : s;
}

std::string epoll_mask_name(uint32_t m)
{
	static const std::pair<uint32_t, const char *> names[] = {
		{EPOLLIN, "IN"},	 {EPOLLPRI, "PRI"},	  {EPOLLOUT, "OUT"},
		{EPOLLERR, "ERR"},	 {EPOLLHUP, "HUP"},	  {0x20u /* EPOLLNVAL */, "NVAL"},
		{EPOLLRDNORM, "RDNORM"}, {EPOLLRDBAND, "RDBAND"}, {EPOLLWRNORM, "WRNORM"},
		{EPOLLWRBAND, "WRBAND"}, {EPOLLMSG, "MSG"},	  {EPOLLRDHUP, "RDHUP"},
		{EPOLLEXCLUSIVE, "EXCLUSIVE"}, {EPOLLWAKEUP, "WAKEUP"}, {EPOLLONESHOT, "ONESHOT"},
		{EPOLLET, "ET"},
	};
	return mask_name(m, names, std::size(names));
}

std::string poll_mask_name(short m)
{
	return epoll_mask_name(static_cast<unsigned short>(m));
}

std::string epoll_op_name(int op)
{
	switch (op) {
	case EPOLL_CTL_ADD:
		return "ADD";
	case EPOLL_CTL_DEL:
		return "DEL";
	case EPOLL_CTL_MOD:
		return "MOD";
	default:
		return std::to_string(op);
	}
}

} // namespace epsim::diff
