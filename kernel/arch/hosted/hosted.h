#ifndef HOSTED_H
#define HOSTED_H

/* Interrupt number of console input, as on QEMU virt's PL011. */
#define HOSTED_IRQ_CONSOLE 33

void hosted_console_irq(unsigned irq);

#endif
