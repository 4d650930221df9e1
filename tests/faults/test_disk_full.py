"""A full file system mid-DATA (RLIMIT_FSIZE under prlimit): the client gets a 4xx, nothing
acknowledged is lost, the daemon keeps running and accepts what fits again."""
import os
import smtplib
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration", "gate"))

from harness import GateTestCase, make_message, submit  # noqa: E402

LIMIT = 2 * 1024 * 1024  # bytes any one file of mailgated may reach


class DiskFullTest(GateTestCase):
    def test_a_message_that_does_not_fit_is_a_4xx_and_the_gate_goes_on(self):
        gate = self.new_gate(wrapper=["prlimit", "--fsize=%d" % LIMIT],
                             sections={"smtp": {"max_message_bytes": str(4 * LIMIT)}})
        before = submit(gate, make_message("fits before"))
        big = make_message("does not fit", (b"z" * 998 + b"\r\n") * (LIMIT // 1000 + 100))
        with smtplib.SMTP("127.0.0.1", gate.smtp_port, timeout=30) as s:
            s.ehlo("client.test")
            with self.assertRaises(smtplib.SMTPDataError) as refused:
                s.sendmail("sender@lan.test", ["rcpt@example.org"], big)
            self.assertEqual(refused.exception.smtp_code // 100, 4, refused.exception)
        # Still running, still accepting, and what was acknowledged is all there.
        self.assertTrue(gate.running())
        after = submit(gate, make_message("fits after"))
        subjects = sorted(m["subject"] for m in gate.messages("held"))
        self.assertEqual(subjects, ["fits after", "fits before"])
        self.assertEqual(gate.message(before)["status"], "held")
        self.assertEqual(gate.message(after)["status"], "held")
        self.assertIn("message not accepted", gate.log_text())
        self.assertEqual(os.listdir(os.path.join(gate.data_dir, "spool", "tmp")), [])  # no leftover


if __name__ == "__main__":
    unittest.main()
