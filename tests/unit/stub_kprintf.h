#ifndef STUB_KPRINTF_H
#define STUB_KPRINTF_H

/* The last line the code under test printed. */
extern char kprintf_last[512];

#endif
