"""The upstream is down or refuses: release says release_failed with the reason; once the
upstream is back a release (or the pass-mail retry) delivers exactly once."""
import time
import unittest

from harness import GateTestCase, SmtpSink, delivery_barrier, free_port, make_message, poll, sink_form, submit


class UpstreamDownTest(GateTestCase):
    def test_release_fails_with_reason_then_succeeds_once(self):
        port = free_port()  # nothing listens here yet
        gate = self.new_gate(upstream_port=port, upstream={"timeout_seconds": "3"})
        msg = make_message("upstream down", b".dot\r\nbody\r\n")
        mid = submit(gate, msg)

        r = gate.release(mid)
        p = self.assertProblem(r, 502)
        self.assertEqual(p["status"], "release_failed", p)
        self.assertTrue(p["detail"].strip(), "the reason must be given: %r" % p)
        m = gate.message(mid)
        self.assertEqual(m["status"], "release_failed")
        self.assertTrue((m.get("failure_reason") or "").strip(), m)
        self.assertIn(mid, [x["id"] for x in gate.messages("release_failed")])

        # Still failing: still a 502, nothing duplicated, status unchanged.
        r = gate.release(mid)
        self.assertProblem(r, 502)

        # The upstream comes back on the same port.
        sink = self.new_sink(port=port)
        r = gate.release(mid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["already_released"], False)
        dumps = sink.wait_dumps(1)
        self.assertEqual(dumps[0].content, sink_form(msg))
        self.assertEqual(gate.message(mid)["status"], "released")
        r = gate.release(mid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["already_released"], True)
        self.assertEqual(len(delivery_barrier(gate, sink)), 2, "delivered exactly once (and the barrier)")
        self.assertEqual(len(sink.dumps_with(b"Subject: upstream down\n")), 1)

    def test_upstream_rejection_reason_is_reported(self):
        sink = self.new_sink(extra_args=["-f", "RCPT"])  # hard-reject every recipient (550)
        gate = self.new_gate(upstream_port=sink.port)
        msg = make_message("upstream rejects")
        mid = submit(gate, msg)
        p = self.assertProblem(gate.release(mid), 502)
        self.assertEqual(p["status"], "release_failed")
        self.assertRegex(p["detail"], r"5\d\d", "the upstream's reply should be in the reason: %r" % p)
        m = gate.message(mid)
        self.assertEqual(m["status"], "release_failed")
        self.assertRegex(m.get("failure_reason") or "", r"5\d\d")
        self.assertEqual(sink.dumps(), [])  # the sink keeps no message for a refused transaction

        sink.stop()
        sink.start(extra_args=[])
        r = gate.release(mid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sink.wait_dumps(1)[0].content, sink_form(msg))
        self.assertEqual(len(delivery_barrier(gate, sink)), 2)  # the release and the barrier, once each

    def test_pass_mail_is_retried_until_the_upstream_is_back(self):
        port = free_port()
        gate = self.new_gate(upstream_port=port, upstream={"timeout_seconds": "2"},
                             sections={"smtp": {"default_action": "pass"}})
        msg = make_message("pass while down")
        mid = submit(gate, msg)
        # Not relayed: waiting for its retry (queued or relay_failed), never lost.
        gate.wait_status(mid, ("queued", "relay_failed"), timeout=10)
        # At least one retry (retry_base_seconds = 1) fails too, and the message is still kept.
        m = poll(lambda: (lambda m: m if m["attempts"] >= 2 else None)(gate.message(mid)), 20,
                 what="a second failed relay attempt")
        self.assertIn(m["status"], ("queued", "relay_failed"))
        sink = self.new_sink(port=port)
        gate.wait_status(mid, "relayed", timeout=20)
        self.assertEqual(sink.wait_dumps(1)[0].content, sink_form(msg))
        # Another pass message relayed after it: the relay worker ran again and sent nothing twice.
        self.assertEqual(len(delivery_barrier(gate, sink, release=False)), 2)
        self.assertEqual(len(sink.dumps_with(b"pass while down")), 1)

    def test_health_reports_upstream_down(self):
        # With the circuit opening at the first failure, the failing relay must show in
        # /healthz, in /healthz/config's details and in mailgate_upstream_up (DESIGN §3:
        # nothing silent).
        port = free_port()
        gate = self.new_gate(upstream_port=port, upstream={"timeout_seconds": "2"},
                             sections={"relay": {"circuit_failures": "1", "circuit_reset_seconds": "300"}})
        mid = submit(gate, make_message("probe upstream"))
        self.assertProblem(gate.release(mid), 502)
        r = gate.api("GET", "/healthz", token=None)
        self.assertIn(r.status, (200, 503), r)
        h = r.json()
        self.assertIn("upstream", h["checks"])
        self.assertNotEqual(h["checks"]["upstream"], "ok", h)
        self.assertNotEqual(h["status"], "ok", h)
        cfg = gate.api_json("GET", "/healthz/config")
        self.assertTrue(cfg["checks"]["upstream"]["detail"], cfg)
        metrics = gate.api("GET", "/metrics", token=None).body.decode()
        self.assertRegex(metrics, r'(?m)^mailgate_upstream_up\{name="sink"\} 0(\.0)?$')

if __name__ == "__main__":
    unittest.main()
