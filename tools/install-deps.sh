#!/usr/bin/env bash
# Installs everything mailgate needs on Debian 12, from Debian packages only.
#
#   tools/install-deps.sh            host build, tests, fuzzing and the demo
#   tools/install-deps.sh --cross    + arm64 cross toolchain, qemu and the :arm64 dev packages
#   tools/install-deps.sh --armhf    + the same for 32-bit ARM (armhf)
#   tools/install-deps.sh --image    + what packages and boots the appliance: lintian,
#                                      mmdebstrap, qemu-system-arm (tests/system)
#   tools/install-deps.sh --check    only report what is missing (exit 1 if anything is)
#
# Idempotent and quick when all is there: it asks dpkg first and runs apt-get (update
# included) only for what is missing. Runs as root, or through sudo otherwise.
#
# Multiarch (see README "Cross builds"): every :arm64/:armhf dev package co-installs with its
# amd64 twin (Multi-Arch: same) except libpoco-dev, which pulls default-libmysqlclient-dev ->
# libmariadb-dev (not Multi-Arch: same). So the POCO *runtime* libraries of the foreign arch
# come from apt as usual, and libpoco-dev:<arch> (headers, .so links, CMake config) plus the
# matching runtime .debs are unpacked with `dpkg -x` into build/sysroot-<arch>, which the
# toolchain file puts first on CMAKE_FIND_ROOT_PATH. Courier-IMAP (a test peer that conflicts
# with dovecot-imapd) is unpacked the same way into build/peers/courier. Nothing is unpacked
# outside build/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

want_arches=()
want_image=0
check_only=0
for arg in "$@"; do
  case "$arg" in
    --cross|--arm64) want_arches+=(arm64) ;;
    --armhf) want_arches+=(armhf) ;;
    --image) want_image=1 ;;
    --no-cross) ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo" >&2; exit 1; }
  SUDO=(sudo DEBIAN_FRONTEND=noninteractive)
fi

# Host: compilers, libraries, test peers (smtp-sink/smtp-source from postfix, Dovecot,
# dbus-daemon, swaks), the D-Bus tools the tests read the object with (busctl from systemd,
# gdbus from libglib2.0-bin; setpriv and unshare from util-linux for a caller as nobody and
# a private journal socket), clang + compiler-rt for libFuzzer/ASan, promtool (package
# prometheus) to check /metrics and the alert rules; chromium for the browser tests, with
# zbarimg (zbar-tools) to decode the TOTP enrolment QR code the page draws; wrk for bench/.
HOST_PKGS=(
  build-essential cmake ccache pkg-config git
  libpoco-dev libgmime-3.0-dev libmbedtls-dev libsdbus-c++-dev libsdbus-c++-bin
  libsystemd-dev libsqlite3-dev libgtest-dev libgmock-dev googletest
  python3 swaks postfix dovecot-imapd dbus dbus-daemon openssl sqlite3
  systemd libglib2.0-bin util-linux
  clang libclang-rt-14-dev
  libidn12 libgamin0 libgdbm6
  prometheus
  chromium fonts-dejavu-core zbar-tools
  wrk
)
# The shipped appliance (--image): lintian checks the .debs, mmdebstrap + arch-test build the
# arm64 root file system (foreign, through qemu-user-static), e2fsprogs makes its ext4 image,
# qemu-system-arm boots it (tests/system); xmllint checks the D-Bus policy; fakeroot is not
# needed (CPack writes root-owned tar members itself); fdisk, dosfstools and mtools write the
# Raspberry Pi SD card image without loop devices (board/raspberrypi/make-sdcard.sh).
IMAGE_PKGS=(lintian mmdebstrap arch-test e2fsprogs qemu-system-arm qemu-user-static binfmt-support
  libxml2-utils fdisk dosfstools mtools)
# Courier-IMAP, a second IMAP peer for the watcher tests (its IDLE re-scans only every 60 s).
# courier-imap conflicts with dovecot-imapd, so these are unpacked, not installed, into
# build/peers/courier; the libraries above are what its imapd links besides these.
COURIER_DEBS=(courier-imap courier-base courier-authlib libcourier-unicode4)
# POCO libraries the project links (one list: apt installs their runtime for the foreign
# arch, and the sysroot overlay gets their .debs). Util needs XML and JSON.
POCO_LIBS=(foundation util xml json net netssl crypto data datasqlite)

# Per foreign arch: the toolchain, and the -dev packages that co-install (M-A: same).
cross_pkgs() {
  local a=$1 p
  echo "crossbuild-essential-$a qemu-user-static binfmt-support"
  for p in libgmime-3.0-dev libmbedtls-dev libsdbus-c++-dev libsystemd-dev libsqlite3-dev \
           libgtest-dev libgmock-dev libssl-dev zlib1g-dev libpcre3-dev libexpat1-dev; do
    echo "$p:$a"
  done
  for p in "${POCO_LIBS[@]}"; do echo "libpoco${p}80:$a"; done
}

multiarch_of() { case "$1" in arm64) echo aarch64-linux-gnu ;; armhf) echo arm-linux-gnueabihf ;; esac; }
log() { printf '[install-deps] %s\n' "$*"; }

is_installed() {  # "ii" in dpkg's status abbreviation
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | cut -c1-2)" = "ii" ]
}

wanted=("${HOST_PKGS[@]}")
[ "$want_image" = 1 ] && wanted+=("${IMAGE_PKGS[@]}")
for a in "${want_arches[@]}"; do
  # shellcheck disable=SC2207
  wanted+=($(cross_pkgs "$a"))
done

missing=()
for p in "${wanted[@]}"; do is_installed "$p" || missing+=("$p"); done
missing_arches=()
for a in "${want_arches[@]}"; do
  dpkg --print-foreign-architectures | grep -qx "$a" || missing_arches+=("$a")
done

if [ "$check_only" = 1 ]; then
  if [ ${#missing[@]} -eq 0 ] && [ ${#missing_arches[@]} -eq 0 ]; then log "all present"; exit 0; fi
  log "missing: ${missing_arches[*]/#/arch:} ${missing[*]}"; exit 1
fi

# Services from postfix/dovecot must not start: tests start their own instances on their
# own ports. A temporary policy-rc.d (only if the machine has none) stops invoke-rc.d /
# deb-systemd-invoke from starting anything during the install.
policy=/usr/sbin/policy-rc.d
made_policy=0
cleanup() { if [ "$made_policy" = 1 ]; then "${SUDO[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

if [ ${#missing[@]} -gt 0 ] || [ ${#missing_arches[@]} -gt 0 ]; then
  for a in "${missing_arches[@]}"; do
    log "adding architecture $a"
    "${SUDO[@]}" dpkg --add-architecture "$a"
  done
  log "installing ${#missing[@]} package(s): ${missing[*]}"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from mailgate tools/install-deps.sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod 755 "$policy"
    made_policy=1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | "${SUDO[@]}" debconf-set-selections
  # A mirror in mid-sync can fail one update (hash/size mismatch): retry, then go on with
  # the lists we have and let the install itself decide.
  for try in 1 2 3; do
    "${SUDO[@]}" apt-get update -q -o Acquire::Retries=3 && break
    [ "$try" = 3 ] && { log "apt-get update failed 3 times; trying the install with the lists we have"; break; }
    log "apt-get update failed (try $try of 3); retrying in $((try * 10))s"; sleep $((try * 10))
  done
  # A foreign arch whose index did not arrive (a mirror mid-sync, a broken binary-armhf
  # Packages file) would fail the install below in a hundred lines; say it in one.
  for a in "${want_arches[@]}"; do
    cand="$(apt-cache policy "libc6:$a" 2>/dev/null | sed -n 's/^  Candidate: //p')"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      echo "install-deps: the mirror's $a package index is missing or broken today (no libc6:$a after apt-get update); the $a build cannot be set up" >&2
      for b in "${missing_arches[@]}"; do "${SUDO[@]}" dpkg --remove-architecture "$b" 2>/dev/null || true; done
      exit 1
    fi
  done
  if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends -o Acquire::Retries=3 \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"; then
    # Don't leave an architecture behind that nothing uses: its index would be fetched (and
    # could fail) on every later apt-get update.
    for a in "${missing_arches[@]}"; do "${SUDO[@]}" dpkg --remove-architecture "$a" 2>/dev/null || true; done
    echo "install-deps: apt-get install failed (see above)" >&2
    exit 1
  fi
  cleanup; made_policy=0
fi

# Leave no system postfix/dovecot running or enabled (they would hold ports 25/143/993).
if [ -d /run/systemd/system ]; then
  for unit in postfix.service dovecot.service dovecot.socket prometheus.service; do
    if systemctl is-enabled --quiet "$unit" 2>/dev/null || systemctl is-active --quiet "$unit" 2>/dev/null; then
      log "disabling and stopping system $unit"
      "${SUDO[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  done
else
  if [ -x /usr/sbin/postfix ] && "${SUDO[@]}" /usr/sbin/postfix status >/dev/null 2>&1; then
    log "stopping the system postfix"; "${SUDO[@]}" /usr/sbin/postfix stop >/dev/null 2>&1 || true
  fi
  if [ -r /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
    log "stopping the system dovecot"; "${SUDO[@]}" /usr/sbin/dovecot stop >/dev/null 2>&1 || true
  fi
fi

# POCO overlay per foreign arch: libpoco-dev:<arch> and the runtime libs, at exactly the
# version apt installed, unpacked (not installed) into build/sysroot-<arch>.
for a in "${want_arches[@]}"; do
  ver="$(dpkg-query -W -f='${Version}' "libpocofoundation80:$a")"
  overlay="$ROOT/build/sysroot-$a"
  stamp="$overlay/.mailgate-poco-version"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then continue; fi
  log "unpacking libpoco-dev:$a $ver into ${overlay#"$ROOT"/}"
  rm -rf "$overlay"
  dl="$(mktemp -d)"
  debs=("libpoco-dev:$a=$ver")
  for p in "${POCO_LIBS[@]}"; do debs+=("libpoco${p}80:$a=$ver"); done
  # apt-get download runs as the invoking user and writes into the current directory;
  # _apt must be able to write there when we are root.
  chmod 777 "$dl"
  (cd "$dl" && apt-get download -q "${debs[@]}" >/dev/null)
  mkdir -p "$overlay"
  for deb in "$dl"/*.deb; do dpkg -x "$deb" "$overlay"; done
  rm -rf "$dl"
  test -f "$overlay/usr/lib/$(multiarch_of "$a")/cmake/Poco/PocoConfig.cmake" \
    || { echo "install-deps: overlay for $a has no PocoConfig.cmake" >&2; exit 1; }
  echo "$ver" > "$stamp"
done

# Courier for the tests: unpacked at the version apt offers, once per version.
courier="$ROOT/build/peers/courier"
courier_ver="$(apt-cache policy courier-imap 2>/dev/null | sed -n 's/^  Candidate: //p')"
if [ -n "$courier_ver" ] && [ "$courier_ver" != "(none)" ] && \
   { [ ! -f "$courier/.mailgate-courier-version" ] || [ "$(cat "$courier/.mailgate-courier-version")" != "$courier_ver" ]; }; then
  log "unpacking Courier-IMAP $courier_ver into ${courier#"$ROOT"/}"
  rm -rf "$courier"
  dl="$(mktemp -d)"
  chmod 777 "$dl"
  (cd "$dl" && apt-get download -q "${COURIER_DEBS[@]}" >/dev/null)
  mkdir -p "$courier"
  for deb in "$dl"/*.deb; do dpkg -x "$deb" "$courier"; done
  rm -rf "$dl"
  test -x "$courier/usr/bin/imapd" || { echo "install-deps: Courier unpack has no usr/bin/imapd" >&2; exit 1; }
  echo "$courier_ver" > "$courier/.mailgate-courier-version"
elif [ -z "$courier_ver" ] || [ "$courier_ver" = "(none)" ]; then
  echo "install-deps: courier-imap is not available from apt; the Courier tests will fail" >&2
  exit 1
fi

# The browser tests' driver (tests/browser): Node and npm from the machine or from Debian, then
# exactly the versions in package-lock.json (playwright-core downloads no browser: it drives
# Debian's chromium above).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing nodejs and npm"
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends nodejs npm
fi
browser="$ROOT/tests/browser"
if [ ! -f "$browser/node_modules/.mailgate-lock" ] || ! cmp -s "$browser/package-lock.json" "$browser/node_modules/.mailgate-lock"; then
  log "npm ci in tests/browser"
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error) || { echo "install-deps: npm ci in tests/browser failed" >&2; exit 1; }
  cp "$browser/package-lock.json" "$browser/node_modules/.mailgate-lock"
fi

log "ready (host${want_arches[*]:+ + ${want_arches[*]}})"
