// SPDX-License-Identifier: GPL-2.0-only
//
// Support shared by the device unit tests (pipe, eventfd, AF_UNIX): a
// one-task scheduler whose sleeps can run "another task" first, a watcher
// that hooks a file's wait queues through ->poll the way epoll does and
// records the key of every wakeup, and small read/write/verify helpers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/file.h"
#include "kernel_model/sched.h"
#include "kernel_model/wait.h"

namespace epsim::test::device {

using namespace epsim::kern;

// A scheduler with one task.  A sleep first runs on_sleep (standing in for
// another task that runs meanwhile; it may wake us or send a signal); if
// the task is still asleep after that, nothing can ever wake it and the
// sleep raises deadlock_error, as the simulator does.
class OneTaskScheduler : public scheduler {
public:
	OneTaskScheduler()
	{
		task.pid = 1;
		task.__state = TASK_RUNNING;
		task.sched = this;
	}
	task_struct *current() override { return &task; }
	uint64_t ktime_get_ns() const override { return 0; }
	bool schedule_until(uint64_t deadline_ns) override
	{
		sleeps++;
		if (task.__state == TASK_RUNNING)
			return true;
		if (on_sleep) {
			std::function<void()> f = std::move(on_sleep);
			on_sleep = nullptr;
			f();
		}
		if (task.__state == TASK_RUNNING)
			return true;
		if (deadline_ns != KTIME_MAX) {
			task.__state = TASK_RUNNING;
			return false;
		}
		throw deadlock_error(std::string("pid 1 sleeps for ever in ") +
				     (task.wchan ? task.wchan : "?"));
	}
	int wake_up_process(task_struct *t) override
	{
		if (t->__state == TASK_RUNNING)
			return 0;
		t->__state = TASK_RUNNING;
		return 1;
	}
	// Linux: kernel/signal.c signal_wake_up: a signal wakes an
	// interruptible sleeper.
	void send_signal()
	{
		task.sigpending = true;
		if (task.__state == TASK_INTERRUPTIBLE)
			task.__state = TASK_RUNNING;
	}

	task_struct task{};
	std::function<void()> on_sleep;	// one shot
	int sleeps = 0;
};

// One test wait entry: records the key of every wakeup it receives.
struct Hook {
	wait_queue_entry wait;
	wait_queue_head *whead;
	std::vector<__poll_t> *keys;
};

inline int hook_wake(wait_queue_entry *wait, unsigned mode, int wake_flags, __poll_t key)
{
	(void)mode;
	(void)wake_flags;
	static_cast<Hook *>(wait->priv)->keys->push_back(key);
	return 1;
}

// Hooks a file's wait queues the way epoll does: ->poll with a poll_table
// whose _qproc adds one entry per queue.  Every wakeup's key lands in
// keys, in order.  unhook() before the watched file's last fput, as
// eventpoll_release does.
class Watcher {
public:
	~Watcher() { unhook(); }

	__poll_t watch(file *f)
	{
		Table t;

		init_poll_funcptr(&t.pt, qproc);
		t.w = this;
		return vfs_poll(f, &t.pt);
	}
	void unhook()
	{
		for (auto &h : hooks)
			if (!list_empty(&h->wait.entry))
				remove_wait_queue(h->whead, &h->wait);
		hooks.clear();
	}
	size_t nr_hooks() const { return hooks.size(); }
	std::vector<__poll_t> take()
	{
		std::vector<__poll_t> k = std::move(keys);
		keys.clear();
		return k;
	}

	std::vector<__poll_t> keys;

private:
	// poll_table first, so qproc can find the Watcher from the table.
	struct Table {
		poll_table pt;
		Watcher *w;
	};

	static void qproc(file *f, wait_queue_head *whead, poll_table *pt)
	{
		(void)f;
		Watcher *w = reinterpret_cast<Table *>(pt)->w;
		auto h = std::make_unique<Hook>();

		init_waitqueue_func_entry(&h->wait, hook_wake);
		h->wait.priv = h.get();
		h->whead = whead;
		h->keys = &w->keys;
		add_wait_queue(whead, &h->wait);
		w->hooks.push_back(std::move(h));
	}

	std::vector<std::unique_ptr<Hook>> hooks;
};

inline void verify(const file *f)
{
	if (f->f_op->verify)
		f->f_op->verify(f);
}

inline ssize_t do_write(file *f, const void *buf, size_t n) { return f->f_op->write(f, buf, n); }
inline ssize_t do_read(file *f, void *buf, size_t n) { return f->f_op->read(f, buf, n); }

} // namespace epsim::test::device
