#!/usr/bin/env python3
"""Peak resident memory of mailgated with 20 SMTP sessions each sending a 25 MB message at
once, and at idle; the peer is Postfix's smtp-sink taking the same load in the same run.
Figures are VmHWM (peak RSS) from /proc/<pid>/status.
Run: MG_BUILD_DIR=build/dev python3 bench/memory/measure.py [SESSIONS] [MB]"""
import os
import smtplib
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration", "gate"))
import harness  # noqa: E402

SESSIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
MB = int(sys.argv[2]) if len(sys.argv) > 2 else 25


def status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def load(port):
    body = (b"m" * 998 + b"\r\n") * (MB * 1024 * 1024 // 1000 - 20)
    msg = harness.make_message("big", body)
    errors = []

    def one():
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=300) as s:
                s.sendmail("sender@lan.test", ["rcpt@example.org"], msg)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=one) for _ in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def main():
    gate = harness.Gate(sections={"smtp": {"max_message_bytes": str((MB + 1) * 1024 * 1024), "max_sessions": str(SESSIONS)}})
    gate.start()
    idle = status(gate.proc.pid, "VmRSS")
    errors = load(gate.smtp_port)
    peak = status(gate.proc.pid, "VmHWM")
    held = len(gate.messages("held"))  # the figure counts only if every message was taken
    gate.stop()
    gate.close()
    sink = harness.SmtpSink()  # under /usr/bin/timeout: its child is smtp-sink itself
    errors_sink = load(sink.port)
    with open("/proc/%d/task/%d/children" % (sink.proc.pid, sink.proc.pid)) as f:
        child = int(f.read().split()[0])
    peak_sink = status(child, "VmHWM")
    sink.close()
    print("| figure | smtp-sink | mailgated | ratio |")
    print("|---|---|---|---|")
    print("| idle RSS | — | %.1f MB | — |" % (idle / 1e6))
    print("| peak RSS, %d × %d MB at once | %.1f MB | %.1f MB | **%.1f×** |" %
          (SESSIONS, MB, peak_sink / 1e6, peak / 1e6, peak / max(peak_sink, 1)))
    print("held: %d of %d" % (held, SESSIONS))
    if errors or errors_sink:
        print("errors: gate %r sink %r" % (errors[:2], errors_sink[:2]))


if __name__ == "__main__":
    main()
