"""mailgated under a NOTIFY_SOCKET the test owns, as systemd would give it (Type=notify,
WatchdogSec=): READY=1 once both listeners answer, a STATUS= line that follows the box,
WATCHDOG=1 pings at half of WATCHDOG_USEC, RELOADING=1 … READY=1 on SIGHUP (and the reload
really applied), STOPPING=1 on SIGTERM; and no pings while a liveness check fails (a test hook
stalls the SMTP accept loop), pings again once it moves."""
import os
import signal
import socket
import time
import unittest

from harness import DatagramListener, Gate, RawSmtp, SmtpSink, make_message, poll, submit
from peers import Dovecot

WATCHDOG_USEC = 2_000_000  # pings expected every second; systemd would act after two


def parse_notify(data):
    fields = {}
    for line in data.decode("utf-8", "replace").split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            fields[k] = v
    return fields


class NotifySocket(DatagramListener):
    """A unix datagram socket like systemd's: every datagram is one notify message with
    newline-separated KEY=VALUE assignments, kept in order with arrival times."""

    def __init__(self):
        super().__init__("notify", parse_notify, prefix="mg-notify-")

    @property
    def messages(self):
        return self.items

    def wait_for(self, pred, timeout=20.0, what="a notify message", start=0):
        """The index of the first message from `start` on for which pred(fields) holds."""
        deadline = time.monotonic() + timeout
        checked = start
        while True:
            for i in range(checked, len(self.messages)):
                if pred(self.messages[i][1]):
                    return i
            checked = len(self.messages)
            if time.monotonic() > deadline:
                raise AssertionError("no %s within %.0f s; got: %r" % (what, timeout, [m[1] for m in self.messages]))
            self.wait_arrival(checked, 0.5)

    def pings_after(self, index):
        return [t for t, f in self.messages[index:] if f.get("WATCHDOG") == "1"]


class SystemdNotifyTest(unittest.TestCase):
    def setUp(self):
        self.notify = NotifySocket()
        self.addCleanup(self.notify.close)
        self.sink = SmtpSink()
        self.sink.start()
        self.addCleanup(self.sink.close)
        self.stall_file = os.path.join(self.notify.dir, "stall-accept")
        self.gate = Gate(upstream_port=self.sink.port, env={
            "NOTIFY_SOCKET": self.notify.path,
            "WATCHDOG_USEC": str(WATCHDOG_USEC),
            "MAILGATE_TEST_STALL_ACCEPT_FILE": self.stall_file,
        })
        self.addCleanup(self.gate.close)

    def test_ready_status_watchdog_reload_and_stopping(self):
        self.gate.start()
        n = self.notify
        ready = n.wait_for(lambda f: f.get("READY") == "1", what="READY=1")
        self.assertIn("STATUS", n.messages[ready][1])
        self.assertIn("0 held", n.messages[ready][1]["STATUS"])
        self.assertIn("relay ok", n.messages[ready][1]["STATUS"])
        # Both listeners were bound before READY=1 was sent: they answer now.
        socket.create_connection(("127.0.0.1", self.gate.smtp_port), 5).close()
        socket.create_connection(("127.0.0.1", self.gate.web_port), 5).close()

        # Pings at half the interval: ten of them, none further apart than the interval.
        first = n.wait_for(lambda f: f.get("WATCHDOG") == "1", start=ready, what="WATCHDOG=1")
        n.wait_for(lambda f: len(n.pings_after(first)) >= 10 or None, what="ten WATCHDOG=1 pings")
        pings = n.pings_after(first)[:10]
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        self.assertLess(max(gaps), WATCHDOG_USEC / 1e6, "a ping came later than WATCHDOG_USEC: %r" % gaps)

        # STATUS follows what the box holds.
        submit(self.gate, make_message("held one"))
        n.wait_for(lambda f: "1 held" in f.get("STATUS", ""), start=ready, what="STATUS with 1 held")

        # SIGHUP: RELOADING=1, then READY=1; the new default action is in force afterwards,
        # and a session open across the reload goes on as if nothing happened.
        across = RawSmtp(self.gate.smtp_port)
        self.addCleanup(across.close)
        self.assertEqual(across.reply()[0], 220)
        self.assertEqual(across.cmd("EHLO across.test")[0], 250)
        self.gate.sections["smtp"]["default_action"] = "pass"
        self.gate.write_config()
        mark = len(n.messages)
        self.gate.proc.send_signal(signal.SIGHUP)
        reloading = n.wait_for(lambda f: f.get("RELOADING") == "1", start=mark, what="RELOADING=1")
        self.assertIn("MONOTONIC_USEC", n.messages[reloading][1])
        n.wait_for(lambda f: f.get("READY") == "1", start=reloading + 1, what="READY=1 after the reload")
        poll(lambda: "smtp.default_action" in self.gate.log_text(), 10, what="the reload's log line")
        mid = submit(self.gate, make_message("passes now"))
        self.gate.wait_status(mid, ("relayed",))
        for line in ("MAIL FROM:<a@lan.test>", "RCPT TO:<b@example.org>"):
            self.assertEqual(across.cmd(line)[0], 250, line)
        self.assertEqual(across.cmd("DATA")[0], 354)
        code, text = across.cmd(b"Subject: across the reload\r\n\r\nbody\r\n.")
        self.assertEqual(code, 250, text)

        # SIGTERM: STOPPING=1, and the daemon ends cleanly.
        mark = len(n.messages)
        self.assertEqual(self.gate.stop(), 0)
        n.wait_for(lambda f: f.get("STOPPING") == "1", start=mark, what="STOPPING=1")

    def test_pings_stop_while_the_accept_loop_is_stalled_and_resume_after(self):
        self.gate.start()
        n = self.notify
        ready = n.wait_for(lambda f: f.get("READY") == "1", what="READY=1")
        n.wait_for(lambda f: f.get("WATCHDOG") == "1", start=ready, what="WATCHDOG=1")

        open(self.stall_file, "w").close()
        # The daemon says why it stopped pinging (once) — proof the watchdog looked and judged.
        poll(lambda: "not pinging systemd" in self.gate.log_text(), 30, what="the watchdog's stall line")
        self.assertIn("SMTP accept loop has made no progress", self.gate.log_text())
        stalled_at = len(n.messages)
        # Four more watchdog turns pass (the log line above was written by one); no ping among them.
        time_mark = time.monotonic()
        while time.monotonic() - time_mark < 4 * WATCHDOG_USEC / 2e6:
            n.wait_arrival(len(n.messages), 0.5)
        self.assertEqual(self.gate.log_text().count("not pinging systemd"), 1, "the stall is said once, not per turn")
        self.assertEqual(n.pings_after(stalled_at), [], "pinged while the accept loop stood still")

        os.unlink(self.stall_file)
        n.wait_for(lambda f: f.get("WATCHDOG") == "1", start=stalled_at, what="WATCHDOG=1 after the stall")
        poll(lambda: "pinging systemd" in self.gate.log_text().split("not pinging systemd")[-1], 10,
             what="the watchdog's 'pinging again' line")


class DrainTest(unittest.TestCase):
    """SIGTERM: STOPPING=1, a transaction in flight still ends with 250 (and the message is
    there after a restart), the IMAP watcher logs out (Dovecot's own log says so)."""

    def test_sigterm_lets_the_transaction_finish_and_the_watcher_log_out(self):
        notify = NotifySocket()
        self.addCleanup(notify.close)
        dovecot = Dovecot().start()
        self.addCleanup(dovecot.close)
        gate = Gate(env={"NOTIFY_SOCKET": notify.path})
        self.addCleanup(gate.close)
        gate.start()
        gate.api_json("POST", "/api/v1/accounts", dovecot.account(), expect=201)
        poll(lambda: [w for w in gate.api_json("GET", "/api/v1/watchers") if w["state"] == "online"] or None, 30,
             what="the watcher online")

        s = RawSmtp(gate.smtp_port)
        self.addCleanup(s.close)
        self.assertEqual(s.reply()[0], 220)
        for line in ("EHLO drain.test", "MAIL FROM:<a@lan.test>", "RCPT TO:<b@example.org>"):
            self.assertEqual(s.cmd(line)[0], 250, line)
        self.assertEqual(s.cmd("DATA")[0], 354)
        s.send(b"Subject: in flight at SIGTERM\r\n\r\nfirst half\r\n")

        mark = len(notify.messages)
        gate.proc.send_signal(signal.SIGTERM)
        notify.wait_for(lambda f: f.get("STOPPING") == "1", start=mark, what="STOPPING=1")
        code, text = s.cmd(b"second half\r\n.")
        self.assertEqual(code, 250, text)
        self.assertEqual(gate.proc.wait(30), 0)
        poll(lambda: "Logged out" in dovecot.log_text() or None, 10,
             what="Dovecot's log line for a LOGOUT")

        gate.start()
        held = [m for m in gate.messages() if m.get("subject") == "in flight at SIGTERM"]
        self.assertEqual(len(held), 1, gate.messages())


if __name__ == "__main__":
    unittest.main()
