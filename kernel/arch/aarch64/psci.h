#ifndef AARCH64_PSCI_H
#define AARCH64_PSCI_H

#include "core/platform.h"

void psci_init(enum psci_conduit c);

#endif
