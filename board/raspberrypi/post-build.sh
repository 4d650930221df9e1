#!/usr/bin/env bash
# Raspberry Pi 3 / 4 / Zero 2 W on Debian's arm64 kernel and raspi-firmware:
#   board/raspberrypi/post-build.sh ROOTFS DEB [OVERLAY...]
# The common steps (package, board files, identity), then what only a Pi has: the firmware's
# config.txt fragment (hardware watchdog, ACT LED freed) and the kernel command line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rootfs=$1
"$here/../common/post-build.sh" raspberrypi "$@"

# raspi-firmware writes /boot/firmware/config.txt from /etc/default/raspi-firmware-custom's
# contents on each kernel update: the fragment goes there, so it survives updates.
cp "$here/config.txt" "$rootfs/etc/default/raspi-firmware-custom"
if [ -f "$rootfs/boot/firmware/config.txt" ]; then
  cat "$here/config.txt" >> "$rootfs/boot/firmware/config.txt"
fi
# The root by label (the SD card image's layout, make-sdcard.sh), on this and every later
# kernel update (raspi-firmware writes cmdline.txt from ROOTPART).
if [ -f "$rootfs/etc/default/raspi-firmware" ]; then
  sed -i 's|^#\?ROOTPART=.*|ROOTPART=LABEL=mailgate-root|' "$rootfs/etc/default/raspi-firmware"
fi
echo "console=serial0,115200 console=tty1 root=LABEL=mailgate-root rootfstype=ext4 fsck.repair=yes rootwait net.ifnames=0" \
  > "$rootfs/boot/firmware/cmdline.txt"
