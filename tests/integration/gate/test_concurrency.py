"""Concurrent releases of one message deliver it exactly once; concurrent SMTP clients are
all stored, each once."""
import time
import unittest

from harness import GateTestCase, delivery_barrier, hammer, make_message, sink_form, submit


class ConcurrencyTest(GateTestCase):
    def setUp(self):
        # -w 1: the sink answers DATA a second late, so the releases really overlap the delivery.
        self.sink = self.new_sink(extra_args=["-w", "1"])
        self.gate = self.new_gate(upstream_port=self.sink.port)

    def test_twenty_concurrent_releases_deliver_once(self):
        msg = make_message("release race", b"..race body\r\n")
        mid = submit(self.gate, msg)
        results = hammer(20, lambda i: self.gate.release(mid))
        errors = [r for r in results if isinstance(r, Exception)]
        self.assertEqual(errors, [])
        codes = sorted(r.status for r in results)
        self.assertTrue(set(codes) <= {200, 409}, "only 200 or 409 are allowed: %s" % codes)
        winners = [r for r in results if r.status == 200 and r.json()["already_released"] is False]
        self.assertEqual(len(winners), 1, "exactly one release does the delivery: %s" % results)
        for r in results:
            if r.status == 200:
                self.assertEqual(r.json()["status"], "released")
            else:
                self.assertEqual(r.content_type, "application/problem+json", r)
        self.assertEqual(self.gate.message(mid)["status"], "released")
        self.sink.wait_dumps(1)
        delivery_barrier(self.gate, self.sink)  # every release call has returned; the barrier came after
        dumps = self.sink.dumps_with(b"Subject: release race\n")
        self.assertEqual(len(dumps), 1, "delivered %d times" % len(dumps))
        self.assertEqual(dumps[0].content, sink_form(msg))
        # Every later release is a no-op that says so.
        later = self.gate.release(mid)
        self.assertEqual((later.status, later.json()["already_released"]), (200, True))

    def test_release_racing_discard_has_one_outcome(self):
        mid = submit(self.gate, make_message("release vs discard"))
        results = hammer(20, lambda i: self.gate.release(mid) if i % 2 == 0 else self.gate.discard(mid))
        self.assertEqual([r for r in results if isinstance(r, Exception)], [])
        final = self.gate.wait_status(mid, ("released", "discarded"))["status"]
        releases_ok = [r for i, r in enumerate(results) if i % 2 == 0 and r.status == 200]
        discards_ok = [r for i, r in enumerate(results) if i % 2 == 1 and r.status == 200]
        self.assertTrue(all(r.status in (200, 409) for r in results), results)
        delivery_barrier(self.gate, self.sink)
        delivered = len(self.sink.dumps_with(b"Subject: release vs discard\n"))
        if final == "released":
            self.assertEqual(delivered, 1)
            self.assertEqual(discards_ok, [], "a discard reported success but the mail was released")
            self.assertEqual(sum(1 for r in releases_ok if r.json()["already_released"] is False), 1)
        else:
            self.assertEqual(delivered, 0, "a discarded message was delivered")
            self.assertEqual(releases_ok, [], "a release reported success but the mail was discarded")

    def test_bulk_release_with_duplicate_ids_delivers_once(self):
        a = submit(self.gate, make_message("bulk a"))
        b = submit(self.gate, make_message("bulk b"))
        r = self.gate.api("POST", "/api/v1/messages/release", {"ids": [a, b, a, 424242]})
        self.assertEqual(r.status, 200, r)
        res = r.json()["results"]
        # Each id answered as the single call would (CONTRACT §4): the same fields, and an
        # error (with the single call's HTTP status) only where the single call fails.
        self.assertEqual(res[:3], [{"id": a, "status": "released", "already_released": False},
                                   {"id": b, "status": "released", "already_released": False},
                                   {"id": a, "status": "released", "already_released": True}])
        self.assertEqual((res[3]["id"], res[3]["status"], res[3]["http_status"]), (424242, None, 404))
        self.assertIn("no message 424242", res[3]["error"])
        r = self.gate.api("POST", "/api/v1/messages/discard", {"ids": [a]})
        self.assertEqual(r.json()["results"], [{"id": a, "status": "released", "error": r.json()["results"][0]["error"],
                                                "http_status": 409}])
        # Proof that the relay ran after the bulk call: a later release arrives; only then count.
        c = submit(self.gate, make_message("bulk c"))
        self.assertEqual(self.gate.release(c).status, 200)
        self.sink.wait_dumps(3)
        self.assertEqual(len(self.sink.dumps()), 3)


class ConcurrentClientsTest(GateTestCase):
    def test_parallel_smtp_clients_all_stored_once(self):
        gate = self.new_gate()
        clients, per_client = 8, 5
        subjects = [["par %d-%d %d" % (c, k, time.monotonic_ns()) for k in range(per_client)]
                    for c in range(clients)]

        def run(c):
            got = []
            for s in subjects[c]:
                code, text, _ = gate.send(make_message(s, b"client %d\r\n" % c))
                got.append(code)
            return got
        results = hammer(clients, run)
        self.assertEqual([r for r in results if isinstance(r, Exception)], [])
        self.assertEqual(results, [[250] * per_client] * clients)
        listed = [m["subject"] for m in gate.messages("held")]
        wanted = [s for row in subjects for s in row]
        self.assertEqual(sorted(listed), sorted(wanted))


if __name__ == "__main__":
    unittest.main()
