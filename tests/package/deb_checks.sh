#!/bin/sh
# The checks of tests/package/deb_install_test.sh, run by mmdebstrap's customize hook on the
# finished scratch root:  deb_checks.sh ROOT DEB
set -eu
r="$1"
# Every check is a plain command: under set -e a failing one ends the script (never inside
# an && list or after !, where set -e does not look).

inroot() { chroot "$r" sh -ec "$*"; }
ok() { printf "CHECK %-40s ok%s\n" "$1" "${2:+ ($2)}"; }

inroot "getent passwd mailgate" | grep -q "^mailgate:.*:/var/lib/mailgate:/usr/sbin/nologin$"
inroot "getent group mailgate" >/dev/null
ok "install: user and group mailgate" "$(inroot "getent passwd mailgate")"
[ "$(inroot "stat -c %U:%G:%a /var/lib/mailgate")" = mailgate:mailgate:750 ]
ok "install: /var/lib/mailgate" "mailgate:mailgate 0750"
[ "$(inroot "stat -c %U:%G:%a /etc/mailgate/mailgate.ini")" = root:mailgate:640 ]
ok "install: config root:mailgate 0640"
for u in mailgated mailgate-led; do
  [ -L "$r/etc/systemd/system/multi-user.target.wants/$u.service" ]
done
ok "install: both units enabled"
v="$(inroot "mailgated --version")"; inroot "mailgatectl --version" >/dev/null; inroot "mailgate-led --version" >/dev/null
ok "install: programs run" "$v"
inroot "mailgated --check-config --config /etc/mailgate/mailgate.ini"
ok "install: shipped config passes --check-config"
systemd-analyze verify --man=no --root="$r" mailgated.service mailgate-led.service
ok "install: systemd-analyze verify"

# Upgrades, to newer versions of this very package (repacked as VERSION+upgradeN): first
# with the config as shipped (dpkg replaces it; the stat override keeps it 0640), then with
# an admin's edit in it (kept) and data in the data dir (untouched).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$2" "$work/pkg"
version="$(sed -n 's/^Version: //p' "$work/pkg/DEBIAN/control")"
upgrade_to() {
  sed -i "s/^Version: .*/Version: $version+upgrade$1/" "$work/pkg/DEBIAN/control"
  dpkg-deb -b --root-owner-group "$work/pkg" "$r/tmp/mailgate-up$1.deb" >/dev/null
  inroot "dpkg -i --force-confold /tmp/mailgate-up$1.deb" >/dev/null
  [ "$(inroot "dpkg-query -W -f='\${Version}' mailgate")" = "$version+upgrade$1" ]
}
upgrade_to 1
[ "$(inroot "stat -c %U:%G:%a /etc/mailgate/mailgate.ini")" = root:mailgate:640 ]
ok "upgrade: unedited config stays root:mailgate 0640" "$version -> $version+upgrade1"
echo "; edited by the admin" >> "$r/etc/mailgate/mailgate.ini"
echo kept > "$r/var/lib/mailgate/marker"
upgrade_to 2
grep -q "edited by the admin" "$r/etc/mailgate/mailgate.ini"
[ "$(cat "$r/var/lib/mailgate/marker")" = kept ]
[ "$(inroot "stat -c %U:%G:%a /etc/mailgate/mailgate.ini")" = root:mailgate:640 ]
[ "$(inroot "stat -c %U:%G:%a /var/lib/mailgate")" = mailgate:mailgate:750 ]
ok "upgrade: config edit and data kept" "-> $version+upgrade2"

inroot "dpkg -r mailgate" >/dev/null
[ ! -e "$r/usr/sbin/mailgated" ]
[ -f "$r/etc/mailgate/mailgate.ini" ]
[ -f "$r/var/lib/mailgate/marker" ]
[ "$(readlink "$r/etc/systemd/system/mailgated.service")" = /dev/null ]
ok "remove: programs gone, config and data kept, units masked"
purge_said="$(inroot "dpkg -P mailgate" 2>&1)"
printf '%s\n' "$purge_said" | grep -q "kept /var/lib/mailgate"
if inroot "dpkg-statoverride --list /etc/mailgate/mailgate.ini" >/dev/null; then exit 1; fi
[ ! -e "$r/etc/mailgate/mailgate.ini" ]
[ -f "$r/var/lib/mailgate/marker" ]
[ ! -e "$r/etc/systemd/system/mailgated.service" ]
ok "purge: config gone, held mail and backups kept (and said so)"
