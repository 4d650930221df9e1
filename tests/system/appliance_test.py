#!/usr/bin/env python3
"""The whole appliance, booted: the arm64 image (tools/make-image --overlay tests/system/guest)
under qemu-system-aarch64, checked from outside as a LAN client and a monitoring system would,
and from inside through the test-only guest agent.

  tests/system/appliance_test.py --image build/image-virt [--rounds N] [--only boot|powercut]

boot: mailgated READY under systemd as user mailgate; Health "ok" on the system bus (busctl);
      the LED agent running and blinking; the page and /healthz through the forwarded 443;
      a message over SMTP (forwarded 587) held, released through the API, received by the
      host's smtp-sink; `journalctl MAILGATE_EVENT=release` has it; SIGSTOP of the daemon gets
      it restarted by the systemd watchdog.
powercut: N rounds of: a client sends numbered messages, qemu is SIGKILLed in mid-stream
      (the guest's page cache is lost, as on a power cut), the VM boots again; every message
      that got 250 is held exactly once, none twice, PRAGMA integrity_check says ok.
Each check prints one "CHECK ... ok" line; any failure ends the run with exit status 1.
"""
import argparse
import collections
import json
import os
import random
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from vm import Vm, harness

BOOT_TIMEOUT = 420      # agent HELLO: kernel, initrd, systemd under TCG (~35 s measured; room for a loaded host)
READY_TIMEOUT = 420     # mailgated active: first start makes keys and the self-signed pair under TCG


def check(name, detail=""):
    print("CHECK %-34s ok%s" % (name, (" (" + detail + ")") if detail else ""), flush=True)


def fail(msg, vm=None):
    print("FAILED: " + msg, flush=True)
    if vm is not None:
        print("--- last serial console lines (%s):\n%s" % (vm.serial_log, vm.serial_tail()), flush=True)
        try:
            print("--- journal of mailgated:\n" + vm.sh("journalctl -b -u mailgated -u mailgate-led --no-pager | tail -40", 60)[1])
        except Exception as e:  # the guest may be gone: the serial log is what there is
            print("(no journal: %s)" % e)
    sys.exit(1)


# ---- host-side clients ----------------------------------------------------------------
_tls = ssl.create_default_context()
_tls.check_hostname = False
_tls.verify_mode = ssl.CERT_NONE  # the box's self-signed pair


def http(vm, path, token=None, method="GET", body=None, timeout=30):
    req = urllib.request.Request("https://127.0.0.1:%d%s" % (vm.web_port, path), method=method,
                                 data=None if body is None else json.dumps(body).encode())
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=_tls) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def send_mail(vm, subject, timeout=120, on_250=None):
    """One SMTP session, one message; on_250() runs the moment DATA's 250 is in, before QUIT
    (a cut between the two must not lose the acknowledgement)."""
    msg = ("From: lab@example.org\r\nTo: boss@example.org\r\nSubject: %s\r\n"
           "Message-ID: <%s@system-test>\r\n\r\nbody of %s\r\n" % (subject, subject, subject))
    with smtplib.SMTP("127.0.0.1", vm.smtp_port, timeout=timeout) as s:
        s.ehlo("client.lan")
        s.sendmail("lab@example.org", ["boss@example.org"], msg)  # raises unless 250
        if on_250 is not None:
            on_250()


def guest_token(vm):
    return vm.ok("cat /var/lib/mailgate/cli.token").strip()


def message_subjects(vm, token, status="held"):
    """(id, subject) of every message with `status` (None: any status), all pages of
    GET /api/v1/messages."""
    subjects, before = [], None
    while True:
        path = "/api/v1/messages?limit=500" + ("&status=" + status if status else "") + ("&before=" + str(before) if before else "")
        code, _, body = http(vm, path, token)
        if code != 200:
            raise AssertionError("GET %s -> %d %s" % (path, code, body[:200]))
        page = json.loads(body)
        subjects += [(i["id"], i["subject"]) for i in page["items"]]
        before = page.get("next")
        if not before:
            return subjects


def service(vm, unit):
    out = vm.ok("systemctl show -p ActiveState -p SubState -p MainPID -p User -p NRestarts %s" % unit)
    return dict(l.split("=", 1) for l in out.splitlines() if "=" in l)


def wait_ready(vm, what):
    """Boot -> the agent -> mailgated active (READY=1 came: Type=notify)."""
    t0 = time.monotonic()
    vm.wait_agent(BOOT_TIMEOUT)
    t_agent = time.monotonic() - t0

    def active():
        s = service(vm, "mailgated")
        if s.get("ActiveState") == "failed":
            fail("mailgated failed to start (%s)" % what, vm)
        return s if s.get("ActiveState") == "active" and s.get("SubState") == "running" else None
    s = harness.poll(active, READY_TIMEOUT, 1.0, "mailgated active (%s)" % what)
    return s, t_agent, time.monotonic() - t0


# ---- the checks of a booted box -------------------------------------------------------
def boot_checks(vm, sink):
    vm.start()
    s, t_agent, t_ready = wait_ready(vm, "first boot")
    check("boot: guest agent up", "%.0f s after qemu started" % t_agent)
    rc, state = vm.sh("systemctl is-system-running --wait", 300)
    if state.strip() != "running":
        fail("system state %r; failed units:\n%s" % (state.strip(), vm.sh("systemctl --failed --no-legend")[1]), vm)
    check("boot: systemd running, no failed unit")
    # Names resolve through resolved (fed by networkd), and Avahi announces mailgate.local.
    resolv_conf = vm.ok("readlink /etc/resolv.conf").strip()
    network_units = ("systemd-networkd", "systemd-resolved", "avahi-daemon")
    states = vm.sh("systemctl is-active " + " ".join(network_units))[1].split()
    if resolv_conf != "/run/systemd/resolve/stub-resolv.conf" or states != ["active"] * len(network_units):
        fail("resolv.conf -> %r, %s: %r" % (resolv_conf, " ".join(network_units), states), vm)
    check("boot: networkd, resolved, avahi up", "resolv.conf -> " + resolv_conf)
    user = vm.ok("stat -c %%U /proc/%s" % s["MainPID"]).strip()
    if user != "mailgate" or s.get("User") != "mailgate":
        fail("mailgated runs as %r (unit User=%r), not mailgate" % (user, s.get("User")), vm)
    check("mailgated READY under systemd", "user mailgate, %.0f s after qemu started" % t_ready)
    caps = dict(l.split(":\t") for l in vm.ok("grep -E '^Cap(Eff|Bnd|Prm)' /proc/%s/status" % s["MainPID"]).splitlines())
    # CAP_NET_BIND_SERVICE (bit 10) and nothing else, in every set.
    if set(caps.values()) != {"0000000000000400"}:
        fail("mailgated's capabilities are %r, not CAP_NET_BIND_SERVICE alone" % caps, vm)
    check("mailgated capabilities", "CAP_NET_BIND_SERVICE only: " + " ".join("%s=%s" % kv for kv in sorted(caps.items())))
    # What the README promises: from the LAN, only the gate (587) and the page (443) on TCP,
    # both mailgated's, and on UDP only Avahi (mDNS on 5353 and its own query sockets).
    # Loopback is left out: resolved listens on 127.0.0.53/54 for the box's own lookups.
    def open_sockets(proto):
        found = set()
        for l in vm.ok("ss -Hlnp%s" % proto).splitlines():
            f = l.split()
            if len(f) < 4:
                continue
            addr, port = f[3].rsplit(":", 1)
            if addr.startswith("127.") or addr in ("[::1]", "::1") or addr.endswith("%lo"):
                continue
            proc = l.split('(("', 1)[1].split('"', 1)[0] if '(("' in l else "?"
            found.add((port, proc))
        return sorted(found)
    tcp, udp = open_sockets("t"), open_sockets("u")
    if tcp != [("443", "mailgated"), ("587", "mailgated")] or any(p != "avahi-daemon" for _, p in udp) \
            or ("5353", "avahi-daemon") not in udp:
        fail("sockets open to the LAN: tcp %r udp %r; expected mailgated's 443 and 587, and Avahi's UDP only\n%s"
             % (tcp, udp, vm.ok("ss -Hlntup")), vm)
    check("only 443, 587 and mDNS open to the LAN", "tcp %s (mailgated), udp %s (avahi-daemon)"
          % (" ".join(p for p, _ in tcp), " ".join(p for p, _ in udp)))

    def health():
        rc, out = vm.sh("busctl --system get-property org.mailgate.Mailgate1 /org/mailgate/Mailgate1 "
                        "org.mailgate.Mailgate1 Health", 30)
        return out.strip() if rc == 0 and out.strip() == 's "ok"' else None
    harness.poll(health, 180, 1.0, "Health ok on the system bus")
    check("D-Bus Health property", 'busctl: s "ok"')

    led = service(vm, "mailgate-led")
    if led.get("ActiveState") != "active":
        fail("mailgate-led is %s" % led, vm)
    seen = set()

    def blinks():
        seen.add(vm.ok("cat /run/mg-test-leds/led0/brightness").strip())
        return {"0", "1"} <= seen
    harness.poll(blinks, 60, 0.2, "the LED going on and off (heartbeat)")
    check("LED agent running and blinking", "brightness seen %s" % sorted(seen))

    status, _, body = http(vm, "/healthz")
    doc = json.loads(body)
    if status != 200 or doc.get("status") != "ok":
        fail("/healthz -> %d %s" % (status, body[:300]), vm)
    check("/healthz through forwarded 443", "200 %s" % doc["status"])
    status, headers, body = http(vm, "/")
    if status != 200 or b"<html" not in body.lower():
        fail("/ -> %d %s" % (status, body[:200]), vm)
    check("status page through forwarded 443", "200 %s, %d bytes" % (headers.get("Content-Type"), len(body)))

    token = guest_token(vm)
    send_mail(vm, "system-test-hold")
    ids = [i for i, subj in message_subjects(vm, token) if subj == "system-test-hold"]
    if len(ids) != 1:
        fail("expected the message held once, found %r" % ids, vm)
    mid = ids[0]
    check("SMTP over forwarded 587: held", "id %s" % mid)
    status, _, body = http(vm, "/api/v1/messages/%s/release" % mid, token, "POST", {})
    if status != 200 or json.loads(body).get("status") != "released":
        fail("release -> %d %s" % (status, body[:300]), vm)
    got = harness.poll(lambda: sink.dumps_with(b"Subject: system-test-hold"), 120, 0.2,
                       "the released message at the host's smtp-sink")
    if len(got) != 1 or not got[0].trace:
        fail("expected one relayed copy with mailgate's Received: header, got %d" % len(got), vm)
    check("released to the upstream sink", "%d bytes at smtp-sink, %s" % (
        len(got[0].raw), got[0].trace.split(b"\n")[0][:60].decode("latin-1")))

    def journal():
        rc, out = vm.sh("journalctl -u mailgated MAILGATE_EVENT=release -o json --no-pager", 60)
        rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
        return [r for r in rows if r.get("MAILGATE_EMAIL_ID") == str(mid)]
    rows = harness.poll(journal, 60, 1.0, "journal entry MAILGATE_EVENT=release for %s" % mid)
    check("journalctl MAILGATE_EVENT=release", rows[0].get("MESSAGE", "")[:80])

    # Watchdog: a stopped daemon sends no WATCHDOG=1; systemd kills and restarts it.
    before = service(vm, "mailgated")
    vm.ok("kill -STOP %s" % before["MainPID"])

    def restarted():
        s = service(vm, "mailgated")
        return s if (s["MainPID"] not in ("0", before["MainPID"]) and s["ActiveState"] == "active"
                     and s["SubState"] == "running") else None
    after = harness.poll(restarted, 300, 1.0, "mailgated restarted by the watchdog")
    rc, wd = vm.sh("journalctl -b -u mailgated --no-pager | grep -i 'watchdog timeout'", 60)
    if rc != 0:
        fail("mailgated restarted, but the journal has no 'Watchdog timeout' from systemd", vm)
    check("watchdog restart after kill -STOP", "pid %s -> %s, NRestarts %s; %s" % (
        before["MainPID"], after["MainPID"], after.get("NRestarts"), wd.strip().splitlines()[-1][-60:]))
    harness.poll(health, 180, 1.0, "Health ok after the restart")
    check("Health ok again after the restart")
    vm.shutdown()


# ---- power cuts -----------------------------------------------------------------------
class Sender(threading.Thread):
    """Sends numbered messages, one session each, until stopped or the box goes away."""

    def __init__(self, vm, tag):
        super().__init__(daemon=True)
        self.vm, self.tag = vm, tag
        self.acked = []
        self.error = None

    def run(self):
        n = 0
        while True:
            n += 1
            subj = "%s-n%03d" % (self.tag, n)
            try:
                send_mail(self.vm, subj, timeout=60, on_250=lambda: self.acked.append(subj))
            except Exception as e:  # the cut: the connection dies with the VM
                self.error = e
                return


def powercut_rounds(vm, rounds, per_round, seed):
    acked_all = []
    vm.start()
    wait_ready(vm, "before the first cut")
    rng = random.Random(seed)
    for r in range(1, rounds + 1):
        sender = Sender(vm, "pc-r%02d" % r)
        sender.start()
        # A different point in the stream each round (the seed is printed: a failure replays).
        n = rng.randint(max(1, per_round // 2), per_round + per_round // 2)
        harness.poll(lambda: len(sender.acked) >= n or not sender.is_alive(), 600, 0.01, "%d messages accepted" % n)
        if len(sender.acked) < n:
            fail("round %d: the client stopped after %d messages, before the cut: %r" % (r, len(sender.acked), sender.error), vm)
        vm.kill()                      # the power cut, while the sender is in its next transaction
        sender.join(120)
        if sender.is_alive():
            fail("round %d: the client still runs 120 s after the cut" % r, vm)
        acked = list(sender.acked)
        acked_all += acked
        vm.start()
        _, _, t_boot = wait_ready(vm, "after cut %d" % r)
        token = guest_token(vm)
        # Every status: a copy that recovery put anywhere counts towards "none twice".
        every = message_subjects(vm, token, status=None)
        held = set(subj for _, subj in message_subjects(vm, token))
        counts = collections.Counter(subj for _, subj in every)
        not_held = [s for s in acked_all if s not in held]
        twice = sorted(s for s, c in counts.items() if c > 1)
        integrity = vm.ok("test -s /var/lib/mailgate/mailgate.db && "
                          "sqlite3 -readonly /var/lib/mailgate/mailgate.db 'PRAGMA integrity_check'").strip()
        extra = sorted(s for s in counts if s.startswith("pc-r%02d" % r) and s not in acked)
        if not_held or twice or integrity != "ok":
            fail("round %d: accepted but not held %r, twice %r, integrity_check %r" % (r, not_held, twice, integrity), vm)
        check("power cut %d of %d" % (r, rounds), "%d accepted before the cut, all held once (%d in all); "
              "%d unacknowledged also kept; integrity_check ok; back up in %.0f s"
              % (len(acked), len(acked_all), len(extra), t_boot))
    vm.shutdown()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True, help="directory with rootfs.ext4, vmlinuz, initrd.img")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-round", type=int, default=12, help="messages accepted before each cut")
    ap.add_argument("--seed", type=int, default=None, help="where in the stream each cut falls")
    ap.add_argument("--only", choices=["boot", "powercut"])
    ap.add_argument("--keep", action="store_true", help="keep the work dir (serial logs, disk)")
    a = ap.parse_args()
    for f in ("rootfs.ext4", "vmlinuz", "initrd.img"):
        if not os.path.exists(os.path.join(a.image, f)):
            fail("%s has no %s (tools/make-image --overlay tests/system/guest)" % (a.image, f))
    work = tempfile.mkdtemp(prefix="mg-system-")
    # The test boots a copy: the built image stays as it was made.
    image = os.path.join(work, "image")
    os.mkdir(image)
    for f in ("vmlinuz", "initrd.img"):
        shutil.copy(os.path.join(a.image, f), image)
    subprocess.run(["cp", "--sparse=always", os.path.join(a.image, "rootfs.ext4"), image], check=True)
    sink = harness.SmtpSink(lifetime=3600)
    t0 = time.monotonic()
    vm = None
    try:
        if a.only in (None, "boot"):
            vm = Vm(image, work, sink.port, "boot")
            boot_checks(vm, sink)
        if a.only in (None, "powercut"):
            vm = Vm(image, work, sink.port, "powercut")
            seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(4), "big")
            print("power cuts: %d rounds, seed %d" % (a.rounds, seed), flush=True)
            powercut_rounds(vm, a.rounds, a.per_round, seed)
    except (AssertionError, OSError, ValueError) as e:
        fail("%s: %s" % (type(e).__name__, e), vm)
    finally:
        if vm is not None:
            vm.kill()
        sink.close()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("work dir kept: " + work)
    print("system test: all checks ok in %.0f s" % (time.monotonic() - t0), flush=True)


if __name__ == "__main__":
    main()
