#!/usr/bin/env bash
# The amd64 .deb installed into a scratch Debian 12 root (mmdebstrap, nothing kept), then
# upgraded, removed and purged there, as Debian policy has packages behave:
#   tests/package/deb_install_test.sh build/release/mailgate_<version>_amd64.deb
# install: apt resolves its Depends from the mirror; the postinst makes user and group
#   mailgate, /var/lib/mailgate 0750 mailgate:mailgate, the config root:mailgate 0640, enables
#   both units (no start: no systemd runs in a chroot); the programs run; the units pass
#   systemd-analyze verify against that root.
# upgrade (the same package again): the data dir and an admin's config edit are kept.
# remove: programs gone, config and data kept, units masked. purge: config gone, data kept.
# Each step prints one "CHECK ... ok" line; any failure ends mmdebstrap with an error.
set -euo pipefail
deb="$(readlink -f "$1")"
[ -f "$deb" ] || { echo "deb_install_test: no package $1" >&2; exit 1; }
mirror="${MG_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# apt installs the package from the file inside the root, resolving its Depends on the mirror
# (mmdebstrap's --include cannot take a local .deb that lives outside the root).
mmdebstrap --mode=root --variant=apt --quiet \
  --customize-hook="copy-in $deb /tmp" \
  --customize-hook="chroot \"\$1\" apt-get install -y -q --no-install-recommends /tmp/$(basename "$deb") >/dev/null" \
  --customize-hook="sh ${MG_TRACE:+-x} $(dirname "$(readlink -f "$0")")/deb_checks.sh \"\$1\" $deb" bookworm /dev/null "$mirror"
echo "deb_install_test: $(basename "$deb"): all checks ok"
