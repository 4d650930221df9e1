#!/bin/sh
# The checks of tests/package/deb_install_test.sh, run by mmdebstrap's customize hook on the
# finished scratch root:  deb_checks.sh ROOT DEB
set -eu
r="$1"

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

# Upgrade: an admin edit and the data must survive dpkg -i of the package again.
echo "; edited by the admin" >> "$r/etc/mailgate/mailgate.ini"
echo kept > "$r/var/lib/mailgate/marker"
cp "$2" "$r/tmp/mailgate.deb"
inroot "dpkg -i --force-confold /tmp/mailgate.deb" >/dev/null
grep -q "edited by the admin" "$r/etc/mailgate/mailgate.ini"
[ "$(cat "$r/var/lib/mailgate/marker")" = kept ]
[ "$(inroot "stat -c %G:%a /etc/mailgate/mailgate.ini")" = mailgate:640 ]
ok "upgrade: config edit and data kept"

inroot "dpkg -r mailgate" >/dev/null
[ ! -e "$r/usr/sbin/mailgated" ] && [ -f "$r/etc/mailgate/mailgate.ini" ] && [ -f "$r/var/lib/mailgate/marker" ]
[ "$(readlink "$r/etc/systemd/system/mailgated.service")" = /dev/null ]
ok "remove: programs gone, config and data kept, units masked"
inroot "dpkg -P mailgate" 2>&1 | grep -q "kept /var/lib/mailgate"
[ ! -e "$r/etc/mailgate/mailgate.ini" ] && [ -f "$r/var/lib/mailgate/marker" ]
[ ! -e "$r/etc/systemd/system/mailgated.service" ]
ok "purge: config gone, held mail and backups kept (and said so)"
