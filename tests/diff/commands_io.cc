// SPDX-License-Identifier: GPL-2.0-only
//
// I/O commands: write and read of sizes from 0 to beyond pipe (65536) and
// socket (212992 send buffer) capacity, eventfd values up to the counter's
// limit, and shutdown with every `how`.  On a blocking description a
// read or write runs only after poll_guard() shows it cannot sleep, and a
// blocking write is kept small enough to finish at once: at most one pipe
// page when a slot is free, 32 KiB when a socket is writable (a quarter of
// the send buffer is then free), a small eventfd value.
#include <poll.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "tests/diff/commands.h"
#include "tests/diff/gen_args.h"

namespace epsim::diff {

short poll_guard(Sut &sut, const FdArg &a, short events, const char *why)
{
	const int fd = sut.fd(a);
	const unsigned ev = static_cast<unsigned short>(events);
	short rev = 0;

	sut.step(fmt::format("poll([{{{}, {}}}], 1, 0)  [{}]", fdarg_name(a), poll_mask_name(events),
			     why),
		 fmt::format("pf[0].fd = {}; pf[0].events = (short){:#x}; pf[0].revents = 0; "
			     "r = poll(pf, 1, 0); e = errno; put_poll(r, e, pf, 1);",
			     sut.c_fd(a), ev),
		 [&](auto &k) {
			 pollfd p{fd, events, 0};
			 errno = 0;
			 long r = k.poll(&p, 1, 0);
			 int e = errno;
			 rev = p.revents;
			 return Outcome{r, e, fmt_poll(r, e, &p, 1)};
		 });
	return rev;
}

namespace {

// The description behind a live handle argument, if it is open.
const Ofd *arg_ofd(const ProgState &s, const FdArg &a)
{
	return a.mode == FdArg::live ? s.ofd_of(a.v) : nullptr;
}

bool may_sleep(const Ofd *o)
{
	if (!o || o->nonblock)
		return false;
	return o->kind == Kind::pipe_r || o->kind == Kind::pipe_w || o->kind == Kind::eventfd ||
	       o->kind == Kind::sock;
}

class Write : public DiffCommand {
public:
	explicit Write(const ProgState &s)
		: fd_(gen_fd_prefer(s, {Kind::pipe_w, Kind::sock, Kind::eventfd}, 85, false))
	{
		value_mode_ = s.is_kind(fdarg_handle(fd_), Kind::eventfd) || *rc::gen::inRange(0, 20) == 0;
		n_ = value_mode_ ? *rc::gen::element<size_t>(8, 8, 8, 8, 4, 16, 0) : gen_io_size();
		value_ = value_mode_ ? gen_eventfd_value() : 0;
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(fdarg_valid(s, fd_)); }
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override { os << label(n_, value_mode_, value_, 0); }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		const Ofd *o = arg_ofd(s, fd_);
		size_t n = n_;
		bool value_mode = value_mode_;
		uint64_t v = value_;

		if (may_sleep(o)) {
			n = std::min(n, o->kind == Kind::sock ? size_t{32768} : size_t{4096});
			if (o->kind == Kind::eventfd) {
				value_mode = true;
				v = v == ~uint64_t{0} ? v : std::min<uint64_t>(v, 1000);
			}
			short rev = poll_guard(sut, fd_, POLLOUT, "can this blocking write sleep?");
			if (!(rev & (POLLOUT | POLLERR | POLLHUP)))
				return;
		}
		write_step(sut, n, value_mode, v);
	}

private:
	std::string label(size_t n, bool value_mode, uint64_t v, unsigned seed) const
	{
		if (value_mode)
			return fmt::format("write({}, &(u64){{{:#x}}}, {})", fdarg_name(fd_), v, n);
		return fmt::format("write({}, <pattern {}>, {})", fdarg_name(fd_), seed, n);
	}
	void write_step(Sut &sut, size_t n, bool value_mode, uint64_t v) const
	{
		const int fd = sut.fd(fd_);
		const unsigned seed = sut.next_seed();
		const std::string call = value_mode
			? fmt::format("wr64({}, {:#x}ull, {})", sut.c_fd(fd_), v, n)
			: fmt::format("wr({}, {}, {})", sut.c_fd(fd_), n, seed);

		sut.step(label(n, value_mode, v, seed),
			 fmt::format("r = {}; e = errno; put_ret(r, e);", call), [&](auto &k) {
				 std::vector<unsigned char> buf(std::max<size_t>(n, 16), 0);
				 if (value_mode)
					 std::memcpy(buf.data(), &v, 8);
				 else
					 fill_pattern(buf.data(), n, seed);
				 errno = 0;
				 long r = k.write(fd, buf.data(), n);
				 return ret_outcome(r, errno);
			 });
	}
	FdArg fd_;
	size_t n_;
	bool value_mode_;
	uint64_t value_;
};

class Read : public DiffCommand {
public:
	explicit Read(const ProgState &s)
		: fd_(gen_fd_prefer(s, {Kind::pipe_r, Kind::sock, Kind::eventfd}, 85, false))
	{
		n_ = s.is_kind(fdarg_handle(fd_), Kind::eventfd)
			? *rc::gen::element<size_t>(8, 8, 8, 4, 16, 0)
			: gen_io_size();
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(fdarg_valid(s, fd_)); }
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override
	{
		os << fmt::format("read({}, buf, {})", fdarg_name(fd_), n_);
	}

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		if (may_sleep(arg_ofd(s, fd_))) {
			short rev = poll_guard(sut, fd_, POLLIN, "can this blocking read sleep?");
			if (!(rev & (POLLIN | POLLERR | POLLHUP)))
				return;
		}
		const int fd = sut.fd(fd_);
		sut.step(fmt::format("read({}, buf, {})", fdarg_name(fd_), n_),
			 fmt::format("r = rd({}, {}); e = errno; put_read(r, e);", sut.c_fd(fd_), n_),
			 [&](auto &k) {
				 std::vector<unsigned char> buf(std::max<size_t>(n_, 1));
				 errno = 0;
				 long r = k.read(fd, buf.data(), n_);
				 int e = errno;
				 return Outcome{r, e, fmt_read(r, e, buf.data())};
			 });
	}

private:
	FdArg fd_;
	size_t n_;
};

class Shutdown : public DiffCommand {
public:
	explicit Shutdown(const ProgState &s)
		: fd_(gen_fd_prefer(s, {Kind::sock}, 85, false)),
		  how_(*rc::gen::weightedElement<int>(
			  {{30, SHUT_RD}, {30, SHUT_WR}, {30, SHUT_RDWR}, {5, 3}, {5, -1}}))
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(fdarg_valid(s, fd_)); }
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override
	{
		os << fmt::format("shutdown({}, {})", fdarg_name(fd_), how());
	}

protected:
	void exec(const ProgState &, Sut &sut) const override
	{
		const int fd = sut.fd(fd_);

		sut.step(fmt::format("shutdown({}, {})", fdarg_name(fd_), how()),
			 fmt::format("r = shutdown({}, {}); e = errno; put_ret(r, e);", sut.c_fd(fd_),
				     how()),
			 [&](auto &k) {
				 errno = 0;
				 long r = k.shutdown(fd, how_);
				 return ret_outcome(r, errno);
			 });
	}

private:
	std::string how() const
	{
		switch (how_) {
		case SHUT_RD:
			return "SHUT_RD";
		case SHUT_WR:
			return "SHUT_WR";
		case SHUT_RDWR:
			return "SHUT_RDWR";
		default:
			return std::to_string(how_);
		}
	}
	FdArg fd_;
	int how_;
};

} // namespace

rc::Gen<CommandPtr> gen_write(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Write>()(s);
}

rc::Gen<CommandPtr> gen_read(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Read>()(s);
}

rc::Gen<CommandPtr> gen_shutdown(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Shutdown>()(s);
}

} // namespace epsim::diff
