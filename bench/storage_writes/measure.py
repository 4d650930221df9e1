#!/usr/bin/env python3
"""Bytes written to storage per accepted 10 KB message (the SD card's wear), as a ratio to
the floor: the message's own bytes, which must reach the disk once. mailgated runs on a real
file system (the data dir under /var/tmp, not tmpfs); its /proc/<pid>/io write_bytes is read
before and after N messages from one SMTP client, after a final checkpoint-forcing stop.
Run: MG_BUILD_DIR=build/dev python3 bench/storage_writes/measure.py [N]
It measures twice, with SQLite's defaults (MAILGATE_SQLITE_TUNING=off) and as shipped."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration", "gate"))
import harness  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
BODY = (b"x" * 98 + b"\r\n") * 100  # 10,000 bytes of body


def write_bytes(pid):
    with open("/proc/%d/io" % pid) as f:
        for line in f:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def run(tuning):
    tempfile.tempdir = "/var/tmp"
    gate = harness.Gate(env={"MAILGATE_SQLITE_TUNING": tuning})
    gate.start()
    try:
        msg = harness.make_message("bench", BODY)
        harness.submit(gate, msg)  # warm: tables and indexes exist, first pages written
        os.sync()
        before = write_bytes(gate.proc.pid)
        for i in range(N):
            code, text, _ = gate.send(harness.make_message("bench %d" % i, BODY))
            assert code == 250, text
        os.sync()
        after = write_bytes(gate.proc.pid)
        return (after - before) / N, len(msg)
    finally:
        gate.stop()
        gate.close()


def main():
    rows = []
    for label, tuning in (("SQLite defaults", "off"), ("as shipped", "on")):
        per, size = run(tuning)
        rows.append((label, per, size))
    print("| setting | bytes written per message | message size | ratio |")
    print("|---|---|---|---|")
    for label, per, size in rows:
        print("| %s | %.0f | %d | **%.1f×** |" % (label, per, size, per / size))


if __name__ == "__main__":
    main()
