"""Backups, restore, undiscard and retention through the daemon and mailgatectl: the REST
endpoints, the CLI commands, a restore drill (a backup, more mail, restore, start: every held
message there with its bytes, the newer mail recovered), a damaged archive refused, a purged
message answering 410, spool import, and the audit commands."""
import json
import os
import re
import shutil
import subprocess
import unittest

from harness import GateTestCase, make_message, mailgatectl_path, poll, require_binaries, run_mailgatectl, submit


class BackupRestoreTest(GateTestCase):
    def setUp(self):
        require_binaries(mailgatectl_path())
        self.gate = self.new_gate()

    def ctl(self, *args, timeout=60):
        return run_mailgatectl(self.gate, *args, timeout=timeout)

    def assertCtlOk(self, p):
        self.assertEqual(p.returncode, 0, "mailgatectl failed:\nstdout: %s\nstderr: %s" % (p.out, p.err))

    def metric(self, text, name):
        m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.M)
        return float(m.group(1)) if m else None

    def test_backups_by_api_and_cli_are_listed_checked_and_counted(self):
        a = submit(self.gate, make_message("kept in the backup"))
        made = self.gate.api_json("POST", "/api/v1/backups", {}, expect=201)
        self.assertTrue(os.path.isfile(made["path"]), made)
        self.assertEqual(made["held"], 1)
        self.assertEqual(made["spool_files"], 1)
        listed = subprocess.run(["tar", "tzf", made["path"]], capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(listed[0], "mailgate.db")
        self.assertEqual(listed[-1], "manifest.json")

        p = self.ctl("backup", "now")
        self.assertCtlOk(p)
        second = p.out.strip()
        self.assertTrue(os.path.isfile(second), p.out)
        self.assertNotEqual(second, made["path"])
        p = self.ctl("backup", "list", "--json")
        self.assertCtlOk(p)
        rows = [json.loads(l) for l in p.out.splitlines()]
        self.assertEqual([r["path"] for r in rows], [second, made["path"]])  # newest first
        body = self.gate.api("GET", "/metrics").body.decode()
        self.assertEqual(self.metric(body, 'mailgate_backups_total{result="ok"}'), 2.0)
        self.assertGreater(self.metric(body, "mailgate_backup_last_success_timestamp_seconds"), 0)
        health = self.gate.api_json("GET", "/healthz", token=False)
        self.assertEqual(health["checks"]["backup"], "not_configured")  # this gate has no schedule
        # The audit says a backup was made on request.
        self.assertTrue(any(e["action"] == "backup.create" for e in self.gate.audit()))
        self.assertEqual(self.gate.message(a)["status"], "held")

    def test_a_scheduled_gate_makes_its_first_backup_at_start_and_reports_it(self):
        gate = self.new_gate(sections={"backup": {"interval_hours": "1", "dir": os.path.join(self.gate.tmp, "sched")}})
        submit(gate, make_message("in the scheduled backup"))
        poll(lambda: self.metric(gate.api("GET", "/metrics").body.decode(), 'mailgate_backups_total{result="ok"}') == 1.0
             or None, 30, what="the first scheduled backup")
        poll(lambda: gate.api_json("GET", "/healthz", token=False)["checks"]["backup"] == "ok" or None, 10,
             what="the backup check ok")
        listed = gate.api_json("GET", "/api/v1/backups")
        self.assertEqual(len(listed["items"]), 1)
        self.assertEqual(listed["interval_hours"], 1)
        self.assertIsNone(listed["last_error"])
        self.assertIsNotNone(listed["next_due_at"])

    def test_a_low_disk_is_one_critical_notification_per_episode(self):
        gate = self.new_gate(sections={"health": {"disk_min_free_bytes": str(1 << 50)}})
        poll(lambda: gate.api_json("GET", "/healthz", token=False)["checks"]["disk"] == "degraded" or None, 10,
             what="the disk check degraded")
        for _ in range(3):  # more evaluations of the same episode
            gate.api_json("GET", "/healthz", token=False)
        notes = [n for n in gate.api_json("GET", "/api/v1/notifications")["items"] if n["type"] == "disk_low"]
        self.assertEqual(len(notes), 1, notes)
        self.assertEqual(notes[0]["severity"], "critical")
        self.assertIn("SMTP answers 452", notes[0]["message"])

    def test_restore_drill_brings_back_every_held_message_and_keeps_newer_mail(self):
        first = make_message("held before the backup", b"first body\r\n")
        a = submit(self.gate, first)
        b = submit(self.gate, make_message("discarded after the backup"))
        made = self.gate.api_json("POST", "/api/v1/backups", {}, expect=201)
        later = make_message("arrived after the backup", b"later body\r\n")
        c = submit(self.gate, later)
        self.assertEqual(self.gate.discard(b).status, 200)

        # Refused while the daemon holds its lock; nothing changed.
        p = self.ctl("restore", made["path"])
        self.assertEqual(p.returncode, 1, p.out)
        self.assertIn("stopped", p.err)

        self.gate.stop()
        # A damaged copy is refused before anything is touched.
        broken = os.path.join(self.gate.tmp, "broken.tar.gz")
        shutil.copy(made["path"], broken)
        with open(broken, "r+b") as f:
            f.seek(os.path.getsize(broken) // 2)
            byte = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([byte[0] ^ 0x5A]))
        p = self.ctl("restore", broken)
        self.assertEqual(p.returncode, 1, p.out)
        self.assertIn("refused, nothing changed", p.err)
        self.assertEqual([n for n in os.listdir(self.gate.data_dir) if n.startswith("pre-restore-")], [])

        p = self.ctl("restore", made["path"])
        self.assertCtlOk(p)
        self.assertIn("1 spool file(s) newer than the backup were kept", p.out)
        aside = [n for n in os.listdir(self.gate.data_dir) if n.startswith("pre-restore-")]
        self.assertEqual(len(aside), 1)
        self.assertTrue(os.path.isfile(os.path.join(self.gate.data_dir, aside[0], "mailgate.db")))

        self.gate.start()
        self.assertEqual(self.gate.message(a)["status"], "held")
        self.assertEqual(self.gate.message(b)["status"], "held")  # as it was when the backup was made
        self.assertEqual(self.gate.raw(a), first.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n"))
        # The mail that came after the backup is recovered as held, with its bytes.
        recovered = [m for m in self.gate.messages("held") if m["subject"] == "arrived after the backup"]
        self.assertEqual(len(recovered), 1, self.gate.messages())
        self.assertIn(b"later body", self.gate.raw(recovered[0]["id"]))
        notes = self.gate.api_json("GET", "/api/v1/notifications")["items"]
        self.assertTrue(any(n["type"] == "recovered" and "1 message(s)" in n["message"] for n in notes), notes)
        del c

    def test_undiscard_until_retention_purges_then_gone(self):
        mid = submit(self.gate, make_message("discarded by mistake"))
        self.assertEqual(self.gate.discard(mid).status, 200)
        back = self.gate.api_json("POST", "/api/v1/messages/%d/undiscard" % mid, {})
        self.assertEqual(back["status"], "held")
        self.assertEqual(self.gate.message(mid)["status"], "held")
        self.assertTrue(any(e["action"] == "undiscard" and e["email_id"] == mid for e in self.gate.audit()))
        self.assertEqual(self.gate.discard(mid).status, 200)
        p = self.ctl("undiscard", str(mid))
        self.assertCtlOk(p)
        self.assertEqual(self.gate.message(mid)["status"], "held")
        self.assertProblem(self.gate.api("POST", "/api/v1/messages/999999/undiscard", {}), 404)

        # Retention that keeps one done message (the one discarded last): the reload applies it
        # at once, and the purged message is gone for good.
        self.assertEqual(self.gate.discard(mid).status, 200)
        p = self.ctl("retention", "--dry-run")
        self.assertCtlOk(p)
        self.assertIn("0 to purge", p.out)
        newer = submit(self.gate, make_message("discarded later"))
        self.assertEqual(self.gate.discard(newer).status, 200)
        self.gate.sections["retention"] = {"done_max_messages": "1"}
        self.gate.write_config()
        self.gate.proc.send_signal(1)  # SIGHUP
        poll(lambda: self.gate.api("GET", "/api/v1/messages/%d" % mid).status == 404 or None, 20,
             what="the discarded message purged")
        self.assertProblem(self.gate.api("POST", "/api/v1/messages/%d/undiscard" % mid, {}), 410)
        p = self.ctl("undiscard", str(mid))
        self.assertEqual(p.returncode, 1)
        self.assertIn("purged", p.err)

    def test_spool_import_holds_eml_files_once(self):
        src = os.path.join(self.gate.tmp, "import")
        os.makedirs(src)
        for i in range(3):
            with open(os.path.join(src, "m%d.eml" % i), "wb") as f:
                f.write(make_message("imported %d" % i))
        shutil.copy(os.path.join(src, "m0.eml"), os.path.join(src, "copy-of-m0.eml"))
        p = self.ctl("spool", "import", src)
        self.assertEqual(p.returncode, 1, p.out)  # the daemon runs: refused
        self.assertIn("stopped", p.err)
        self.gate.stop()
        p = self.ctl("spool", "import", src)
        self.assertCtlOk(p)
        self.assertIn("imported 3 message(s) as held, 1 already stored", p.out)
        p = self.ctl("spool", "import", src)
        self.assertCtlOk(p)
        self.assertIn("imported 0 message(s) as held, 4 already stored", p.out)
        self.gate.start()
        subjects = sorted(m["subject"] for m in self.gate.messages("held"))
        self.assertEqual(subjects, ["imported 0", "imported 1", "imported 2"])

    def test_audit_verify_and_export_and_user_commands(self):
        mid = submit(self.gate, make_message("audited"))
        self.assertEqual(self.gate.discard(mid).status, 200)
        pw = os.path.join(self.gate.tmp, "pw")
        with open(pw, "w") as f:
            f.write("a long enough password\n")
        p = self.ctl("user", "add", "carol", "--role", "reviewer", "--password-file", pw)
        self.assertCtlOk(p)
        with open(pw, "w") as f:
            f.write("another long password\n")
        p = self.ctl("user", "passwd", "carol", "--password-file", pw)
        self.assertCtlOk(p)
        changed = [e for e in self.gate.audit(action="user.update") if '"carol"' in e["details"]]
        self.assertEqual(len(changed), 1, changed)
        self.assertIn('"password_changed":true', changed[0]["details"])
        p = self.ctl("user", "remove", "carol")
        self.assertCtlOk(p)
        self.assertEqual(self.ctl("user", "remove", "carol").returncode, 1)

        p = self.ctl("audit", "verify")
        self.assertCtlOk(p)
        self.assertIn("audit log intact", p.out)
        p = self.ctl("audit", "export")
        self.assertCtlOk(p)
        entries = [json.loads(l) for l in p.out.splitlines()]
        seqs = [e["seq"] for e in entries]
        self.assertEqual(seqs, sorted(seqs))  # oldest first
        actions = [e["action"] for e in entries]
        for a in ("discard", "user.create", "user.update", "user.delete"):
            self.assertIn(a, actions)
        p = self.ctl("audit", "export", "--from", "2999-01-01")
        self.assertCtlOk(p)
        self.assertEqual(p.out, "")
        self.assertEqual(self.ctl("audit", "export", "--from", "yesterday").returncode, 2)


if __name__ == "__main__":
    unittest.main()
