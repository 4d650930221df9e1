"""DATA is streamed to the spool and parsed from the file: several clients sending a 24 MB
message at once raise the gate's peak resident memory by less than one such message (held in
memory, as before, they cost it several times over each). bench/memory measures the figures;
this test guards the property. Not run under the sanitizers, whose allocator keeps freed
memory on purpose."""
import hashlib
import unittest

from harness import GateTestCase, hammer, make_message

SESSIONS = 6
MB = 24


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no %s in /proc/%d/status" % (key, pid))


class BoundedMemoryTest(GateTestCase):
    def test_big_messages_at_once_cost_less_than_one_of_them(self):
        gate = self.new_gate(sections={"smtp": {"max_message_bytes": str((MB + 1) * 1024 * 1024),
                                                "max_sessions": str(SESSIONS)}})
        # A first small message warms every code path (pools, the parser, SQLite's cache).
        code, _, _ = gate.send(make_message("warm-up"))
        self.assertEqual(code, 250)
        idle = proc_status(gate.proc.pid, "VmRSS")

        body = (b"b" * 998 + b"\r\n") * (MB * 1024 * 1024 // 1000)
        messages = [make_message("big %d" % i, body) for i in range(SESSIONS)]
        replies = hammer(SESSIONS, lambda i: gate.send(messages[i]), timeout=300)
        for r in replies:
            self.assertIsInstance(r, tuple, r)
            self.assertEqual(r[0], 250, r)

        peak = proc_status(gate.proc.pid, "VmHWM")
        self.assertLess(peak - idle, len(body),
                        "peak RSS grew by %.1f MB for %d messages of %.1f MB"
                        % ((peak - idle) / 1e6, SESSIONS, len(body) / 1e6))

        # Every one is held whole, and its view (parsed from the file) shows it cut, not lost.
        for i, (_, text, mid) in enumerate(replies):
            self.assertIsNotNone(mid, text)
            m = gate.message(mid)
            self.assertEqual(m["status"], "held")
            self.assertEqual(m["subject"], "big %d" % i)
            self.assertTrue(m["text_truncated"])
            self.assertEqual(hashlib.sha256(gate.raw(mid)).hexdigest(), hashlib.sha256(messages[i]).hexdigest())


if __name__ == "__main__":
    unittest.main()
