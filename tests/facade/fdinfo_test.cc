// SPDX-License-Identifier: GPL-2.0-only
//
// /proc/self/fdinfo/<epfd>: the generic header and one "tfd:" line per
// epitem (fs/eventpoll.c:ep_show_fdinfo).  Items are compared as a set: both
// backends print them in rbtree order, but the kernel's tree is keyed by
// struct file address and the model's by file creation order.  The pos/ino/
// sdev fields of an item differ between backends and are only format-checked.
// See kernel-semantics.md §9 (and §7 for the closed-fd lifetime rules).
#include "tests/facade/backends.h"

#include <cstdio>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace epsim::test {
namespace {

// One "tfd:" line: (tfd, events, data).
using FdinfoItem = std::tuple<int, uint32_t, uint64_t>;

struct ParsedFdinfo {
	std::vector<std::string> header;	// the lines before the first "tfd:"
	std::set<FdinfoItem> items;
	size_t item_lines = 0;
};

// Splits fdinfo text into header lines and items, checking every item line
// against "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x".
ParsedFdinfo parse_fdinfo(const std::string &text)
{
	static const std::regex item_re(
		R"(^tfd: ( *-?\d+) events: ( *[0-9a-f]+) data: ( *[0-9a-f]+)  pos:-?\d+ ino:[0-9a-f]+ sdev:[0-9a-f]+$)");
	ParsedFdinfo out;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line)) {
		if (line.rfind("tfd:", 0) != 0) {
			EXPECT_TRUE(out.items.empty()) << "header line after items: " << line;
			out.header.push_back(line);
			continue;
		}
		std::smatch m;
		if (!std::regex_match(line, m, item_re)) {
			ADD_FAILURE() << "bad item line: '" << line << "'";
			continue;
		}
		// Field widths of %8d, %8x, %16llx (values here never overflow them).
		EXPECT_EQ(m[1].length(), 8) << line;
		EXPECT_EQ(m[2].length(), 8) << line;
		EXPECT_EQ(m[3].length(), 16) << line;
		out.items.emplace(std::stoi(m[1].str()),
				  static_cast<uint32_t>(std::stoul(m[2].str(), nullptr, 16)),
				  std::stoull(m[3].str(), nullptr, 16));
		++out.item_lines;
	}
	return out;
}

} // namespace

template <class K> class Fdinfo : public Facade<K> {
protected:
	ParsedFdinfo info(int epfd)
	{
		std::string text = this->k.fdinfo(epfd);
		EXPECT_FALSE(text.empty()) << "fdinfo(" << epfd << "): errno " << errno;
		return parse_fdinfo(text);
	}
	std::set<FdinfoItem> items(int epfd) { return info(epfd).items; }
	// The events value fdinfo shows for a single item added with `events`.
	uint32_t shown_events(uint32_t events)
	{
		int ep = this->k.epoll_create1(0);
		int efd = this->k.eventfd(0, EFD_NONBLOCK);
		EXPECT_EQ(this->add(ep, efd, events, 0), 0) << "errno " << errno;
		auto got = items(ep);
		EXPECT_EQ(got.size(), 1u);
		uint32_t shown = got.empty() ? 0 : std::get<1>(*got.begin());
		this->k.close(efd);
		this->k.close(ep);
		return shown;
	}
};
TYPED_TEST_SUITE(Fdinfo, Backends, BackendNames);

// ---- header ---------------------------------------------------------------

// §9: the generic header is pos/flags/mnt_id/ino; flags in octal: an epoll
// file is O_RDWR (02); an empty epoll lists no items.
TYPED_TEST(Fdinfo, HeaderOfEmptyEpollIsPosFlagsMntIdIno)
{
	int ep = this->k.epoll_create1(0);
	auto got = this->info(ep);
	EXPECT_TRUE(got.items.empty());
	ASSERT_EQ(got.header.size(), 4u);
	EXPECT_EQ(got.header[0], "pos:\t0");
	EXPECT_EQ(got.header[1], "flags:\t02");
	EXPECT_TRUE(std::regex_match(got.header[2], std::regex(R"(mnt_id:\t\d+)"))) << got.header[2];
	EXPECT_TRUE(std::regex_match(got.header[3], std::regex(R"(ino:\t\d+)"))) << got.header[3];
}

// §9: EPOLL_CLOEXEC shows as O_CLOEXEC in the octal flags (02000002);
// epoll_create(size) is plain O_RDWR.
TYPED_TEST(Fdinfo, HeaderFlagsShowCloexec)
{
	int ep_cloexec = this->k.epoll_create1(EPOLL_CLOEXEC);
	int ep_old = this->k.epoll_create(5);
	auto a = this->info(ep_cloexec), b = this->info(ep_old);
	ASSERT_GE(a.header.size(), 2u);
	ASSERT_GE(b.header.size(), 2u);
	EXPECT_EQ(a.header[1], "flags:\t02000002");
	EXPECT_EQ(b.header[1], "flags:\t02");
}

// ---- items ----------------------------------------------------------------

// §9: one "tfd:" line per epitem, in the exact per-item format.
TYPED_TEST(Fdinfo, ListsOneTfdLinePerItem)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int efd = k.eventfd(0, EFD_NONBLOCK);
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	ASSERT_EQ(this->add(ep, efd, EPOLLIN, 0xa), 0);
	ASSERT_EQ(this->add(ep, p[0], 0, 0x1234), 0);
	ASSERT_EQ(this->add(ep, p[1], EPOLLIN | EPOLLOUT | EPOLLET | EPOLLONESHOT | EPOLLRDHUP,
			    ~uint64_t{0}),
		  0);

	auto got = this->info(ep);
	EXPECT_EQ(got.item_lines, 3u);
	std::set<FdinfoItem> want = {
		{efd, 0x19, 0xa},
		{p[0], 0x18, 0x1234},
		{p[1], 0xc000201d, ~uint64_t{0}},
	};
	EXPECT_EQ(got.items, want);
}

// §9: the exact text of the tfd/events/data part of a line.
TYPED_TEST(Fdinfo, ItemLineTextIsPaddedHexAndDecimal)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int efd = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, efd, EPOLLIN, 0xa), 0);
	char want[96];
	snprintf(want, sizeof want, "tfd: %8d events:       19 data:                a  pos:0 ino:", efd);
	std::string text = k.fdinfo(ep);
	EXPECT_NE(text.find(want), std::string::npos) << text;
}

// §9: ADD always ORs in ERR|HUP: EPOLLIN shows 19, events=0 shows 18.
TYPED_TEST(Fdinfo, EventsShowErrHupForced)
{
	EXPECT_EQ(this->shown_events(EPOLLIN), 0x19u);
	EXPECT_EQ(this->shown_events(0), 0x18u);
	EXPECT_EQ(this->shown_events(EPOLLOUT), 0x1cu);
	EXPECT_EQ(this->shown_events(EPOLLERR | EPOLLHUP), 0x18u);
}

// §9: private bits are stored and shown: ET and ONESHOT → c000…, EXCLUSIVE → 1000….
TYPED_TEST(Fdinfo, EventsShowPrivateBits)
{
	EXPECT_EQ(this->shown_events(EPOLLIN | EPOLLET), 0x80000019u);
	EXPECT_EQ(this->shown_events(EPOLLIN | EPOLLONESHOT), 0x40000019u);
	EXPECT_EQ(this->shown_events(EPOLLIN | EPOLLOUT | EPOLLET | EPOLLONESHOT | EPOLLRDHUP),
		  0xc000201du);
	EXPECT_EQ(this->shown_events(EPOLLIN | EPOLLEXCLUSIVE), 0x10000019u);
}

// §1, §9: EPOLLWAKEUP is stripped on this kernel (no CONFIG_PM_SLEEP), even
// for root, on ADD and on MOD.
TYPED_TEST(Fdinfo, EventsDoNotShowEpollwakeup)
{
	EXPECT_EQ(this->shown_events(EPOLLIN | EPOLLWAKEUP), 0x19u);
	EXPECT_EQ(this->shown_events(EPOLLIN | EPOLLOUT | EPOLLET | EPOLLONESHOT | EPOLLRDHUP |
				     EPOLLWAKEUP),
		  0xc000201du);

	int ep = this->k.epoll_create1(0);
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(this->mod(ep, efd, EPOLLOUT | EPOLLWAKEUP, 2), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{efd, 0x1c, 2}}));
}

// §9, §4.7: after a ONESHOT delivery only the private bits remain (40000000;
// c0000000 with ET); MOD re-arms and shows the full mask again.
TYPED_TEST(Fdinfo, OneshotAfterFiringShowsOnlyPrivateBits)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int a = k.eventfd(1, EFD_NONBLOCK), b = k.eventfd(1, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, a, EPOLLIN | EPOLLONESHOT, 1), 0);
	ASSERT_EQ(this->add(ep, b, EPOLLIN | EPOLLET | EPOLLONESHOT, 2), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x40000019, 1}, {b, 0xc0000019, 2}}));

	EXPECT_EQ(this->wait_data(ep).size(), 2u);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x40000000, 1}, {b, 0xc0000000, 2}}));

	ASSERT_EQ(this->mod(ep, a, EPOLLIN | EPOLLONESHOT, 3), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x40000019, 3}, {b, 0xc0000000, 2}}));
}

// §9: data is the 64-bit user data in hex, width 16, no 0x.
TYPED_TEST(Fdinfo, DataIsShownInHex)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int a = k.eventfd(0, 0), b = k.eventfd(0, 0), c = k.eventfd(0, 0);
	ASSERT_EQ(this->add(ep, a, EPOLLIN, 0), 0);
	ASSERT_EQ(this->add(ep, b, EPOLLIN, 0xdeadbeefcafeULL), 0);
	ASSERT_EQ(this->add(ep, c, EPOLLIN, ~uint64_t{0}), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{
					   {a, 0x19, 0}, {b, 0x19, 0xdeadbeefcafeULL}, {c, 0x19, ~uint64_t{0}}}));
	std::string text = k.fdinfo(ep);
	EXPECT_NE(text.find(" data:                0  pos:"), std::string::npos) << text;
	EXPECT_NE(text.find(" data:     deadbeefcafe  pos:"), std::string::npos) << text;
	EXPECT_NE(text.find(" data: ffffffffffffffff  pos:"), std::string::npos) << text;
}

// §9: MOD changes the shown events and data; DEL removes the line.
TYPED_TEST(Fdinfo, ReflectsModAndDel)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int a = k.eventfd(0, 0), b = k.eventfd(0, 0);
	ASSERT_EQ(this->add(ep, a, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(ep, b, EPOLLIN, 2), 0);
	ASSERT_EQ(this->mod(ep, a, EPOLLOUT | EPOLLET, 0x77), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x8000001c, 0x77}, {b, 0x19, 2}}));
	ASSERT_EQ(this->del(ep, b), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x8000001c, 0x77}}));
}

// §9: an inner epoll is listed like any other file.
TYPED_TEST(Fdinfo, ListsNestedEpollAsItem)
{
	auto &k = this->k;
	int outer = k.epoll_create1(0), inner = k.epoll_create1(0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN, 9), 0);
	EXPECT_EQ(this->items(outer), (std::set<FdinfoItem>{{inner, 0x19, 9}}));
	EXPECT_TRUE(this->items(inner).empty());
}

// §9, §7: tfd is the registered fd number, kept after that fd is closed while
// a dup keeps the file alive; the dup may be registered as a second item.
TYPED_TEST(Fdinfo, TfdKeepsClosedFdNumberWhileDupKeepsFileAlive)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	int a = p[0];
	ASSERT_EQ(this->add(ep, a, EPOLLIN, 0xa), 0);
	int b = k.dup(a);
	ASSERT_GE(b, 0);
	ASSERT_EQ(k.close(a), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x19, 0xa}}));

	ASSERT_EQ(this->add(ep, b, EPOLLIN, 0xb), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{a, 0x19, 0xa}, {b, 0x19, 0xb}}));
}

// §9, §7: the last close of a file removes all its items; closing an fd
// that is the only reference removes its item at once.
TYPED_TEST(Fdinfo, ItemsRemovedAfterLastClose)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	int efd = k.eventfd(0, 0);
	int a = p[0];
	ASSERT_EQ(this->add(ep, a, EPOLLIN, 0xa), 0);
	ASSERT_EQ(this->add(ep, p[1], EPOLLOUT, 0xc), 0);
	ASSERT_EQ(this->add(ep, efd, EPOLLIN, 0xe), 0);
	int b = k.dup(a);
	ASSERT_EQ(this->add(ep, b, EPOLLIN, 0xb), 0);
	EXPECT_EQ(this->info(ep).item_lines, 4u);

	ASSERT_EQ(k.close(efd), 0);
	EXPECT_EQ(this->items(ep),
		  (std::set<FdinfoItem>{{a, 0x19, 0xa}, {b, 0x19, 0xb}, {p[1], 0x1c, 0xc}}));
	ASSERT_EQ(k.close(a), 0);
	EXPECT_EQ(this->info(ep).item_lines, 3u) << "file still open through b";
	ASSERT_EQ(k.close(b), 0);
	EXPECT_EQ(this->items(ep), (std::set<FdinfoItem>{{p[1], 0x1c, 0xc}}));
	ASSERT_EQ(k.close(p[1]), 0);
	auto got = this->info(ep);
	EXPECT_TRUE(got.items.empty());
	EXPECT_EQ(got.header.size(), 4u);
}

} // namespace epsim::test
