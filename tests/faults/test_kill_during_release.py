"""kill -9 of mailgated while releases are going out to smtp-sink, at a random point of each
round: after the restart no message is left in `releasing` (an interrupted release is
`release_failed` with its reason), each message reached the sink at most once per release
the gate was asked for, and released again each is delivered. MG_RELEASE_KILL_ROUNDS sets
the rounds (CI: 10)."""
import collections
import os
import random
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration", "gate"))

from harness import GateTestCase, make_message, poll, submit  # noqa: E402

ROUNDS = int(os.environ.get("MG_RELEASE_KILL_ROUNDS", "10"))
PER_ROUND = 6


class KillDuringReleaseTest(GateTestCase):
    def test_kill9_during_releases_delivers_each_at_most_once_per_attempt_and_leaves_none_releasing(self):
        sink = self.new_sink()
        gate = self.new_gate(upstream_port=sink.port)
        rng = random.Random(20261202)
        attempts = collections.Counter()
        subjects = {}
        for r in range(ROUNDS):
            ids = []
            for i in range(PER_ROUND):
                subject = "rk r%d n%d" % (r, i)
                mid = submit(gate, make_message(subject))
                ids.append(mid)
                subjects[mid] = subject

            def release(mid):
                attempts[subjects[mid]] += 1
                try:
                    gate.release(mid)
                except Exception:  # noqa: BLE001 - the daemon was killed under the request
                    pass
            threads = [threading.Thread(target=release, args=(mid,), daemon=True) for mid in ids]
            kill_after = rng.randint(1, PER_ROUND)
            for t in threads:
                t.start()
            tag = ("rk r%d " % r).encode()
            poll(lambda: len([d for d in sink.dumps() if tag in d.message]) >= kill_after or None, 20,
                 interval=0.005, what="%d deliveries of round %d under way" % (kill_after, r))
            gate.kill9()
            for t in threads:
                t.join(30)
                self.assertFalse(t.is_alive(), "a release call hung after the daemon died")
            gate.start()
            for mid in ids:
                m = gate.message(mid)
                self.assertIn(m["status"], ("held", "released", "release_failed"), m)
                if m["status"] == "release_failed":
                    self.assertIn("interrupted", m["failure_reason"])
            # Released again (what an operator does after checking): each one goes out.
            for mid in ids:
                if gate.message(mid)["status"] != "released":
                    attempts[subjects[mid]] += 1
                    self.assertEqual(gate.release(mid).status, 200)
                self.assertEqual(gate.message(mid)["status"], "released")
        delivered = collections.Counter()
        for d in sink.dumps():
            for subject in attempts:
                if ("Subject: %s\n" % subject).encode() in d.message:
                    delivered[subject] += 1
        for subject, n in attempts.items():
            self.assertGreaterEqual(delivered[subject], 1, subject)
            self.assertLessEqual(delivered[subject], n, "%s delivered more often than it was released" % subject)
        print("rounds %d: %d messages, %d releases asked, %d deliveries" %
              (ROUNDS, len(attempts), sum(attempts.values()), sum(delivered.values())))


if __name__ == "__main__":
    unittest.main()
