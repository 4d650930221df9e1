#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs the appliance in the
# foreground on 127.0.0.1 with the demo configuration (tools/demo/mailgate-demo.ini):
#   SMTP 127.0.0.1:2525 (mail is held) · web/API http://127.0.0.1:8080 · SQLite under the
#   demo dir · a local smtp-sink on 127.0.0.1:2526 as the upstream, so released mail really
#   arrives (one file per message in <demo dir>/delivered/). Ctrl-C stops both.
# Options: --no-deps (skip tools/install-deps.sh), --no-build, --reset (empty the demo dir).
# MG_DEMO_DIR (default /tmp/mailgate-demo) moves the demo dir; a config copy is written there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEMO_DIR="${MG_DEMO_DIR:-/tmp/mailgate-demo}"
CONFIG="$ROOT/tools/demo/mailgate-demo.ini"
BUILD="$ROOT/build/release"
DAEMON="$BUILD/firmware/src/app/mailgated"
CTL="$BUILD/firmware/src/ctl/mailgatectl"
SMTP_PORT=2525 WEB_PORT=8080 SINK_PORT=2526

deps=1 build=1 reset=0
for arg in "$@"; do
  case "$arg" in
    --no-deps) deps=0 ;;
    --no-build) build=0 ;;
    --reset) reset=1 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-demo: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '[run-demo] %s\n' "$*"; }
die() { printf '[run-demo] error: %s\n' "$*" >&2; exit 1; }

[ "$deps" = 1 ] && "$ROOT/tools/install-deps.sh"

if [ "$build" = 1 ]; then
  say "configuring and building the release preset (first time: several minutes on 2 cores)"
  cmake --preset release >/dev/null
  # Only the programs, not the test binaries.
  available="$(cmake --build --preset release --target help | sed -nE 's/^\.\.\. ([A-Za-z0-9_.+-]+)$/\1/p')"
  grep -qx mailgated <<<"$available" || die "this tree has no 'mailgated' target yet (firmware/src/app)"
  targets=(mailgated)
  for t in mailgatectl mailgate-led; do grep -qx "$t" <<<"$available" && targets+=("$t"); done
  cmake --build --preset release --target "${targets[@]}"
fi
[ -x "$DAEMON" ] || die "$DAEMON is missing: run without --no-build"

# The demo dir: data (SQLite, spool, cli.token), backups, LED files, and what the sink received.
if [ "$reset" = 1 ] && [ -d "$DEMO_DIR" ]; then say "emptying $DEMO_DIR"; rm -rf "$DEMO_DIR"; fi
mkdir -p "$DEMO_DIR/data" "$DEMO_DIR/backups" "$DEMO_DIR/leds" "$DEMO_DIR/delivered"
if [ "$DEMO_DIR" != /tmp/mailgate-demo ]; then
  sed "s#/tmp/mailgate-demo#$DEMO_DIR#g" "$ROOT/tools/demo/mailgate-demo.ini" > "$DEMO_DIR/mailgate-demo.ini"
  CONFIG="$DEMO_DIR/mailgate-demo.ini"
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stop a sink left by an earlier run (only the process recorded in our own pid file).
SINK_PID_FILE="$DEMO_DIR/smtp-sink.pid"
if [ -f "$SINK_PID_FILE" ]; then
  old="$(cat "$SINK_PID_FILE")"
  if [ -n "$old" ] && [ "$(cat "/proc/$old/comm" 2>/dev/null)" = smtp-sink ]; then kill "$old" 2>/dev/null || true; sleep 0.3; fi
  rm -f "$SINK_PID_FILE"
fi
for p in $SMTP_PORT $WEB_PORT $SINK_PORT; do
  port_busy "$p" && die "127.0.0.1:$p is already in use (another demo still running?)"
done

# The upstream: smtp-sink from postfix writes one file per message. As root it must drop
# privileges (-u), so the delivered/ dir belongs to that user.
sink_args=()
if [ "$(id -u)" -eq 0 ]; then sink_args=(-u nobody); chown nobody "$DEMO_DIR/delivered"; fi
/usr/sbin/smtp-sink "${sink_args[@]}" -d "$DEMO_DIR/delivered/%Y%m%d-%H%M%S." "127.0.0.1:$SINK_PORT" 32 &
SINK_PID=$!
echo "$SINK_PID" > "$SINK_PID_FILE"
stop_sink() { kill "$SINK_PID" 2>/dev/null || true; rm -f "$SINK_PID_FILE"; }
trap stop_sink EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do port_busy "$SINK_PORT" && break; sleep 0.2; done
port_busy "$SINK_PORT" || die "smtp-sink did not start on 127.0.0.1:$SINK_PORT"

rel() { echo "${1#"$ROOT"/}"; }
cat <<EOF

  mailgate demo -- everything on 127.0.0.1, data in $DEMO_DIR
  -----------------------------------------------------------------------------
  SMTP in      127.0.0.1:$SMTP_PORT (default action: hold)
  Web UI/API   http://127.0.0.1:$WEB_PORT/
  Upstream     smtp-sink on 127.0.0.1:$SINK_PORT -> $DEMO_DIR/delivered/
  API token    $DEMO_DIR/data/cli.token (written by the daemon at first start)

  In another terminal:
    swaks --server 127.0.0.1:$SMTP_PORT --from alice@example.com --to bob@example.com \\
          --header "Subject: hello from the mailgate demo" --body "held until released"
    $(rel "$CTL") --config $(rel "$CONFIG") held
    $(rel "$CTL") --config $(rel "$CONFIG") release ID
    ls $DEMO_DIR/delivered/

  Ctrl-C stops the daemon and the sink.
  -----------------------------------------------------------------------------

EOF

# In the foreground of this terminal, as a child rather than exec'd, so the sink is stopped
# when the daemon ends; Ctrl-C or a TERM to this script become a TERM to the daemon.
set +e
"$DAEMON" --config "$CONFIG" &
DAEMON_PID=$!
trap 'kill -TERM "$DAEMON_PID" 2>/dev/null' INT TERM
while :; do
  wait "$DAEMON_PID"; rc=$?
  kill -0 "$DAEMON_PID" 2>/dev/null || break   # wait was cut short by a signal: wait again
done
say "mailgated exited with status $rc"
exit "$rc"
