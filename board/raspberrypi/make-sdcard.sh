#!/usr/bin/env bash
# Writes a Raspberry Pi SD card image from a prepared root file system, without loop devices
# or mounts (a CI machine has neither):
#   board/raspberrypi/make-sdcard.sh ROOTFS OUT.img
# Layout (MBR): 1 MiB gap, FAT32 "MGBOOT" 256 MiB (the firmware, kernel, initrd, device trees,
# config.txt and cmdline.txt that raspi-firmware put in /boot/firmware), ext4 "mailgate-root"
# 2 GiB (grown to the card by nothing: the data dir's rotation is sized for 2 GiB).
set -euo pipefail
rootfs=$1 img=$2
for t in sfdisk mkfs.vfat mcopy mke2fs; do
  command -v "$t" >/dev/null || { echo "make-sdcard: $t is missing (tools/install-deps.sh --image)" >&2; exit 1; }
done
fw="$rootfs/boot/firmware"
[ -f "$fw/config.txt" ] && ls "$fw"/vmlinuz* "$fw"/initrd.img* >/dev/null 2>&1 \
  || { echo "make-sdcard: $fw has no kernel, initrd or config.txt (raspi-firmware's hooks did not run?)" >&2; exit 1; }
# Work beside the image (2 GiB of scratch: /tmp may be a small tmpfs); the firmware files
# go back into the root whatever happens.
work="$(mktemp -d -p "$(dirname "$(readlink -f "$img")")" .make-sdcard.XXXXXX)"
restore() { if [ -d "$work/firmware.keep" ]; then rm -rf "$fw"; mv "$work/firmware.keep" "$fw"; fi; rm -rf "$work"; }
trap restore EXIT
boot_mib=256 root_mib=2048

mkfs.vfat -F 32 -n MGBOOT -C "$work/boot.img" $((boot_mib * 1024)) >/dev/null
mcopy -s -i "$work/boot.img" "$fw"/* ::
# The root without the firmware files (they live on the FAT partition, mounted there by fstab).
mv "$fw" "$work/firmware.keep"; mkdir "$fw"
mke2fs -q -t ext4 -L mailgate-root -d "$rootfs" "$work/root.img" "${root_mib}M"
rmdir "$fw"; mv "$work/firmware.keep" "$fw"

truncate -s $(( (1 + boot_mib + root_mib) * 1024 * 1024 )) "$img"
sfdisk --quiet "$img" <<LAYOUT
label: dos
start=1MiB, size=${boot_mib}MiB, type=c, bootable
start=$((1 + boot_mib))MiB, size=${root_mib}MiB, type=83
LAYOUT
dd if="$work/boot.img" of="$img" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$work/root.img" of="$img" bs=1M seek=$((1 + boot_mib)) conv=notrunc,sparse status=none
echo "make-sdcard: $img ($(( (1 + boot_mib + root_mib) )) MiB)"
