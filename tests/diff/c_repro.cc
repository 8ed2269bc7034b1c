// SPDX-License-Identifier: GPL-2.0-only
//
// The C reproducer writer (see c_repro.h).  The prelude's put_*() functions
// are the C twins of outcome.cc's fmt_*() functions and must render the
// same text.
#include "tests/diff/c_repro.h"

#include <fmt/format.h>

#include <sstream>

namespace epsim::diff {

static const char *const c_prelude = R"C(#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>

#pragma GCC diagnostic ignored "-Wunused-function"

/* The rendered result of the last call (same format as tests/diff/outcome.cc). */
static char out[1 << 16];
static size_t outn;
static int diverged, steps;

static void outf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + outn, sizeof(out) - outn, fmt, ap);
	va_end(ap);
	if (n > 0)
		outn = outn + (size_t)n < sizeof(out) ? outn + (size_t)n : sizeof(out) - 1;
}

static void put_ret(long r, int e)
{
	outn = 0;
	out[0] = 0;
	if (r == -1)
		outf("= -1 %s", strerrorname_np(e) ? strerrorname_np(e) : "E?");
	else
		outf("= %ld", r);
}

static void put_pair(long r, int e, const int sv[2])
{
	put_ret(r, e);
	if (r == 0)
		outf(" [%d %d]", sv[0], sv[1]);
}

static struct epoll_event evbuf[256];

static void put_events(long r, int e)
{
	put_ret(r, e);
	for (long i = 0; i < r; i++)
		outf(" {%x %llx}", (unsigned)evbuf[i].events, (unsigned long long)evbuf[i].data.u64);
}

static struct epoll_event *ev(uint32_t events, uint64_t data)
{
	static struct epoll_event e;

	e.events = events;
	e.data.u64 = data;
	return &e;
}

static unsigned char iobuf[1 << 20];

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static long wr(int fd, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		iobuf[i] = (unsigned char)(seed * 37u + i * 13u + (i >> 8));
	return write(fd, iobuf, n);
}

static long wr64(int fd, uint64_t v, size_t n)
{
	memset(iobuf, 0, 16);
	memcpy(iobuf, &v, 8);
	return write(fd, iobuf, n);
}

static long rd(int fd, size_t n)
{
	return read(fd, iobuf, n);
}

static void put_read(long r, int e)
{
	put_ret(r, e);
	if (r > 0)
		outf(" fnv=%08x", fnv1a(iobuf, (size_t)r));
	if (r == 8) {
		uint64_t v;

		memcpy(&v, iobuf, 8);
		outf(" u64=%llu", (unsigned long long)v);
	}
}

static void put_poll(long r, int e, const struct pollfd *p, int n)
{
	put_ret(r, e);
	if (r < 0)
		return;
	for (int i = 0; i < n; i++)
		outf(" %x", (unsigned)(unsigned short)p[i].revents);
}

static void put_set(const char *name, int n, fd_set *s)
{
	const char *sep = "";

	outf(" %s=", name);
	if (!s) {
		outf("-");
		return;
	}
	for (int fd = 0; fd < n && fd < FD_SETSIZE; fd++) {
		if (FD_ISSET(fd, s)) {
			outf("%s%d", sep, fd);
			sep = ",";
		}
	}
}

static void put_select(long r, int e, int n, fd_set *rs, fd_set *ws, fd_set *es,
		       struct timeval *tv)
{
	put_ret(r, e);
	if (r < 0)
		return;
	put_set("r", n, rs);
	put_set("w", n, ws);
	put_set("e", n, es);
	outf(" tv=%ld.%06ld", (long)tv->tv_sec, (long)tv->tv_usec);
}

struct item {
	int tfd;
	unsigned ev;
	unsigned long long data;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->tfd != y->tfd)
		return x->tfd < y->tfd ? -1 : 1;
	if (x->ev != y->ev)
		return x->ev < y->ev ? -1 : 1;
	return x->data < y->data ? -1 : x->data > y->data;
}

/* /proc/self/fdinfo/<fd> without mnt_id, ino and eventfd-id, items sorted. */
static void put_fdinfo(int fd)
{
	static struct item items[1 << 14];
	char path[64], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f) {
		put_ret(-1, EBADF);
		return;
	}
	outn = 0;
	outf("= ok");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "tfd:", 4)) {
			struct item it = {0, 0, 0};

			sscanf(line, "tfd: %d events: %x data: %llx", &it.tfd, &it.ev, &it.data);
			if (n < sizeof(items) / sizeof(items[0]))
				items[n++] = it;
			continue;
		}
		if (!strncmp(line, "mnt_id:", 7) || !strncmp(line, "ino:", 4) ||
		    !strncmp(line, "eventfd-id:", 11))
			continue;
		for (char *p = line; *p; p++)
			if (*p == '\t')
				*p = ' ';
		outf(" | %s", line);
	}
	fclose(f);
	qsort(items, n, sizeof(items[0]), item_cmp);
	for (size_t i = 0; i < n; i++)
		outf(" | tfd=%d ev=%x data=%llx", items[i].tfd, items[i].ev, items[i].data);
}

/* Prints the kernel's result of step `call` and, if it differs, the model's. */
static void check(const char *call, const char *model)
{
	steps++;
	printf("%3d %-58s %s\n", steps, call, out);
	if (strcmp(out, model)) {
		printf("    %-58s %s   <-- SimKernel DIVERGES\n", "", model);
		diverged++;
	}
}

/* Recreates the fd table the program started with. */
static void setup(const int *busy, int nbusy, int grow_to, rlim_t nofile)
{
	struct rlimit rl = {nofile, nofile};
	int nul;

	signal(SIGPIPE, SIG_IGN);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit(RLIMIT_NOFILE) (results near the limit may differ)");
	close_range(3, ~0U, 0);
	do	/* the test process had 0, 1 and 2 open: fill any that are closed */
		nul = open("/dev/null", O_RDWR);
	while (nul >= 0 && nul < 3);
	if (grow_to) {
		dup2(nul, grow_to);
		close(grow_to);
	}
	for (int i = 0; i < nbusy; i++)
		if (busy[i] != nul)
			dup2(nul, busy[i]);
	for (int i = 0; i < nbusy; i++)
		if (busy[i] == nul)
			return;
	close(nul);
}
)C";

std::string c_string(const std::string &s)
{
	std::string out = "\"";

	for (char c : s) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			out += c;
		}
	}
	return out + "\"";
}

// text with every "*/" broken up, safe inside a C comment.
static std::string c_comment_safe(std::string text)
{
	size_t p;

	while ((p = text.find("*/")) != std::string::npos)
		text.replace(p, 2, "* /");
	return text;
}

// Each line of text as a line of a C comment.
static std::string c_comment_block(const std::string &text, const char *indent)
{
	std::istringstream in(text);
	std::string line, out;

	while (std::getline(in, line))
		out += fmt::format("{} * {}\n", indent, c_comment_safe(line));
	return out;
}

static std::string c_header_comment(const ReproHeader &hdr)
{
	std::string s = "/*\n * epsim differential counterexample";

	s += hdr.host ? ": SimKernel and the real kernel disagree.\n"
		      : " from the SimKernel-only property suite: the model broke one of\n"
			" * its own invariants.  The kernel has no such state to show; this program\n"
			" * makes the same calls on Linux for reference.\n";
	s += " *\n" + c_comment_block(hdr.what, "") + " *\n";
	s += " * Build and run on Linux:  cc -o repro this_file.c && ./repro\n";
	s += " * Each line shows the kernel's result; a line where SimKernel returned\n";
	s += " * something else is followed by the model's result, marked DIVERGES.\n";
	if (!hdr.rc_params.empty()) {
		s += " *\n * Replay in the test:\n";
		s += c_comment_block(fmt::format("  RC_PARAMS=\"{}\" {}", hdr.rc_params,
						 hdr.test_command),
				     "");
	}
	s += " *\n * The shrunk program (rapidcheck commands):\n";
	s += c_comment_block(hdr.program, "") + " */\n";
	return s;
}

static std::string c_main(const ReproHeader &hdr, const std::vector<TranscriptEntry> &steps)
{
	std::string s = "\nint main(void)\n{\n";

	s += "\tstatic const int busy[] = {";
	for (int fd : hdr.busy_fds)
		s += fmt::format("{}, ", fd);
	s += "-1};\n";
	s += fmt::format("\tstatic int h[{}];\n", std::max(hdr.nr_handles, 1));
	s += "\tstruct pollfd pf[16];\n\tfd_set rs, ws, es;\n\tstruct timeval tv;\n";
	s += "\tint sv[2];\n\tlong r;\n\tint e;\n\n";
	s += fmt::format("\tsetup(busy, {}, {}, {});\n", hdr.busy_fds.size(), hdr.grow_fd_table_to,
			 hdr.rlimit_nofile);
	s += "\t(void)h; (void)pf; (void)rs; (void)ws; (void)es; (void)tv; (void)sv;\n";
	s += "\t(void)r; (void)e;\n";
	for (const TranscriptEntry &t : steps) {
		s += "\n";
		if (hdr.host)
			s += "\t/* kernel in the test: " + c_comment_safe(t.kernel) + " */\n";
		s += "\t" + t.c_code + "\n";
		s += "\tcheck(" + c_string(t.label) + ",\n\t      " + c_string(t.model) + ");\n";
	}
	s += "\n\tprintf(\"%d steps, %d divergences\\n\", steps, diverged);\n";
	s += "\treturn diverged ? 1 : 0;\n}\n";
	return s;
}

std::string c_reproducer(const ReproHeader &hdr, const std::vector<TranscriptEntry> &steps)
{
	return c_header_comment(hdr) + c_prelude + c_main(hdr, steps);
}

} // namespace epsim::diff
