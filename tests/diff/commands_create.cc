// SPDX-License-Identifier: GPL-2.0-only
//
// Commands that create files: pipe2, eventfd, socketpair, epoll_create(1),
// open("/dev/null") and batches of them.  Invalid flags are generated too;
// apply() creates handles only when the flags are valid, which both
// kernels must then agree on.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "tests/diff/commands.h"

namespace epsim::diff {

namespace {

struct FlagName {
	int bit;
	const char *name;
};

// "O_NONBLOCK|O_CLOEXEC|0x400": valid in a label and as C.
template <size_t N> std::string flag_expr(int v, const FlagName (&names)[N], const char *zero)
{
	std::string s;

	for (const FlagName &f : names) {
		if (v & f.bit) {
			s += (s.empty() ? "" : "|") + std::string(f.name);
			v &= ~f.bit;
		}
	}
	if (v)
		s += fmt::format("{}{:#x}", s.empty() ? "" : "|", static_cast<unsigned>(v));
	return s.empty() ? zero : s;
}

const FlagName pipe_flags[] = {
	{O_NONBLOCK, "O_NONBLOCK"}, {O_CLOEXEC, "O_CLOEXEC"}, {O_DIRECT, "O_DIRECT"}};
const FlagName efd_flags[] = {
	{EFD_NONBLOCK, "EFD_NONBLOCK"}, {EFD_SEMAPHORE, "EFD_SEMAPHORE"}, {EFD_CLOEXEC, "EFD_CLOEXEC"}};
const FlagName sock_flags[] = {
	{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}};

// Two new handles from a call that fills sv[2] (pipe2, socketpair).
struct PairCall {
	const char *fn;		// "pipe2"
	std::string args;	// the arguments other than sv, as C
	bool valid;		// flags valid: the call creates two handles

	// The C call: pipe2 takes sv first, socketpair last.
	std::string c_call() const
	{
		return std::string(fn) == "pipe2" ? fmt::format("pipe2(sv, {})", args)
						  : fmt::format("{}({}, sv)", fn, args);
	}
};

template <class Fn>
void run_pair(Sut &sut, int h, const PairCall &c, Fn &&call, bool verify = true,
	      const std::string &note = "")
{
	int sv[2] = {-1, -1};
	Outcome o = sut.step(
		fmt::format("h{},h{} = {}({}){}", h, h + 1, c.fn, c.args, note),
		fmt::format("r = {}; e = errno; if (!r) {{ h[{}] = sv[0]; h[{}] = sv[1]; }} "
			    "put_pair(r, e, sv);",
			    c.c_call(), h, h + 1),
		[&](auto &k) {
			int p[2] = {-1, -1};
			errno = 0;
			long r = call(k, p);
			int e = errno;
			sv[0] = p[0];
			sv[1] = p[1];
			return Outcome{r, e, fmt_pair(r, e, p)};
		},
		verify);
	if (!c.valid)
		return;
	sut.set_handle(h, o.ret == 0 ? sv[0] : -1);
	sut.set_handle(h + 1, o.ret == 0 ? sv[1] : -1);
}

// One new handle from a call that returns an fd.
template <class Fn>
void run_single(Sut &sut, int h, bool valid, const std::string &call_text, Fn &&call,
		bool verify = true, const std::string &note = "")
{
	Outcome o = sut.step(
		fmt::format("h{} = {}{}", h, call_text, note),
		fmt::format("r = {}; e = errno; {}put_ret(r, e);", call_text,
			    valid ? fmt::format("h[{}] = r; ", h) : std::string()),
		[&](auto &k) {
			errno = 0;
			long r = call(k);
			return ret_outcome(r, errno);
		},
		verify);
	if (valid)
		sut.set_handle(h, o.ret >= 0 ? static_cast<int>(o.ret) : -1);
}

class CreatePipe : public DiffCommand {
public:
	explicit CreatePipe(const ProgState &)
		: flags_(*rc::gen::weightedElement<int>({{8, O_NONBLOCK},
							  {3, 0},
							  {2, O_NONBLOCK | O_CLOEXEC},
							  {1, O_CLOEXEC},
							  {3, O_NONBLOCK | O_DIRECT},
							  {1, O_DIRECT},
							  {1, O_APPEND}}))
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(2)); }
	void apply(ProgState &s) const override
	{
		if (!valid())
			return;
		s.add_handle(Kind::pipe_r, flags_ & O_NONBLOCK);
		s.add_handle(Kind::pipe_w, flags_ & O_NONBLOCK);
	}
	void show(std::ostream &os) const override { os << "pipe2(" << flags() << ")"; }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		run_pair(sut, static_cast<int>(s.handles.size()), PairCall{"pipe2", flags(), valid()},
			 [&](auto &k, int p[2]) { return k.pipe2(p, flags_); });
	}

private:
	bool valid() const { return !(flags_ & ~(O_NONBLOCK | O_CLOEXEC | O_DIRECT)); }
	std::string flags() const { return flag_expr(flags_, pipe_flags, "0"); }
	int flags_;
};

class CreateEventfd : public DiffCommand {
public:
	explicit CreateEventfd(const ProgState &)
		: init_(*rc::gen::element(0u, 1u, 2u, 3u, 0xffffffffu)),
		  flags_(*rc::gen::weightedElement<int>({{8, EFD_NONBLOCK},
							  {4, EFD_NONBLOCK | EFD_SEMAPHORE},
							  {2, 0},
							  {2, EFD_SEMAPHORE},
							  {2, EFD_NONBLOCK | EFD_CLOEXEC},
							  {1, O_APPEND}}))
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(1)); }
	void apply(ProgState &s) const override
	{
		if (valid())
			s.add_handle(Kind::eventfd, flags_ & EFD_NONBLOCK);
	}
	void show(std::ostream &os) const override { os << call(); }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		run_single(sut, static_cast<int>(s.handles.size()), valid(), call(),
			   [&](auto &k) { return k.eventfd(init_, flags_); });
	}

private:
	bool valid() const { return !(flags_ & ~(EFD_NONBLOCK | EFD_SEMAPHORE | EFD_CLOEXEC)); }
	std::string call() const
	{
		return fmt::format("eventfd({}u, {})", init_, flag_expr(flags_, efd_flags, "0"));
	}
	unsigned init_;
	int flags_;
};

class CreateSocketpair : public DiffCommand {
public:
	explicit CreateSocketpair(const ProgState &)
		: flags_(*rc::gen::element<int>(SOCK_NONBLOCK, 0, SOCK_NONBLOCK | SOCK_CLOEXEC,
						SOCK_CLOEXEC))
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(2)); }
	void apply(ProgState &s) const override
	{
		s.add_handle(Kind::sock, flags_ & SOCK_NONBLOCK);
		s.add_handle(Kind::sock, flags_ & SOCK_NONBLOCK);
	}
	void show(std::ostream &os) const override { os << "socketpair(" << args() << ")"; }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		run_pair(sut, static_cast<int>(s.handles.size()), PairCall{"socketpair", args(), true},
			 [&](auto &k, int p[2]) {
				 return k.socketpair(AF_UNIX, SOCK_STREAM | flags_, 0, p);
			 });
	}

private:
	std::string args() const
	{
		std::string type = "SOCK_STREAM";

		if (flags_)
			type += "|" + flag_expr(flags_, sock_flags, "0");
		return "AF_UNIX, " + type + ", 0";
	}
	int flags_;
};

// epoll_create1(flags) or, with old_api, epoll_create(size).
class CreateEpoll : public DiffCommand {
public:
	explicit CreateEpoll(const ProgState &)
		: old_api_(*rc::gen::inRange(0, 6) == 0),
		  arg_(old_api_ ? *rc::gen::element(1, 100, 1, 0, -1)
				: *rc::gen::weightedElement<int>({{12, 0}, {4, EPOLL_CLOEXEC}, {1, 1}}))
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(1)); }
	void apply(ProgState &s) const override
	{
		if (valid())
			s.add_handle(Kind::epoll, false);
	}
	void show(std::ostream &os) const override { os << call(); }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		run_single(sut, static_cast<int>(s.handles.size()), valid(), call(), [&](auto &k) {
			return old_api_ ? k.epoll_create(arg_) : k.epoll_create1(arg_);
		});
	}

private:
	bool valid() const { return old_api_ ? arg_ > 0 : !(arg_ & ~EPOLL_CLOEXEC); }
	std::string call() const
	{
		if (old_api_)
			return fmt::format("epoll_create({})", arg_);
		return fmt::format("epoll_create1({})", arg_ == EPOLL_CLOEXEC ? "EPOLL_CLOEXEC"
									    : std::to_string(arg_));
	}
	bool old_api_;
	int arg_;
};

// /dev/null: a file without ->poll (epoll_ctl says EPERM).
class OpenDevNull : public DiffCommand {
public:
	explicit OpenDevNull(const ProgState &) {}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(1)); }
	void apply(ProgState &s) const override { s.add_handle(Kind::devnull, true); }
	void show(std::ostream &os) const override { os << call(); }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		run_single(sut, static_cast<int>(s.handles.size()), true, call(),
			   [&](auto &k) { return k.open("/dev/null", O_RDWR); });
	}

private:
	static std::string call() { return "open(\"/dev/null\", O_RDWR)"; }
};

// n files of one kind at once (non-blocking), for programs with many fds.
// The model's invariants are checked after the last one only.
class CreateBatch : public DiffCommand {
public:
	explicit CreateBatch(const ProgState &s)
		: kind_(*rc::gen::element(Kind::eventfd, Kind::pipe_r, Kind::epoll, Kind::sock)),
		  n_(*rc::gen::inRange(1, s.lim.max_batch + 1))
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(n_ * per())); }
	void apply(ProgState &s) const override
	{
		for (int i = 0; i < n_; ++i) {
			if (kind_ == Kind::pipe_r) {
				s.add_handle(Kind::pipe_r, true);
				s.add_handle(Kind::pipe_w, true);
			} else {
				s.add_handle(kind_, kind_ != Kind::epoll);
				if (kind_ == Kind::sock)
					s.add_handle(Kind::sock, true);
			}
		}
	}
	void show(std::ostream &os) const override
	{
		os << "batch of " << n_ << " " << (kind_ == Kind::pipe_r ? "pipe" : kind_name(kind_));
	}

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		int h = static_cast<int>(s.handles.size());

		for (int i = 0; i < n_; ++i, h += per())
			create_one(sut, h, i + 1 == n_, fmt::format("  [batch {}/{}]", i + 1, n_));
	}

private:
	int per() const { return kind_ == Kind::pipe_r || kind_ == Kind::sock ? 2 : 1; }
	static PairCall socketpair_nonblock()
	{
		return PairCall{"socketpair", "AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK, 0", true};
	}
	void create_one(Sut &sut, int h, bool last, const std::string &note) const
	{
		if (kind_ == Kind::pipe_r)
			run_pair(sut, h, PairCall{"pipe2", "O_NONBLOCK", true},
				 [](auto &k, int p[2]) { return k.pipe2(p, O_NONBLOCK); }, last, note);
		else if (kind_ == Kind::sock)
			run_pair(sut, h, socketpair_nonblock(), [](auto &k, int p[2]) {
				return k.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p);
			}, last, note);
		else if (kind_ == Kind::epoll)
			run_single(sut, h, true, "epoll_create1(0)",
				   [](auto &k) { return k.epoll_create1(0); }, last, note);
		else
			run_single(sut, h, true, "eventfd(0u, EFD_NONBLOCK)",
				   [](auto &k) { return k.eventfd(0, EFD_NONBLOCK); }, last, note);
	}
	Kind kind_;
	int n_;
};

} // namespace

rc::Gen<CommandPtr> gen_create_pipe(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<CreatePipe>()(s);
}

rc::Gen<CommandPtr> gen_create_eventfd(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<CreateEventfd>()(s);
}

rc::Gen<CommandPtr> gen_create_socketpair(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<CreateSocketpair>()(s);
}

rc::Gen<CommandPtr> gen_create_epoll(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<CreateEpoll>()(s);
}

rc::Gen<CommandPtr> gen_open_devnull(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<OpenDevNull>()(s);
}

rc::Gen<CommandPtr> gen_create_batch(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<CreateBatch>()(s);
}

} // namespace epsim::diff
