#!/usr/bin/env bash
# QEMU's arm64 virt machine (tests/system): the common steps, nothing board-specific beyond
# board/virt/overlay (fstab, a static address for QEMU's user network, a serial console).
exec "$(dirname "${BASH_SOURCE[0]}")/../common/post-build.sh" virt "$@"
