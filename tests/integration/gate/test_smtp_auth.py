"""smtp.require_auth: AUTH PLAIN/LOGIN against the gate's operator users, only after STARTTLS,
and no MAIL without it — against the real mailgated."""
import smtplib
import unittest

from harness import GateTestCase, make_message, unverified_tls

PASSWORD = "correct horse battery"



class SmtpAuthTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()
        self.gate = self.new_gate(upstream_port=self.sink.port, sections={"smtp": {"require_auth": "true"}})
        self.gate.api_json("POST", "/api/v1/users",
                           {"username": "alice", "password": PASSWORD, "role": "reviewer"}, expect=201)

    def client(self):
        s = smtplib.SMTP("127.0.0.1", self.gate.smtp_port, timeout=10)
        self.addCleanup(s.close)
        return s

    def test_mail_without_auth_is_refused_with_530(self):
        s = self.client()
        s.ehlo("client.test")
        self.assertNotIn("auth", s.esmtp_features, "AUTH must not be offered before STARTTLS")
        code, _ = s.docmd("MAIL FROM:<alice@lan.test>")
        self.assertEqual(code, 530)

    def test_auth_after_starttls_with_a_real_user_delivers(self):
        for mechanism in ("PLAIN", "LOGIN"):
            with self.subTest(mechanism=mechanism):
                s = self.client()
                s.starttls(context=unverified_tls())
                s.ehlo("client.test")
                self.assertIn("auth", s.esmtp_features)
                s.user, s.password = "alice", PASSWORD
                code, _ = s.auth(mechanism, getattr(s, "auth_" + mechanism.lower()), initial_response_ok=True)
                self.assertEqual(code, 235)
                subject = "authenticated " + mechanism
                s.sendmail("alice@lan.test", ["bob@example.org"], make_message(subject))
                held = [m for m in self.gate.messages("held") if m["subject"] == subject]
                self.assertEqual(len(held), 1)

    def test_wrong_password_and_unknown_user_get_535(self):
        for user, password in (("alice", "wrong password!"), ("mallory", PASSWORD)):
            with self.subTest(user=user):
                s = self.client()
                s.starttls(context=unverified_tls())
                s.ehlo("client.test")
                with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
                    s.login(user, password)
                self.assertEqual(cm.exception.smtp_code, 535)
        # The password never reaches the log.
        self.assertNotIn(PASSWORD, self.gate.log_text())
        self.assertNotIn("wrong password!", self.gate.log_text())


if __name__ == "__main__":
    unittest.main()
