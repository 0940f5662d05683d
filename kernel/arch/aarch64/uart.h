#ifndef AARCH64_UART_H
#define AARCH64_UART_H

#include <stdint.h>

void uart_init(uint64_t base);
void uart_irq(unsigned irq);

#endif
