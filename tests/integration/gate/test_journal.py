"""mailgated under systemd writes native journal entries: the test is the journal. It binds a
datagram socket where sd_journal_send writes (/run/systemd/journal/socket, inside a private
mount namespace so the host's /run is untouched), starts the gate as systemd would
(INVOCATION_ID set, log.target = journal) and reads the entries in the journal's native
protocol: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, MAILGATE_EVENT, MAILGATE_EMAIL_ID, CODE_FILE,
CODE_LINE — so that `journalctl -u mailgated MAILGATE_EVENT=release` finds the release."""
import os
import struct
import unittest

from harness import DatagramListener, Gate, SmtpSink, free_port, make_message, poll, submit

# Mount a tmpfs on /run (only for this process tree), put the test's directory where the
# journal's socket lives, then run mailgated.
NAMESPACE = ("mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal && "
             "mount --bind \"$MG_JOURNAL_DIR\" /run/systemd/journal && exec \"$@\"")


def parse_native(data):
    """The journal's native protocol: KEY=VALUE lines, or KEY, newline, a little-endian
    64-bit length, the value's bytes and a newline (for values with newlines)."""
    fields = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            fields[k.decode()] = v.decode("utf-8", "replace")
            i = nl + 1
        else:
            (size,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            start = nl + 9
            fields[line.decode()] = data[start:start + size].decode("utf-8", "replace")
            i = start + size + 1
    return fields


class FakeJournal(DatagramListener):
    """Where sd_journal_send writes: one native-protocol entry per datagram."""

    def __init__(self):
        super().__init__("socket", parse_native, prefix="mg-journal-")

    def find(self, **want):
        for _, e in list(self.items):
            if all(e.get(k) == v for k, v in want.items()):
                return e
        return None


class JournalTest(unittest.TestCase):
    def setUp(self):
        self.journal = FakeJournal()
        self.addCleanup(self.journal.close)
        self.sink = SmtpSink()
        self.sink.start()
        self.addCleanup(self.sink.close)
        self.gate = self.journal_gate(self.sink.port)

    def journal_gate(self, upstream_port):
        gate = Gate(upstream_port=upstream_port, sections={"log": {"target": "journal"}},
                    wrapper=["unshare", "--mount", "sh", "-c", NAMESPACE, "sh"],
                    env={"INVOCATION_ID": "0123456789abcdef0123456789abcdef", "MG_JOURNAL_DIR": self.journal.dir})
        self.addCleanup(gate.close)
        return gate

    def test_a_release_is_a_journal_entry_with_mailgates_fields(self):
        self.gate.start()
        mid = submit(self.gate, make_message("journal release"))
        self.gate.release(mid)
        self.gate.wait_status(mid, ("released",))
        entry = poll(lambda: self.journal.find(MAILGATE_EVENT="release", MAILGATE_EMAIL_ID=str(mid)), 10,
                     what="the release's journal entry")
        self.assertEqual(entry["SYSLOG_IDENTIFIER"], "mailgated")
        self.assertEqual(entry["PRIORITY"], "6")  # information
        self.assertEqual(entry["MAILGATE_MODULE"], "mg.quarantine")
        self.assertIn("event=release", entry["MESSAGE"])
        self.assertEqual(entry["CODE_FILE"], "firmware/src/quarantine/QuarantineService.cpp")
        self.assertTrue(entry["CODE_LINE"].isdigit() and int(entry["CODE_LINE"]) > 0, entry)

        intake = self.journal.find(MAILGATE_EVENT="intake", MAILGATE_EMAIL_ID=str(mid))
        self.assertIsNotNone(intake, "the intake of the same message is an entry too")
        # Under systemd nothing goes to stdout: the journal has it all, the console nothing.
        self.assertNotIn("event=release", self.gate.log_text())

    def test_priorities_follow_the_severity(self):
        # No relay listening: the release fails, the health turns degraded, a warning (4).
        self.gate = self.journal_gate(free_port())
        self.gate.start()
        mid = submit(self.gate, make_message("journal warning"))
        self.gate.release(mid)
        entry = poll(lambda: self.journal.find(MAILGATE_EVENT="health", PRIORITY="4"), 30,
                     what="a warning entry for the degraded health")
        self.assertIn("degraded", entry["MESSAGE"])


if __name__ == "__main__":
    unittest.main()
