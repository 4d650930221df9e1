"""mailgatectl against the running daemon (held, show, release, discard, token create, status),
offline token create, and the audit entries of release, discard and edit."""
import json
import os
import stat
import time
import unittest

from harness import (GateTestCase, delivery_barrier, make_message, mailgatectl_path, require_binaries,
                     run_mailgatectl, sink_form,
                     submit)


class CliTest(GateTestCase):
    def setUp(self):
        require_binaries(mailgatectl_path())
        self.sink = self.new_sink()
        self.gate = self.new_gate(upstream_port=self.sink.port)

    def ctl(self, *args, timeout=60):
        return run_mailgatectl(self.gate, *args, timeout=timeout)

    def assertCtlOk(self, p):
        self.assertEqual(p.returncode, 0, "mailgatectl failed:\nstdout: %s\nstderr: %s" % (p.out, p.err))

    def test_cli_token_file_is_private(self):
        st = os.stat(os.path.join(self.gate.data_dir, "cli.token"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)

    def test_held_show_release_discard(self):
        msg_a = make_message("cli release me", b".dot\r\nbody\r\n")
        a = submit(self.gate, msg_a)
        b = submit(self.gate, make_message("cli discard me"))

        p = self.ctl("held")
        self.assertCtlOk(p)
        self.assertIn("cli release me", p.out)
        self.assertIn("cli discard me", p.out)

        p = self.ctl("held", "--json")
        self.assertCtlOk(p)
        rows = [json.loads(l) for l in p.out.splitlines() if l.strip()]
        self.assertEqual(sorted(r["id"] for r in rows), sorted([a, b]))
        self.assertEqual({r["id"]: r["subject"] for r in rows}, {a: "cli release me", b: "cli discard me"})

        p = self.ctl("show", str(a))
        self.assertCtlOk(p)
        self.assertIn("cli release me", p.out)
        self.assertIn("rcpt@example.org", p.out)

        p = self.ctl("release", str(a))
        self.assertCtlOk(p)
        dumps = self.sink.wait_dumps(1)
        self.assertEqual(dumps[0].content, sink_form(msg_a))
        self.assertEqual(self.gate.message(a)["status"], "released")

        p = self.ctl("discard", str(b))
        self.assertCtlOk(p)
        self.assertEqual(self.gate.message(b)["status"], "discarded")

        p = self.ctl("held", "--json")
        self.assertCtlOk(p)
        self.assertEqual([l for l in p.out.splitlines() if l.strip()], [])

        # A second release is idempotent (success, nothing sent again).
        p = self.ctl("release", str(a))
        self.assertCtlOk(p)
        self.assertEqual(len(delivery_barrier(self.gate, self.sink)), 2)  # the first release and the barrier

    def test_release_unknown_id_fails_with_one_line(self):
        p = self.ctl("release", "987654")
        self.assertEqual(p.returncode, 1, p.out + p.err)
        lines = [l for l in p.err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.err)
        self.assertTrue(lines[0].startswith("mailgatectl:"), lines)
        self.assertNotIn("Traceback", p.err)

    def test_usage_error_exits_2(self):
        p = self.ctl("release")
        self.assertEqual(p.returncode, 2, p.out + p.err)
        p = self.ctl("frobnicate")
        self.assertEqual(p.returncode, 2, p.out + p.err)

    def test_release_failure_exits_1_with_the_reason(self):
        self.sink.stop()  # the upstream is down
        a = submit(self.gate, make_message("cli upstream down"))
        p = self.ctl("release", str(a))
        self.assertEqual(p.returncode, 1, p.out + p.err)
        self.assertTrue(p.err.strip())
        self.assertEqual(self.gate.message(a)["status"], "release_failed")

    def test_status(self):
        p = self.ctl("status")
        self.assertCtlOk(p)
        self.assertRegex(p.out, r"(?i)\b(ok|degraded)\b")

    def test_token_create_online_and_offline(self):
        p = self.ctl("token", "create", "ci-bot", "--role", "reviewer")
        self.assertCtlOk(p)
        tok = p.out.strip().splitlines()[-1].strip()
        self.assertGreater(len(tok), 15, p.out)
        r = self.gate.api("GET", "/api/v1/messages", token=tok)
        self.assertEqual(r.status, 200, r)
        self.assertProblem(self.gate.api("POST", "/api/v1/rules", {"name": "x", "scope": "smtp",
                                                                   "match": {}, "action": "hold",
                                                                   "priority": 1, "enabled": True},
                                         token=tok), 403)
        # Offline: with the daemon stopped the CLI writes the token into the data dir.
        self.assertEqual(self.gate.stop(), 0)
        p = self.ctl("token", "create", "offline-bot", "--role", "admin")
        self.assertCtlOk(p)
        offline = p.out.strip().splitlines()[-1].strip()
        self.gate.start()
        self.assertEqual(self.gate.api("GET", "/api/v1/rules", token=offline).status, 200)
        self.assertEqual(self.gate.api("GET", "/api/v1/messages", token=tok).status, 200)


class AuditTest(GateTestCase):
    def test_release_discard_edit_are_audited(self):
        sink = self.new_sink()
        gate = self.new_gate(upstream_port=sink.port)
        rel = submit(gate, make_message("audit release"))
        dis = submit(gate, make_message("audit discard"))
        ed = submit(gate, make_message("audit edit", b"original text\r\n"))

        self.assertEqual(gate.release(rel).status, 200)
        self.assertEqual(gate.discard(dis).status, 200)
        r = gate.api("PATCH", "/api/v1/messages/%d" % ed, {"subject": "audit edited"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json()["diff"])
        self.assertIn(b"Subject: audit edited", gate.raw(ed))
        self.assertIn(b"Subject: audit edit\r\n", gate.raw(ed, "original"))

        items = gate.audit(limit=100)
        by_action = {}
        for e in items:
            for k in ("seq", "at", "user", "action", "email_id", "details", "hash"):
                self.assertIn(k, e)
            by_action.setdefault(e["action"], []).append(e)
        self.assertEqual([e["email_id"] for e in by_action.get("release", [])], [rel])
        self.assertEqual([e["email_id"] for e in by_action.get("discard", [])], [dis])
        self.assertEqual([e["email_id"] for e in by_action.get("edit", [])], [ed])
        for a in ("release", "discard", "edit"):
            self.assertTrue(by_action[a][0]["user"], by_action[a][0])
        seqs = [e["seq"] for e in items]
        self.assertEqual(len(set(seqs)), len(seqs))
        only = gate.audit(action="discard")
        self.assertEqual([e["email_id"] for e in only], [dis])
        v = gate.api_json("GET", "/api/v1/audit/verify")
        self.assertEqual(v["ok"], True, v)
        self.assertGreaterEqual(v["entries"], 3)

        # The edited version is what gets released.
        self.assertEqual(gate.release(ed).status, 200)
        got = [d for d in sink.wait_dumps(2) if b"audit edited" in d.message]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0].content, sink_form(gate.raw(ed)))


if __name__ == "__main__":
    unittest.main()
