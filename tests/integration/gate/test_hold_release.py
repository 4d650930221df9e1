"""Hold → release → upstream (byte-identical), discard, pass rules and default_action=pass,
against the real mailgated and a real smtp-sink upstream."""
import time
import unittest

from harness import (GateTestCase, RawSmtp, delivery_barrier, dot_stuff, make_message, parse_trace, reply_id, send_raw, sink_form, submit,
                     wait_one_by_subject)

# A body with every DATA hazard: lines starting with "." (one, two, a lone dot), 8-bit bytes,
# trailing blanks, an empty line, a line of 998 octets, a tab-folded header.
TRICKY_BODY = (
    b".leading dot\r\n"
    b"..two leading dots\r\n"
    b".\r\n"
    b"caf\xc3\xa9 \xe9t\xe9 (utf-8 and latin-1 bytes)\r\n"
    b"trailing blanks   \r\n"
    b"\r\n"
    b"\t tab-led line\r\n"
    + b"L" * 998 + b"\r\n"
    b"last line.\r\n")


class HoldReleaseTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()
        self.gate = self.new_gate(upstream_port=self.sink.port)

    def send_raw(self, message, **kw):
        return send_raw(self.gate, message, **kw)

    def test_held_message_is_released_byte_identical(self):
        msg = make_message("hold-release byte check", TRICKY_BODY,
                           extra_headers=b"X-Folded: first part\r\n\tsecond part\r\n")
        code, text = self.send_raw(msg, rcpts=("bob@example.org", "carol@example.org"))
        self.assertEqual(code, 250, text)
        mid = reply_id(text) or wait_one_by_subject(self.gate, "hold-release byte check")["id"]

        # Held: listed as held, nothing upstream yet.
        held = self.gate.messages("held")
        self.assertIn(mid, [m["id"] for m in held])
        item = [m for m in held if m["id"] == mid][0]
        self.assertEqual(item["subject"], "hold-release byte check")
        self.assertEqual(item["status"], "held")
        self.assertEqual(item["source"], "smtp")
        detail = self.gate.message(mid)
        self.assertEqual(detail["envelope"]["mail_from"], "alice@lan.test")
        self.assertEqual(detail["envelope"]["rcpt_to"], ["bob@example.org", "carol@example.org"])
        # The stored original is what the client sent, dot-unstuffed, byte for byte.
        self.assertEqual(self.gate.raw(mid), msg)
        self.assertEqual(self.gate.raw(mid, "original"), msg)
        self.assertEqual(self.sink.dumps(), [])

        r = self.gate.release(mid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"id": mid, "status": "released", "already_released": False})
        dumps = self.sink.wait_dumps(1)
        self.assertEqual(len(dumps), 1)
        d = dumps[0]
        # Released bytes = mailgate's trace header + the stored bytes (the sink stores LF ends).
        self.assertEqual(d.content, sink_form(msg))
        trace = parse_trace(d.trace)
        self.assertIsNotNone(trace, d.trace)
        self.assertEqual((trace["helo"], trace["address"], trace["by"], trace["with"], trace["id"], trace["for"]),
                         ("client.test", "127.0.0.1", "gate.test", "ESMTP", mid, None))  # two recipients: no "for"
        self.assertEqual(d.mail_from.split()[0], "<alice@lan.test>")
        self.assertEqual([a.split()[0] for a in d.rcpts], ["<bob@example.org>", "<carol@example.org>"])
        self.assertEqual(self.gate.message(mid)["status"], "released")
        self.assertNotIn(mid, [m["id"] for m in self.gate.messages("held")])

        # Idempotent: a second release says so and sends nothing.
        r = self.gate.release(mid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["already_released"], True)
        dumps = delivery_barrier(self.gate, self.sink)
        self.assertEqual(len(dumps), 2)  # the first release and the barrier, nothing more
        self.assertEqual(len(self.sink.dumps_with(b"Subject: hold-release byte check\n")), 1)

    def test_smtplib_message_with_dot_lines_released_identical(self):
        # smtplib does the dot-stuffing itself; the upstream must see the unstuffed text.
        msg = make_message("smtplib dots", b"..x\r\n.\r\n...\r\nend\r\n")
        mid = submit(self.gate, msg)
        self.assertEqual(self.gate.raw(mid), msg)
        self.assertEqual(self.gate.release(mid).status, 200)
        self.assertEqual(self.sink.wait_dumps(1)[0].content, sink_form(msg))

    def test_release_to_other_recipients(self):
        msg = make_message("redirected")
        mid = submit(self.gate, msg, rcpts=("orig@example.org",))
        r = self.gate.release(mid, {"to": ["other@example.net"]})
        self.assertEqual(r.status, 200, r)
        d = self.sink.wait_dumps(1)[0]
        self.assertEqual([a.split()[0] for a in d.rcpts], ["<other@example.net>"])
        self.assertEqual(d.content, sink_form(msg))

    def test_discarded_message_never_arrives(self):
        gone = make_message("discard me")
        kept = make_message("keep me")
        id_gone = submit(self.gate, gone)
        id_kept = submit(self.gate, kept)
        r = self.gate.discard(id_gone)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "discarded")
        self.assertEqual(self.gate.message(id_gone)["status"], "discarded")
        # A discarded message cannot be released afterwards.
        r = self.gate.release(id_gone)
        self.assertProblem(r, 409)
        self.assertEqual(self.gate.message(id_gone)["status"], "discarded")
        # The sink works (the kept one arrives) but the discarded one never does.
        self.assertEqual(self.gate.release(id_kept).status, 200)
        self.sink.wait_dumps(1)
        dumps = delivery_barrier(self.gate, self.sink)
        self.assertEqual(len(dumps), 2)  # the kept one and the barrier
        self.assertEqual(len(self.sink.dumps_with(b"Subject: keep me\n")), 1)
        self.assertEqual(self.sink.dumps_with(b"discard me"), [])

    def test_release_unknown_id_is_404_problem(self):
        self.assertProblem(self.gate.release(987654), 404)
        self.assertProblem(self.gate.discard(987654), 404)

    def test_pass_rule_relays_at_once_and_others_stay_held(self):
        rule = {"name": "let newsletters through", "scope": "smtp", "match": {"subject": "newsletter"},
                "action": "pass", "priority": 10, "enabled": True}
        r = self.gate.api("POST", "/api/v1/rules", rule)
        self.assertEqual(r.status, 201, r)
        passing = make_message("Weekly NEWSLETTER 42", TRICKY_BODY)
        pid = submit(self.gate, passing)
        hid = submit(self.gate, make_message("private note"))
        d = self.sink.wait_dumps(1, timeout=10)
        self.assertEqual(d[0].content, sink_form(passing))
        self.gate.wait_status(pid, "relayed", timeout=10)
        # Another pass message relayed after the held one was accepted: the relay worker ran.
        dumps = delivery_barrier(self.gate, self.sink, release=False, subject="newsletter barrier")
        self.assertEqual(self.gate.message(hid)["status"], "held")
        self.assertEqual(len(dumps), 2, "only the pass mail may leave without a release")
        self.assertEqual(self.sink.dumps_with(b"private note"), [])


class DefaultPassTest(GateTestCase):
    def test_default_action_pass_relays_without_rules(self):
        sink = self.new_sink()
        gate = self.new_gate(upstream_port=sink.port, sections={"smtp": {"default_action": "pass"}})
        msg = make_message("default pass", b".dot\r\nbody\r\n")
        mid = submit(gate, msg)
        self.assertEqual(sink.wait_dumps(1)[0].content, sink_form(msg))
        gate.wait_status(mid, "relayed")
        self.assertEqual(gate.messages("held"), [])
        # A hold rule still catches what it names.
        r = gate.api("POST", "/api/v1/rules", {"name": "hold invoices", "scope": "all",
                                               "match": {"subject": "invoice"}, "action": "hold",
                                               "priority": 5, "enabled": True})
        self.assertEqual(r.status, 201, r)
        submit(gate, make_message("Invoice 7"))
        held = gate.messages("held")
        self.assertEqual([m["subject"] for m in held], ["Invoice 7"])
        dumps = delivery_barrier(gate, sink, release=False)  # passed by default, after Invoice 7
        self.assertEqual(len(dumps), 2)
        self.assertEqual(sink.dumps_with(b"Invoice 7"), [])


if __name__ == "__main__":
    unittest.main()
