// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/file_table.c: alloc_file_pseudo (here alloc_file), fput and
// __fput.  The order inside __fput matters to epoll: eventpoll_release()
// unhooks and frees every epitem watching the file before the file's own
// ->release runs, so a wakeup issued by ->release (eventfd's EPOLLHUP, a
// pipe end's HUP to its own readers) is never seen through this file.
#include "kernel_model/file.h"

#include "kernel_model/eventpoll.h"
#include "kernel_model/kernel_state.h"

namespace epsim::kern {

file *alloc_file(kernel_state *k, const file_operations *fop, void *private_data,
		 unsigned f_flags, unsigned f_mode, unsigned long ino, unsigned s_dev)
{
	file *f = new file{};

	f->f_op = fop;
	f->private_data = private_data;
	f->f_kernel = k;
	f->f_id = k->next_file_id++;
	f->f_count = 1;
	f->f_mode = f_mode;
	f->f_flags = f_flags;
	f->f_pos = 0;
	f->i_ino = ino;
	f->s_dev = s_dev;
	f->f_ep = nullptr;
	++k->nr_files;
	return f;
}

// Linux: fs/file_table.c __fput
static void __fput(file *f)
{
	eventpoll_release(f);
	if (f->f_op->release)
		f->f_op->release(f);
	--f->f_kernel->nr_files;
	delete f;
}

// Linux: fs/file_table.c fput
void fput(file *f)
{
	if (--f->f_count == 0)
		__fput(f);
}

} // namespace epsim::kern
