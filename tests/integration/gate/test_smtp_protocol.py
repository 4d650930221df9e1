"""The gate's SMTP server as RFC 5321 (and 1870 SIZE, 2920 PIPELINING, 6152 8BITMIME,
3207 STARTTLS) says, over raw sockets where smtplib would hide the conversation."""
import os
import smtplib
import socket
import ssl
import time
import unittest

from harness import (GateTestCase, RawSmtp, dot_stuff, make_message, open_sessions, poll, reply_id, subject_of, submit,
                     unverified_tls)

MAX_BYTES = 65536
MAX_RCPTS = 5


class SmtpProtocolTest(GateTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gate = cls.class_gate(sections={"smtp": {"max_message_bytes": str(MAX_BYTES),
                                                     "max_recipients": str(MAX_RCPTS)}})

    def session(self, ehlo=True):
        c = RawSmtp(self.gate.smtp_port)
        self.addCleanup(c.close)
        code, texts = c.reply()
        self.assertEqual(code, 220, texts)
        if ehlo:
            code, texts = c.cmd("EHLO client.test")
            self.assertEqual(code, 250, texts)
        return c

    def stored(self, subject):
        return [m for m in self.gate.messages() if m.get("subject") == subject]

    def finish_and_get_id(self, c, subject):
        code, texts = c.reply()
        self.assertEqual(code, 250, texts)
        mid = reply_id(" ".join(texts))
        if mid is None:
            items = self.stored(subject)
            self.assertEqual(len(items), 1, items)
            mid = items[0]["id"]
        return mid

    # ---- greeting and EHLO
    def test_greeting_and_ehlo_keywords(self):
        c = RawSmtp(self.gate.smtp_port)
        self.addCleanup(c.close)
        code, texts = c.reply()
        self.assertEqual(code, 220)
        self.assertTrue(texts[0].startswith("gate.test"), texts)  # RFC 5321 §4.3.1: domain first
        code, texts = c.cmd("EHLO client.test")
        self.assertEqual(code, 250)
        self.assertTrue(texts[0].startswith("gate.test"), texts)
        keywords = [t.upper() for t in texts[1:]]
        for k in ("PIPELINING", "SIZE %d" % MAX_BYTES, "8BITMIME", "ENHANCEDSTATUSCODES", "STARTTLS"):
            self.assertIn(k, keywords)
        self.assertFalse(any(k.startswith("AUTH") for k in keywords), "AUTH must not be offered in the clear")
        code, texts = c.cmd("HELO client.test")  # HELO is still accepted
        self.assertEqual(code, 250)

    # ---- bad commands and sequence errors
    def test_bad_commands_and_sequence(self):
        c = self.session(ehlo=False)
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 503)  # before EHLO
        self.assertEqual(c.cmd("HELO")[0], 501)                    # missing domain
        self.assertEqual(c.cmd("EHLO client.test")[0], 250)
        self.assertEqual(c.cmd("FROBNICATE now")[0], 500)           # unknown verb
        self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 503)  # before MAIL
        self.assertEqual(c.cmd("DATA")[0], 503)                     # before MAIL
        self.assertEqual(c.cmd("MAIL FROM:not-an-address")[0], 501)
        self.assertEqual(c.cmd("RSET now")[0], 501)                 # RSET takes no argument
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 503)   # nested MAIL
        self.assertIn(c.cmd("DATA")[0], (503, 554))                 # no valid recipient yet
        self.assertEqual(c.cmd("RSET")[0], 250)
        self.assertEqual(c.cmd("NOOP")[0], 250)
        # After all that the session still works.
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 250)
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(dot_stuff(make_message("after errors")))
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.cmd("QUIT")[0], 221)
        self.assertTrue(c.closed_by_peer(), "QUIT must close the connection")

    def test_unknown_mail_parameter_is_555(self):
        c = self.session()
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test> X-BOGUS=1")[0], 555)  # RFC 5321 §4.1.1.11
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<b@example.org> X-BOGUS=1")[0], 555)

    def test_command_line_too_long_is_500(self):
        c = self.session()
        code, _ = c.cmd("NOOP " + "x" * 600)  # > 512 octets (RFC 5321 §4.5.3.1.4)
        self.assertEqual(code, 500)
        self.assertEqual(c.cmd("NOOP")[0], 250)

    def test_null_sender_postmaster_vrfy_help(self):
        c = self.session()
        self.assertEqual(c.cmd("VRFY someone")[0], 252)
        self.assertEqual(c.cmd("HELP")[0], 214)
        self.assertEqual(c.cmd("MAIL FROM:<>")[0], 250)            # bounces have a null sender
        self.assertEqual(c.cmd("RCPT TO:<Postmaster>")[0], 250)    # §4.5.1: postmaster always
        # ... and such a bounce is stored (the spool takes what MAIL/RCPT take), held like any other.
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(dot_stuff(make_message("a bounce to postmaster")))
        self.assertEqual(c.reply()[0], 250)
        held = [m for m in self.gate.messages("held") if m["subject"] == "a bounce to postmaster"]
        self.assertEqual(len(held), 1)
        self.assertEqual(c.cmd("RSET")[0], 250)

    # ---- limits
    def test_size_declared_too_big_is_552(self):
        c = self.session()
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test> SIZE=%d" % (MAX_BYTES + 1))[0], 552)
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test> SIZE=%d" % (MAX_BYTES // 2))[0], 250)

    def test_oversize_message_is_552_and_not_stored(self):
        subject = "oversize %d" % time.monotonic_ns()
        big = make_message(subject, (b"x" * 76 + b"\r\n") * (MAX_BYTES // 78 + 50))
        self.assertGreater(len(big), MAX_BYTES)
        c = self.session()
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 250)
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(dot_stuff(big))
        code, texts = c.reply()
        self.assertEqual(code, 552, texts)
        self.assertEqual(self.stored(subject), [])
        # The session is still usable for a message that fits.
        ok_subject = "fits after oversize %d" % time.monotonic_ns()
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 250)
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(dot_stuff(make_message(ok_subject)))
        self.finish_and_get_id(c, ok_subject)

    def test_too_many_recipients_is_452_and_the_rest_is_kept(self):
        subject = "many rcpts %d" % time.monotonic_ns()
        c = self.session()
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        rcpts = ["r%d@example.org" % i for i in range(MAX_RCPTS + 2)]
        codes = [c.cmd("RCPT TO:<%s>" % r)[0] for r in rcpts]
        self.assertEqual(codes, [250] * MAX_RCPTS + [452, 452])  # RFC 5321 §4.5.3.1.10
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(dot_stuff(make_message(subject)))
        mid = self.finish_and_get_id(c, subject)
        self.assertEqual(self.gate.message(mid)["envelope"]["rcpt_to"], rcpts[:MAX_RCPTS])

    def test_line_of_1000_octets_ok_longer_rejected(self):
        ok_subject = "line 1000 %d" % time.monotonic_ns()
        bad_subject = "line 1001 %d" % time.monotonic_ns()
        ok = make_message(ok_subject, b"a" * 998 + b"\r\n")     # 1000 with CRLF: the limit
        bad = make_message(bad_subject, b"a" * 999 + b"\r\n")   # 1001
        c = self.session()
        for msg in (ok, bad):
            self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
            self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 250)
            self.assertEqual(c.cmd("DATA")[0], 354)
            c.send(dot_stuff(msg))
            if msg is ok:
                mid = self.finish_and_get_id(c, ok_subject)
                self.assertEqual(self.gate.raw(mid), ok)
            else:
                code, texts = c.reply()
                self.assertIn(code, (500, 552, 554), texts)
        self.assertEqual(self.stored(bad_subject), [])
        self.assertEqual(c.cmd("NOOP")[0], 250)

    # ---- pipelining
    def test_pipelined_transactions(self):
        s1 = "pipelined one %d" % time.monotonic_ns()
        s2 = "pipelined two %d" % time.monotonic_ns()
        c = self.session(ehlo=False)
        # One write: EHLO, MAIL, two RCPTs (one bad), DATA (RFC 2920 §3.1).
        c.send(b"EHLO client.test\r\nMAIL FROM:<p@lan.test>\r\nRCPT TO:<x@example.org>\r\n"
               b"RCPT TO:<not an address>\r\nDATA\r\n")
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.reply()[0] // 100, 5)
        self.assertEqual(c.reply()[0], 354)
        # The message, then the next whole transaction, in one write.
        c.send(dot_stuff(make_message(s1)) + b"MAIL FROM:<p@lan.test>\r\nRCPT TO:<y@example.org>\r\n"
               b"RCPT TO:<z@example.org>\r\nDATA\r\n")
        id1 = self.finish_and_get_id(c, s1)
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(c.reply()[0], 354)
        c.send(dot_stuff(make_message(s2)) + b"RSET\r\nNOOP\r\nMAIL FROM:<p@lan.test>\r\n"
               b"RCPT TO:<not an address>\r\nDATA\r\nQUIT\r\n")
        id2 = self.finish_and_get_id(c, s2)
        self.assertEqual(c.reply()[0], 250)  # RSET
        self.assertEqual(c.reply()[0], 250)  # NOOP
        self.assertEqual(c.reply()[0], 250)  # MAIL
        self.assertEqual(c.reply()[0] // 100, 5)  # the only RCPT is bad
        self.assertIn(c.reply()[0], (503, 554))   # so DATA is refused, not 354 (RFC 2920 §3.1)
        self.assertEqual(c.reply()[0], 221)
        self.assertNotEqual(id1, id2)
        self.assertEqual(self.gate.message(id1)["envelope"]["rcpt_to"], ["x@example.org"])
        self.assertEqual(self.gate.message(id2)["envelope"]["rcpt_to"], ["y@example.org", "z@example.org"])

    # ---- content: 8-bit and dot transparency
    def test_8bit_body_kept_with_and_without_body_param(self):
        for param in (" BODY=8BITMIME", ""):
            subject = "8bit%s %d" % (param.strip(), time.monotonic_ns())
            msg = make_message(subject, b"gr\xc3\xbc\xc3\x9fe \xff\xfe\x80 \xe9\r\n",
                               extra_headers=b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                             b"Content-Transfer-Encoding: 8bit\r\n")
            c = self.session()
            self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>%s" % param)[0], 250)
            self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 250)
            self.assertEqual(c.cmd("DATA")[0], 354)
            c.send(dot_stuff(msg))
            mid = self.finish_and_get_id(c, subject)
            self.assertEqual(self.gate.raw(mid), msg)

    def test_leading_dot_is_removed_once(self):
        subject = "dots %d" % time.monotonic_ns()
        head = make_message(subject, b"")
        # Wire: "..a" → ".a"; "...." → "..."; ".." alone → "."; an unstuffed ".x" (a sloppy
        # client) loses its dot (RFC 5321 §4.5.2); ". " is not the terminator.
        wire = head + b"..a\r\n....\r\n..\r\n.x\r\n. \r\nend\r\n.\r\n"
        expected = head + b".a\r\n...\r\n.\r\nx\r\n \r\nend\r\n"
        c = self.session()
        self.assertEqual(c.cmd("MAIL FROM:<a@lan.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<b@example.org>")[0], 250)
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(wire)
        mid = self.finish_and_get_id(c, subject)
        self.assertEqual(self.gate.raw(mid), expected)

    # ---- STARTTLS
    def test_starttls_session_works(self):
        subject = "over tls %d" % time.monotonic_ns()
        with smtplib.SMTP("127.0.0.1", self.gate.smtp_port, local_hostname="client.test", timeout=15) as s:
            s.ehlo()
            self.assertTrue(s.has_extn("starttls"))
            code, _ = s.starttls(context=unverified_tls())
            self.assertEqual(code, 220)
            self.assertIsNotNone(s.sock.cipher())
            s.ehlo()
            self.assertFalse(s.has_extn("starttls"), "STARTTLS must not be offered twice")
            self.assertTrue(s.has_extn("auth"), "AUTH is offered once under TLS")
            s.mail("a@lan.test")
            s.rcpt("b@example.org")
            msg = make_message(subject, b".dot under tls\r\n")
            code, text = s.data(msg)
            self.assertEqual(code, 250, text)
        items = self.stored(subject)
        self.assertEqual(len(items), 1)
        self.assertEqual(self.gate.raw(items[0]["id"]), msg)
        # The self-signed pair was made on first start.
        tls_dir = os.path.join(self.gate.data_dir, "tls")
        self.assertTrue(os.path.isdir(tls_dir) and os.listdir(tls_dir), "expected a certificate in %s" % tls_dir)

    def test_starttls_forgets_the_plaintext_state(self):
        c = self.session()  # EHLO done in the clear
        self.assertEqual(c.cmd("STARTTLS")[0], 220)
        tls = unverified_tls().wrap_socket(c.sock, server_hostname="gate.test")
        f = tls.makefile("rwb")
        f.write(b"MAIL FROM:<a@lan.test>\r\n")  # RFC 3207 §4.2: EHLO needed again
        f.flush()
        self.assertEqual(f.readline()[:3], b"503")
        tls.close()

    def test_starttls_discards_pipelined_plaintext(self):
        # Command injection (CVE-2011-0411 class): text after STARTTLS in the same packet must
        # not be executed inside the TLS session.
        c = self.session()
        c.send(b"STARTTLS\r\nNOOP\r\n")
        self.assertEqual(c.reply()[0], 220)
        try:
            tls = unverified_tls().wrap_socket(c.sock, server_hostname="gate.test")
        except (ssl.SSLError, OSError):
            return  # refusing the handshake is a safe answer too
        f = tls.makefile("rwb")
        f.write(b"EHLO client.test\r\n")
        f.flush()
        first = f.readline()
        self.assertTrue(first.startswith(b"250-"), "first TLS reply should be the EHLO answer, got %r" % first)
        tls.close()

    def test_starttls_with_argument_is_501(self):
        c = self.session()
        self.assertEqual(c.cmd("STARTTLS now")[0], 501)


class SmtpSessionLimitsTest(GateTestCase):
    def test_idle_client_gets_421_after_command_timeout(self):
        gate = self.new_gate(sections={"smtp": {"command_timeout_seconds": "2"}})
        c = RawSmtp(gate.smtp_port, timeout=10)
        self.addCleanup(c.close)
        self.assertEqual(c.reply()[0], 220)
        # Answering until the client goes quiet: the 421 comes from the idle timer, not at once.
        self.assertEqual(c.cmd("NOOP")[0], 250)
        code, _ = c.reply()  # nothing more sent: the server must time us out
        self.assertEqual(code, 421)
        self.assertTrue(c.closed_by_peer())

    def test_sessions_over_max_sessions_get_421(self):
        gate = self.new_gate(sections={"smtp": {"max_sessions": "2"}})
        held = open_sessions(self, gate, 2)
        extra = RawSmtp(gate.smtp_port)
        self.addCleanup(extra.close)
        self.assertEqual(extra.reply()[0], 421)
        self.assertTrue(extra.closed_by_peer())
        held[0].cmd("QUIT")
        held[0].close()

        def admitted():
            c = RawSmtp(gate.smtp_port)
            try:
                return c.reply()[0] == 220
            finally:
                c.close()
        poll(admitted, 5, interval=0.1, what="a session slot after QUIT")


if __name__ == "__main__":
    unittest.main()
