"""kill -9 of mailgated while clients send, at a random moment of each round: after every
restart on the same data dir every message that got 250 is listed (with its exact bytes), no
message is listed twice, and at the end the database passes integrity_check.
MG_CRASH_ROUNDS sets the rounds (CI: 50; the documented long run: 1000)."""
import collections
import os
import random
import smtplib
import sqlite3
import threading
import time
import unittest

from harness import GateTestCase, make_message, poll

CLIENTS = 4
KILL_AFTER_ACKS = 12  # at most; each round kills after a random 1..12 acknowledgements
ROUNDS = int(os.environ.get("MG_CRASH_ROUNDS", "50"))


class CrashTest(GateTestCase):
    def send_until_killed(self, gate, round_no, acked, attempted, lock, stop):
        def client(c):
            k = 0
            while not stop.is_set():
                subject = "crash r%d c%d n%d" % (round_no, c, k)
                k += 1
                # ~12 KB so that the kill often lands in the middle of DATA.
                msg = make_message(subject, (b"line %d of " % c + subject.encode() + b" " + b"z" * 60 + b"\r\n") * 150)
                with lock:
                    attempted[subject] = msg
                try:
                    code, text, _ = gate.send(msg)
                except (smtplib.SMTPException, OSError):
                    return  # the daemon is gone
                if code == 250:
                    with lock:
                        acked[subject] = msg
        threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(CLIENTS)]
        for t in threads:
            t.start()
        return threads

    def test_kill9_while_sending_loses_and_duplicates_nothing(self):
        gate = self.new_gate(sections={"smtp": {"command_timeout_seconds": "5", "data_timeout_seconds": "5"}})
        acked, attempted = {}, {}
        lock = threading.Lock()
        rng = random.Random(20261202)
        for round_no in range(ROUNDS):
            stop = threading.Event()
            base = len(acked)
            before = set(acked)
            kill_after = rng.randint(1, KILL_AFTER_ACKS)
            threads = self.send_until_killed(gate, round_no, acked, attempted, lock, stop)
            poll(lambda: len(acked) >= base + kill_after, 30, interval=0.01, what="%d acknowledged messages" % kill_after)
            gate.kill9()
            stop.set()
            for t in threads:
                t.join(30)
                self.assertFalse(t.is_alive(), "a client hung after the daemon died")
            gate.start()

            listed = gate.messages()
            counts = collections.Counter(m["subject"] for m in listed)
            dupes = {s: n for s, n in counts.items() if n > 1}
            self.assertEqual(dupes, {}, "listed more than once after kill -9 (round %d)" % round_no)
            missing = sorted(set(acked) - set(counts))
            self.assertEqual(missing, [], "got 250 but lost after kill -9 (round %d)" % round_no)
            phantoms = sorted(set(counts) - set(attempted))
            self.assertEqual(phantoms, [], "listed but never sent")
            self.assertEqual(len(set(m["id"] for m in listed)), len(listed), "ids must be unique")
            print("round %d: acked %d, attempted %d, listed %d" % (round_no, len(acked), len(attempted), len(listed)))
            by_subject = {m["subject"]: m for m in listed}
            for subject, msg in sorted(acked.items()):
                m = by_subject[subject]
                self.assertEqual(m["status"], "held", m)
                if subject in before:
                    continue  # its bytes were compared in its own round
                self.assertEqual(gate.raw(m["id"]), msg, "stored bytes differ for %r" % subject)
            # What was in flight (no 250 seen) may be there or not, but whole if there.
            for subject in set(counts) - set(acked):
                if not subject.startswith("crash r%d " % round_no):
                    continue  # an earlier round's, compared then
                self.assertEqual(gate.raw(by_subject[subject]["id"]), attempted[subject])
        # After the restarts the daemon still takes mail.
        code, text, _ = gate.send(make_message("after crash"))
        self.assertEqual(code, 250, text)
        self.assertEqual(gate.stop(), 0, "clean SIGTERM exit after the restarts")
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(gate.data_dir, "mailgate.db"), uri=True)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        db.close()


if __name__ == "__main__":
    unittest.main()
