#!/usr/bin/env bash
# Lays mailgate into an unpacked root file system (tools/make-image calls it through
# board/<board>/post-build.sh):
#   board/common/post-build.sh BOARD ROOTFS DEB [OVERLAY...]
# 1. the .deb, installed with dpkg inside the root (its postinst makes the user mailgate and
#    /var/lib/mailgate, and enables both units; nothing starts: there is no running systemd);
# 2. the files of every board (board/common/overlay/: resolved answers no LAN queries), then
#    the board's own (board/<board>/overlay/), on top of rootfs-overlay/'s, which the package
#    carries;
# 3. the appliance's identity: host name mailgate (so Avahi announces mailgate.local),
#    systemd-networkd for the network, no root password (the box is run from its web page);
# 4. each OVERLAY, in order (tests add their guest agent and config so).
set -euo pipefail
board=$1 rootfs=$2 deb=$3; shift 3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[post-build %s] %s\n' "$board" "$*"; }

# dpkg's maintainer scripts need /dev/null and /proc; bind them only while they run.
mounted=()
cleanup() { for ((i=${#mounted[@]}-1; i>=0; i--)); do umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}"; done; }
trap cleanup EXIT
for m in dev proc; do
  if mountpoint -q "$rootfs/$m"; then echo "post-build: $rootfs/$m is already a mount point (left by a killed run?); umount it first" >&2; exit 1; fi
done
mount --bind /dev "$rootfs/dev" || { echo "post-build: cannot bind /dev into $rootfs" >&2; exit 1; }
mounted+=("$rootfs/dev")
mount -t proc proc "$rootfs/proc" || { echo "post-build: cannot mount /proc in $rootfs" >&2; exit 1; }
mounted+=("$rootfs/proc")

log "installing $(basename "$deb")"
cp "$deb" "$rootfs/tmp/mailgate.deb"
chroot "$rootfs" dpkg -i /tmp/mailgate.deb
rm -f "$rootfs/tmp/mailgate.deb"
chroot "$rootfs" systemctl enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
  avahi-daemon.service >/dev/null 2>&1
# Names resolve through systemd-resolved, which takes its servers from networkd (DHCP on a
# Pi): the upstream relay and IMAP hosts are names.
ln -sf /run/systemd/resolve/stub-resolv.conf "$rootfs/etc/resolv.conf"

log "common files from board/common/overlay"
cp -a --no-preserve=ownership "$here/common/overlay/." "$rootfs/"
if [ -d "$here/$board/overlay" ]; then
  log "board files from board/$board/overlay"
  cp -a --no-preserve=ownership "$here/$board/overlay/." "$rootfs/"
fi

echo mailgate > "$rootfs/etc/hostname"
cat > "$rootfs/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
127.0.1.1	mailgate.local mailgate
::1		localhost ip6-localhost ip6-loopback
HOSTS
# Locked root account: no password login on the console or anywhere else.
chroot "$rootfs" usermod -p '!' root 2>/dev/null || sed -i 's/^root:[^:]*:/root:!:/' "$rootfs/etc/shadow"

for o in "$@"; do
  log "overlay $o"
  cp -a --no-preserve=ownership "$o/." "$rootfs/"
  # An overlay's units are enabled as their [Install] says.
  for u in "$o"/usr/lib/systemd/system/*.service "$o"/etc/systemd/system/*.service; do
    [ -f "$u" ] && grep -q '^WantedBy=' "$u" && chroot "$rootfs" systemctl enable "$(basename "$u")" >/dev/null 2>&1
  done
done
# The machine id is made on first boot (one per box, not one per image).
: > "$rootfs/etc/machine-id"
log "done"
