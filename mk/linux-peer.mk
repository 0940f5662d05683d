# The Linux peer: Debian's unmodified arm64 kernel on the same QEMU as Nexus,
# measured with the same instruction-count clock (see bench/linux/README.md).
# Included from the top-level Makefile; paths are relative to the tree's root.

LINUX_PEER_JSON ?= bench/results/linux-peer.json

.PHONY: linux-peer bench-linux

# Always run: the script itself skips the downloads that are already done.
linux-peer:
	scripts/linux-peer.sh

bench-linux: linux-peer
	/usr/bin/python3 bench/linux/run.py $(LINUX_PEER_JSON)
