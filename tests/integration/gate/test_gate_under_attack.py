"""The gate as an attacker on the LAN meets it, against the real mailgated and smtp-sink on
loopback: SMTP smuggling and bare line ends, the trace header and the loop guard, SMTPUTF8 end
to end (a second gate as the SMTPUTF8-capable upstream), AUTH throttling, poison messages
(2.5 million MIME parts under a 2 GB address-space limit; a crash inside the parser), the held
view that never hides an attachment, and slow web and SMTP clients that must not starve a
normal one. Other LAN hosts are played by other loopback addresses (127.0.0.2)."""
import hashlib
import os
import smtplib
import socket
import subprocess
import threading
import time
import unittest

from harness import (GateTestCase, RawSmtp, mailgatectl_path, make_message, metric, open_sessions, parse_trace, poll,
                     raw_http, reply_id, sanitized, send_raw, sink_form, unverified_tls)

PROLOGUE = (b"EHLO client.test\r\nMAIL FROM:<a@lan.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")


def smuggling_transcript(fake_end):
    """One DATA whose body hides a second transaction behind `fake_end` ("\\n.\\n" or "\\r.\\r")."""
    return (PROLOGUE + b"Subject: first\r\n\r\nfirst message" + fake_end +
            b"MAIL FROM:<forged@bank.test>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n"
            b"Subject: forged\r\n\r\nsecond\r\n.\r\nQUIT\r\n")


def read_replies_until_closed(c):
    replies = []
    while True:
        try:
            replies.append(c.reply())
        except (ConnectionError, OSError):
            return replies


def nested(levels, filename="evil.exe"):
    body = b""
    for i in range(levels):
        body += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    body += (b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" +
             filename.encode() + b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n")
    for i in reversed(range(levels)):
        body += b"--b%d--\r\n" % i
    return b"From: a@lan.test\r\nTo: b@example.org\r\nSubject: nested %d\r\nMIME-Version: 1.0\r\n" % levels + body


class SmugglingTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()

    def smuggle(self, gate, fake_end):
        c = RawSmtp(gate.smtp_port)
        self.addCleanup(c.close)
        c.reply()
        c.send(smuggling_transcript(fake_end))
        return read_replies_until_closed(c)

    def test_bare_lf_dot_is_refused_and_nothing_after_it_is_read_as_commands(self):
        gate = self.new_gate(upstream_port=self.sink.port)
        replies = self.smuggle(gate, b"\n.\n")
        codes = [code for code, _ in replies]
        self.assertEqual(codes[:4], [250, 250, 250, 354])
        self.assertEqual(codes[4:], [521], replies)  # and then the connection is closed
        self.assertIn("bare <LF>", replies[4][1][0])
        self.assertEqual(gate.messages(), [])  # neither the first nor the forged one

    def test_bare_cr_dot_is_refused_too(self):
        gate = self.new_gate(upstream_port=self.sink.port)
        replies = self.smuggle(gate, b"\r.\r")
        self.assertEqual([code for code, _ in replies][4:], [521], replies)
        self.assertIn("bare <CR>", replies[4][1][0])
        self.assertEqual(gate.messages(), [])

    def test_normalize_makes_one_message_that_carries_the_forgery_as_text(self):
        gate = self.new_gate(upstream_port=self.sink.port, sections={"smtp": {"bare_newline": "normalize"}})
        replies = self.smuggle(gate, b"\n.\n")
        self.assertEqual([code for code, _ in replies], [250, 250, 250, 354, 250, 221], replies)
        held = gate.messages()
        self.assertEqual(len(held), 1, held)
        self.assertEqual(held[0]["subject"], "first")
        raw = gate.raw(held[0]["id"])
        self.assertIn(b"first message\r\n.\r\nMAIL FROM:<forged@bank.test>\r\n", raw)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))  # stored with CRLF only
        # Released, the forgery stays inside the one message: one transaction, one sender.
        self.assertEqual(gate.release(held[0]["id"]).status, 200)
        dumps = self.sink.wait_dumps(1)
        self.assertEqual(len(dumps), 1)
        self.assertEqual(dumps[0].mail_from.split()[0], "<a@lan.test>")


class TraceHeaderTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()
        self.gate = self.new_gate(upstream_port=self.sink.port)

    def test_released_bytes_are_the_trace_header_plus_the_stored_bytes(self):
        for tls, proto in ((False, "ESMTP"), (True, "ESMTPS")):
            with self.subTest(tls=tls):
                msg = make_message("trace %s" % proto)
                code, _, mid = self.gate.send(msg, rcpts=("one@example.org",), tls=tls)
                self.assertEqual(code, 250)
                self.assertEqual(self.gate.raw(mid), msg)  # the stored original has no trace header
                self.assertEqual(self.gate.release(mid).status, 200)
                d = poll(lambda: [x for x in self.sink.dumps() if b"trace " + proto.encode() in x.content],
                         15, what="the released message")[0]
                self.assertEqual(d.content, sink_form(msg))
                t = parse_trace(d.trace)
                self.assertIsNotNone(t, d.trace)
                self.assertEqual((t["helo"], t["address"], t["by"], t["with"], t["id"], t["for"]),
                                 ("client.test", "127.0.0.1", "gate.test", proto, mid, "one@example.org"))

    def test_more_than_50_received_headers_is_refused_as_a_loop(self):
        hops = b"".join(b"Received: from hop%d by relay%d; Mon, 23 Nov 2026 10:00:00 +0000\r\n" % (i, i)
                        for i in range(51))
        code, text = send_raw(self.gate, hops + make_message("looping"))
        self.assertEqual(code, 554, text)
        self.assertTrue(text.startswith("5.4.6"), text)
        code, text = send_raw(self.gate, hops.split(b"\r\n", 1)[1] + make_message("fifty hops"))
        self.assertEqual(code, 250, text)
        self.assertEqual([m["subject"] for m in self.gate.messages()], ["fifty hops"])


UTF8_FROM = "jörg@bücher.example"
UTF8_RCPT = "zoë@例え.jp"


def utf8_message(subject):
    return ("From: Jörg <%s>\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "Grüße aus Köln\r\n" % (UTF8_FROM, UTF8_RCPT, subject)).encode("utf-8")


class SmtpUtf8Test(GateTestCase):
    def send_utf8(self, gate, subject):
        c = RawSmtp(gate.smtp_port)
        self.addCleanup(c.close)
        c.reply()
        code, ehlo = c.cmd("EHLO client.test")
        self.assertIn("SMTPUTF8", ehlo)
        self.assertEqual(c.cmd(("MAIL FROM:<%s>" % UTF8_FROM).encode())[0], 553)  # not without SMTPUTF8
        self.assertEqual(c.cmd(("MAIL FROM:<%s> SMTPUTF8" % UTF8_FROM).encode())[0], 250)
        self.assertEqual(c.cmd(("RCPT TO:<%s>" % UTF8_RCPT).encode())[0], 250)
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(utf8_message(subject) + b".\r\n")
        code, texts = c.reply()
        self.assertEqual(code, 250, texts)
        return reply_id(texts[0])

    def test_utf8_mail_is_held_shown_and_relayed_with_smtputf8(self):
        downstream = self.new_gate()  # a second gate: an upstream that offers SMTPUTF8
        gate = self.new_gate(upstream_port=downstream.smtp_port)
        mid = self.send_utf8(gate, "Grüße")
        item = [m for m in gate.messages("held") if m["id"] == mid][0]
        self.assertEqual(item["subject"], "Grüße")
        self.assertIn(UTF8_FROM, item["from"])
        self.assertTrue(item["smtputf8"])
        detail = gate.message(mid)
        self.assertEqual(detail["envelope"], {"mail_from": UTF8_FROM, "rcpt_to": [UTF8_RCPT]})
        self.assertEqual(detail["text"], "Grüße aus Köln\n")
        cli = subprocess.run([mailgatectl_path(), "--config", gate.config_path, "held"], capture_output=True,
                             timeout=30)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertIn("Grüße", cli.stdout.decode("utf-8"))

        r = gate.release(mid)
        self.assertEqual(r.status, 200, r)
        got = poll(lambda: downstream.messages("held"), 15, what="the message at the downstream gate")
        self.assertEqual(len(got), 1)
        far = downstream.message(got[0]["id"])
        self.assertEqual(far["envelope"], {"mail_from": UTF8_FROM, "rcpt_to": [UTF8_RCPT]})
        self.assertTrue(far["smtputf8"])
        raw = downstream.raw(got[0]["id"])
        self.assertTrue(raw.startswith(b"Received: from client.test ([127.0.0.1])\r\n\tby gate.test (mailgate) "
                                       b"with UTF8SMTP id %d\r\n" % mid), raw[:200])
        self.assertEqual(raw.split(b"\r\n", 3)[3], utf8_message("Grüße"))

    def test_an_upstream_without_smtputf8_fails_the_release_with_a_retriable_reason(self):
        sink = self.new_sink()  # Postfix's smtp-sink does not offer SMTPUTF8
        gate = self.new_gate(upstream_port=sink.port)
        mid = self.send_utf8(gate, "no downgrade")
        for _ in range(2):  # and again: it stays retriable, it never becomes a bounce
            r = gate.release(mid)
            self.assertEqual(r.status, 502, r)
            self.assertEqual(r.json()["status"], "release_failed")
            self.assertIn("SMTPUTF8", gate.message(mid)["failure_reason"])
        self.assertEqual(sink.dumps(), [])  # nothing mangled went out


class AuthThrottleTest(GateTestCase):
    PASSWORD = "correct horse battery"

    def setUp(self):
        self.gate = self.new_gate(sections={"smtp": {"require_auth": "true"},
                                            "limits": {"login_attempts": "3", "login_window_seconds": "900"}})
        for user in ("alice", "bob"):
            self.gate.api_json("POST", "/api/v1/users", {"username": user, "password": self.PASSWORD,
                                                         "role": "reviewer"}, expect=201)

    def login(self, user, password, source=None):
        s = smtplib.SMTP("127.0.0.1", self.gate.smtp_port, timeout=30,
                         source_address=(source, 0) if source else None)
        self.addCleanup(s.close)
        s.starttls(context=unverified_tls())
        s.ehlo("client.test")
        s.user, s.password = user, password
        try:
            code, _ = s.auth("PLAIN", s.auth_plain, initial_response_ok=True)
        except smtplib.SMTPAuthenticationError as e:
            code = e.smtp_code
        except smtplib.SMTPServerDisconnected:
            code = None
        return code, s

    def test_failed_logins_lock_the_user_and_the_address(self):
        for _ in range(3):
            self.assertEqual(self.login("alice", "wrong password!")[0], 535)
        code, s = self.login("alice", self.PASSWORD)  # right password, but locked now
        self.assertEqual(code, 454)
        with self.assertRaises((smtplib.SMTPServerDisconnected, ConnectionError)):
            s.noop()  # the session was closed
        # The user is locked from another address too, ...
        self.assertEqual(self.login("alice", self.PASSWORD, source="127.0.0.2")[0], 454)
        # ... and the address for other users; another user from another address is fine.
        self.assertEqual(self.login("bob", self.PASSWORD)[0], 454)
        self.assertEqual(self.login("bob", self.PASSWORD, source="127.0.0.2")[0], 235)
        self.assertGreaterEqual(metric(self.gate, "mailgate_rate_limited_total", 'endpoint="smtp_auth"'), 3)
        self.assertNotIn(self.PASSWORD, self.gate.log_text())


class PoisonMessageTest(GateTestCase):
    PARTS = 2_500_000

    def test_two_and_a_half_million_parts_are_held_and_the_daemon_survives(self):
        # A Pi's reality: 2 GB of address space. ASan needs terabytes of it, so there only the
        # peak resident memory below says the work was bounded.
        wrapper = [] if sanitized() else ["prlimit", "--as=%d" % (2 << 30)]
        gate = self.new_gate(wrapper=wrapper, sections={"smtp": {"max_message_bytes": str(26214400)}})
        poison = (b"From: a@lan.test\r\nTo: b@example.org\r\nSubject: poison\r\n"
                  b"Content-Type: multipart/mixed; boundary=B\r\n\r\n" + b"--B\r\n\r\n" * self.PARTS)
        code, text = send_raw(gate, poison, mail_from="a@lan.test", timeout=300)
        self.assertEqual(code, 250, text)
        mid = reply_id(text)
        detail = gate.message(mid)
        self.assertTrue(detail["has_attachments"])
        self.assertIn("only the first 1000 MIME parts are shown; %d more not shown" % (self.PARTS - 1000),
                      detail["content_warnings"])
        self.assertTrue(gate.running())
        with open("/proc/%d/status" % gate.proc.pid) as f:
            hwm_kb = int([l for l in f if l.startswith("VmHWM:")][0].split()[1])
        self.assertLess(hwm_kb, 1 << 20, "peak resident memory %d kB" % hwm_kb)  # under 1 GiB
        gate.stop()
        gate.start()  # and it starts again, with the message held, its bytes intact
        self.assertEqual(gate.message(mid)["status"], "held")
        self.assertEqual(hashlib.sha256(gate.raw(mid)).hexdigest(), hashlib.sha256(poison).hexdigest())

    def test_a_message_being_parsed_when_mailgate_died_is_held_unparsed(self):
        gate = self.new_gate()
        gate.stop()
        spool = os.path.join(gate.data_dir, "spool")
        name = "1796166831000-0123456789ab.msg"
        body = make_message("crashed the parser")
        with open(os.path.join(spool, name), "wb") as f:
            f.write(b"MGSPOOL 1\nfrom a@lan.test\nrcpt b@example.org\n\n" + body)
        with open(os.path.join(spool, name + ".parsing"), "wb") as f:
            f.write(b"\n")
        gate.start()
        held = gate.messages("held")
        self.assertEqual(len(held), 1)
        self.assertEqual(held[0]["subject"], "crashed the parser")  # read without the parser
        detail = gate.message(held[0]["id"])
        self.assertFalse(detail["parsed"])
        self.assertTrue(detail["has_attachments"])  # unknown, so never "none"
        self.assertTrue(any("not parsed" in w for w in detail["content_warnings"]), detail["content_warnings"])
        self.assertEqual(gate.raw(held[0]["id"]), body)
        self.assertFalse(os.path.exists(os.path.join(spool, name + ".parsing")))


class HonestViewTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()

    def test_an_attachment_nested_33_deep_is_reported_not_hidden(self):
        gate = self.new_gate(upstream_port=self.sink.port)
        code, text = send_raw(gate, nested(33))
        self.assertEqual(code, 250, text)
        mid = reply_id(text)
        self.assertTrue([m for m in gate.messages() if m["id"] == mid][0]["has_attachments"])
        detail = gate.message(mid)
        self.assertEqual(detail["attachments"], [])
        self.assertTrue(detail["has_attachments"])
        self.assertIn("1 part nested deeper than 32 levels not shown (any of them may be an attachment)",
                      detail["content_warnings"])
        self.assertIn(b"evil.exe", gate.raw(mid))  # and a release still carries it: the bytes are intact

    def test_rules_see_what_the_reviewer_sees(self):
        gate = self.new_gate(upstream_port=self.sink.port, sections={"smtp": {"default_action": "pass"}})
        gate.api_json("POST", "/api/v1/rules", {"name": "attachments", "scope": "smtp", "action": "hold",
                                               "priority": 1, "match": {"has_attachment": True}}, expect=201)
        code, text = send_raw(gate, nested(33))
        self.assertEqual(code, 250, text)
        self.assertIn("held", text)
        self.assertEqual(gate.message(reply_id(text))["rule"], "attachments")
        code, text = send_raw(gate, make_message("plain passes"))
        self.assertIn("queued", text)  # the rule ran and did not match this one
        self.sink.wait_dumps(1)

    def test_nul_in_a_header_is_shown_escaped(self):
        gate = self.new_gate()
        code, text = send_raw(gate, make_message("nul\0after"))
        self.assertEqual(code, 250, text)
        detail = gate.message(reply_id(text))
        self.assertEqual(detail["subject"], "nul\\0after")
        self.assertIn(["Subject", "nul\\0after"], detail["headers"])

    def test_a_huge_subject_is_capped_in_the_list_and_cut_in_the_view(self):
        gate = self.new_gate(sections={"smtp": {"max_message_bytes": str(4 << 20)}})
        subject = b"huge" + b"".join(b"\r\n =?utf-8?q?w=C3=B6rd%d?=" % i for i in range(60000))
        code, text = send_raw(gate, b"From: a@lan.test\r\nSubject: " + subject + b"\r\n\r\nbody\r\n")
        self.assertEqual(code, 250, text)
        mid = reply_id(text)
        item = [m for m in gate.messages() if m["id"] == mid][0]
        self.assertLessEqual(len(item["subject"].encode()), 1000)
        self.assertTrue(item["subject"].startswith("huge"))
        detail = gate.message(mid)
        self.assertLessEqual(len(detail["subject"].encode()), 16384)
        self.assertTrue(any("longer than 16384 bytes shown cut" in w for w in detail["content_warnings"]))
        self.assertEqual(detail["text"], "body\n")

    def test_a_long_text_is_cut_with_a_flag(self):
        gate = self.new_gate(sections={"smtp": {"max_message_bytes": str(4 << 20)}})
        line = b"x" * 998 + b"\r\n"
        code, text = send_raw(gate, make_message("long text", line * 1200))
        self.assertEqual(code, 250, text)
        detail = gate.message(reply_id(text))
        self.assertTrue(detail["text_truncated"])
        self.assertEqual(len(detail["text"].encode()), 1 << 20)


class SlowClientsTest(GateTestCase):
    def test_slow_web_clients_cannot_starve_a_normal_one(self):
        gate = self.new_gate(sections={"web": {"request_head_timeout_seconds": "4"}})
        stop = threading.Event()
        socks = []

        def trickle(src):
            import socket
            s = socket.create_connection(("127.0.0.1", gate.web_port), timeout=10, source_address=(src, 0))
            socks.append(s)
            head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
            for i in range(len(head)):  # one byte at a time, bounded by the head's length
                if stop.is_set():
                    break
                try:
                    s.sendall(head[i:i + 1])
                except OSError:
                    break  # closed by the gate: what we are waiting for
                stop.wait(0.25)

        threads = [threading.Thread(target=trickle, args=("127.0.0.1",), daemon=True) for _ in range(30)]
        for t in threads:
            t.start()
        self.addCleanup(lambda: ([stop.set()] + [t.join(10) for t in threads] + [s.close() for s in socks]))
        poll(lambda: len(socks) == 30, 10, what="30 slow connections open")
        # A normal client, from another host and from the same one, is served meanwhile.
        for source in ("127.0.0.2", "127.0.0.1"):
            status, headers, body = raw_http(gate.web_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                                             source=source, timeout=10)
            self.assertEqual(status, "HTTP/1.1 200 OK", (source, body))
        # And the gate did something about the slow ones: beyond the first 4 they get 1 s, the
        # others the request-head deadline.
        poll(lambda: "too many slow connections from that address" in gate.log_text(), 15,
             what="slow connections cut")
        poll(lambda: "no complete request head within the deadline" in gate.log_text(), 15,
             what="the request-head deadline")
        self.assertGreater(metric(gate, "mailgate_rate_limited_total", 'endpoint="web_request_head"'), 0)

    def test_a_flood_of_200_half_open_requests_leaves_the_api_reachable(self):
        gate = self.new_gate()
        flood = []
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", gate.web_port), timeout=10)
            self.addCleanup(s.close)
            s.sendall(b"GET /api/v1/messages HTTP/1.1\r\nHost: x\r\n")  # and never the end of it
            flood.append(s)
        for source in ("127.0.0.2", "127.0.0.3"):
            status, _, body = raw_http(gate.web_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", source=source,
                                       timeout=10)
            self.assertEqual(status, "HTTP/1.1 200 OK", body)
        self.assertGreater(metric(gate, "mailgate_rate_limited_total", 'endpoint="web_connections"'), 0)

    def test_connections_past_the_per_address_cap_get_503(self):
        gate = self.new_gate(sections={"web": {"max_connections_per_address": "2"}})
        # From an address of their own: the harness's own requests from 127.0.0.1 (waiting for
        # the gate to start) may still be open on the server side and count against the cap.
        held = [socket.create_connection(("127.0.0.1", gate.web_port), timeout=10, source_address=("127.0.0.4", 0))
                for _ in range(2)]
        for s in held:
            self.addCleanup(s.close)
        # The two are admitted once the gate has seen them: a request on a third connection from
        # another address is the proof that the accept loop has passed them.
        poll(lambda: raw_http(gate.web_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.2")[0]
             == "HTTP/1.1 200 OK", 10, what="healthz from another address")
        status, headers, body = raw_http(gate.web_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.4")
        self.assertEqual(status, "HTTP/1.1 503 Service Unavailable", body)
        self.assertEqual(headers["retry-after"], "10")

    def test_silent_smtp_clients_cannot_starve_a_normal_one(self):
        sink = self.new_sink()
        gate = self.new_gate(upstream_port=sink.port,
                             sections={"smtp": {"max_sessions": "20", "greeting_timeout_seconds": "120"}})
        silent = open_sessions(self, gate, 20)
        # Every slot is taken by one host: more from that host are refused (CONTRACT: 421) ...
        extra = RawSmtp(gate.smtp_port)
        self.addCleanup(extra.close)
        self.assertEqual(extra.reply()[0], 421)
        # ... but another host gets in: the newest silent session makes room for it.
        code, text = send_raw(gate, make_message("from another host"), source="127.0.0.2")
        self.assertEqual(code, 250, text)
        # Exactly one silent session was told why it had to go (its 421 was sent before the
        # newcomer got its slot, so it is already waiting in the socket).
        def pending_reply(c):
            c.sock.settimeout(0.2)
            try:
                return c.reply()
            except OSError:  # socket.timeout: this one is still connected, untouched
                return None
        evicted = [r for r in map(pending_reply, silent) if r is not None]
        self.assertEqual(len(evicted), 1, evicted)
        self.assertEqual(evicted[0][0], 421)
        self.assertIn("yours sent nothing", evicted[0][1][0])
        self.assertGreaterEqual(metric(gate, "mailgate_rate_limited_total", 'endpoint="smtp_sessions"'), 1)

    def test_a_silent_client_is_cut_at_the_greeting_timeout(self):
        gate = self.new_gate(sections={"smtp": {"greeting_timeout_seconds": "1", "command_timeout_seconds": "300"}})
        c = RawSmtp(gate.smtp_port, timeout=20)
        self.addCleanup(c.close)
        self.assertEqual(c.reply()[0], 220)
        code, texts = c.reply()  # only the greeting deadline can end this wait before 300 s
        self.assertEqual((code, texts[0][:5]), (421, "4.4.2"))


class HttpAnswersTest(GateTestCase):
    def setUp(self):
        self.gate = self.new_gate()

    def test_an_undecodable_target_is_a_400_problem(self):
        status, headers, body = raw_http(self.gate.web_port, b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(status, "HTTP/1.1 400 Bad Request")
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertIn(b'"status":400', body)

    def test_status_lines_carry_their_own_reason_phrase(self):
        for target, line in ((b"/nope", "HTTP/1.1 404 Not Found"), (b"/api/v1/messages", "HTTP/1.1 401 Unauthorized"),
                             (b"/healthz", "HTTP/1.1 200 OK")):
            status, _, _ = raw_http(self.gate.web_port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(status, line)


if __name__ == "__main__":
    unittest.main()
