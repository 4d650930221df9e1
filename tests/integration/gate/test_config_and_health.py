"""--check-config, start-up errors (port in use, second daemon), /healthz, /healthz/config,
/api/v1/smtp/health, auth (401) and problem+json errors, SIGTERM exit."""
import os
import re
import socket
import subprocess
import time
import unittest

from harness import Gate, GateTestCase, free_port, http, make_message, mailgated_path, submit

NO_CRASH_TEXT = re.compile(r"Traceback|terminate called|what\(\)|Segmentation|Aborted|core dumped|\bat 0x", re.I)


def run(args, timeout=20):
    return subprocess.run([mailgated_path()] + args, capture_output=True, timeout=timeout, text=True)


class CheckConfigTest(GateTestCase):
    def gate_config(self, **kw):
        g = Gate(**kw)
        self.addCleanup(g.close)
        return g

    def test_good_config_exits_0_and_starts_nothing(self):
        g = self.gate_config()
        p = run(["--config", g.config_path, "--check-config"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotRegex(p.stdout + p.stderr, NO_CRASH_TEXT)
        # Nothing was started: both ports are still free.
        for port in (g.smtp_port, g.web_port):
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))

    def test_every_problem_on_its_own_line_naming_the_key(self):
        g = self.gate_config(sections={"smtp": {"max_recipients": "lots", "bogus_key": "1"},
                                       "web": {"tls": "sometimes"}})
        p = run(["--config", g.config_path, "--check-config"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        out = p.stdout + p.stderr
        self.assertNotRegex(out, NO_CRASH_TEXT)
        lines = [l for l in out.splitlines() if l.strip()]
        for key in ("smtp.max_recipients", "smtp.bogus_key", "web.tls"):
            hits = [l for l in lines if key in l]
            self.assertEqual(len(hits), 1, "one line naming %s expected in:\n%s" % (key, out))
        self.assertFalse(any("smtp.hostname" in l for l in lines), out)  # fine keys are not reported

    def test_port_in_use_is_reported_by_check_config(self):
        g = self.gate_config()
        with socket.socket() as s:
            s.bind(("127.0.0.1", g.smtp_port))
            s.listen(1)
            p = run(["--config", g.config_path, "--check-config"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stdout + p.stderr, r"smtp\.listen")

    def test_missing_config_file(self):
        p = run(["--config", "/nonexistent/mailgate.ini", "--check-config"])
        self.assertEqual(p.returncode, 1)
        self.assertIn("/nonexistent/mailgate.ini", p.stdout + p.stderr)
        self.assertNotRegex(p.stdout + p.stderr, NO_CRASH_TEXT)

    def test_version_and_help(self):
        for flag in ("--version", "--help"):
            p = run([flag])
            self.assertEqual(p.returncode, 0, flag)
            self.assertTrue(p.stdout.strip(), flag)
        self.assertRegex(run(["--version"]).stdout, r"\d+\.\d+")


class StartupErrorTest(GateTestCase):
    def start_expecting_failure(self, g):
        g.start(wait=False)
        try:
            code = g.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.fail("mailgated kept running although it cannot start:\n" + g.log_tail())
        g.proc = None
        return code, g.log_text()

    def test_smtp_port_in_use_gives_one_line_and_nonzero_exit(self):
        g = self.new_gate(start=False)
        with socket.socket() as s:
            s.bind(("127.0.0.1", g.smtp_port))
            s.listen(1)
            code, log = self.start_expecting_failure(g)
        self.assertNotEqual(code, 0)
        self.assertNotRegex(log, NO_CRASH_TEXT)
        want = "mailgated: smtp.listen 127.0.0.1:%d: address already in use" % g.smtp_port
        hits = [l for l in log.splitlines() if "address already in use" in l]
        self.assertEqual(len(hits), 1, log)
        self.assertIn(want, hits[0])

    def test_web_port_in_use_gives_one_line_and_nonzero_exit(self):
        g = self.new_gate(start=False)
        with socket.socket() as s:
            s.bind(("127.0.0.1", g.web_port))
            s.listen(1)
            code, log = self.start_expecting_failure(g)
        self.assertNotEqual(code, 0)
        self.assertNotRegex(log, NO_CRASH_TEXT)
        hits = [l for l in log.splitlines() if "address already in use" in l]
        self.assertEqual(len(hits), 1, log)
        self.assertIn("web.listen 127.0.0.1:%d" % g.web_port, hits[0])

    def test_second_daemon_on_the_same_data_dir_refuses(self):
        first = self.new_gate()
        second = self.new_gate(start=False)
        second.sections["storage"]["data_dir"] = first.data_dir
        second.write_config()
        code, log = self.start_expecting_failure(second)
        self.assertNotEqual(code, 0)
        self.assertNotRegex(log, NO_CRASH_TEXT)
        self.assertRegex(log, r"(?i)lock|already running|in use")
        self.assertTrue(first.running())
        self.assertEqual(http("GET", first.url("/healthz")).status, 200)

    def test_bad_config_at_start_names_the_key(self):
        g = self.new_gate(start=False, sections={"smtp": {"default_action": "bounce"}})
        code, log = self.start_expecting_failure(g)
        self.assertNotEqual(code, 0)
        self.assertIn("smtp.default_action", log)
        self.assertNotRegex(log, NO_CRASH_TEXT)


class HealthAndAuthTest(GateTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gate = cls.class_gate()

    def test_healthz_needs_no_auth_and_has_the_checks(self):
        r = http("GET", self.gate.url("/healthz"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "application/json")
        h = r.json()
        self.assertIn(h["status"], ("ok", "degraded"))
        for k in ("store", "smtp", "web", "watchers", "disk", "upstream", "backup"):
            self.assertIn(k, h["checks"])
        self.assertEqual(h["checks"]["store"], "ok")
        self.assertEqual(h["checks"]["smtp"], "ok")
        self.assertEqual(h["checks"]["web"], "ok")
        self.assertNotIn(self.gate.token, r.body.decode())
        self.assertNotIn(self.gate.data_dir, r.body.decode(), "no paths/secrets in the public health")

    def test_api_without_or_with_bad_token_is_401_problem(self):
        for path in ("/healthz/config", "/api/v1/smtp/health", "/api/v1/messages", "/api/v1/rules",
                     "/api/v1/audit"):
            self.assertProblem(self.gate.api("GET", path, token=None), 401)
            self.assertProblem(self.gate.api("GET", path, token="not-a-real-token"), 401)
        self.assertProblem(self.gate.api("POST", "/api/v1/messages/1/release", {}, token=None), 401)

    def test_healthz_config_with_auth(self):
        cfg = self.gate.api_json("GET", "/healthz/config")
        self.assertEqual(cfg["ok"], True, cfg)
        self.assertEqual(cfg["problems"], [])

    def test_smtp_health_counts_messages(self):
        before = self.gate.api_json("GET", "/api/v1/smtp/health")
        for k in ("status", "start_time", "uptime_seconds", "message_count", "error_count", "error_rate",
                  "last_message"):
            self.assertIn(k, before)
        submit(self.gate, make_message("counted %d" % time.monotonic_ns()))
        after = self.gate.api_json("GET", "/api/v1/smtp/health")
        self.assertEqual(after["message_count"], before["message_count"] + 1)
        self.assertIsNotNone(after["last_message"])
        self.assertGreaterEqual(after["uptime_seconds"], before["uptime_seconds"])

    def test_errors_are_problem_json(self):
        self.assertProblem(self.gate.api("GET", "/api/v1/messages/999999"), 404)
        self.assertProblem(self.gate.api("GET", "/api/v1/messages/not-a-number"), 400)
        r = self.gate.api("POST", "/api/v1/rules", b"{not json", headers={"Content-Type": "application/json"})
        self.assertProblem(r, 400)
        p = self.assertProblem(self.gate.api("GET", "/api/v1/messages?limit=0"), 400)
        self.assertEqual(p["status"], 400)

    def test_metrics_are_exported(self):
        r = http("GET", self.gate.url("/metrics"))
        self.assertEqual(r.status, 200)
        text = r.body.decode()
        for name in ("mailgate_build_info", "mailgate_smtp_sessions_active", "mailgate_held_messages"):
            self.assertRegex(text, r"(?m)^%s(\{|\s)" % name)


class ShutdownTest(GateTestCase):
    def test_sigterm_exits_0_and_unknown_key_is_reported_by_the_running_daemon(self):
        g = self.new_gate(start=False, sections={"smtp": {"not_a_key": "x"}})
        try:
            g.start()
        except AssertionError:
            # Refusing to start is also allowed, as long as the key is named.
            self.assertIn("smtp.not_a_key", g.log_text())
            return
        cfg = g.api_json("GET", "/healthz/config")
        self.assertEqual(cfg["ok"], False)
        self.assertIn("smtp.not_a_key", [p["key"] for p in cfg["problems"]])
        self.assertEqual(g.stop(timeout=10), 0, g.log_tail())  # stop() fails the test when it hangs
        self.assertNotRegex(g.log_text(), NO_CRASH_TEXT)


class TokenWritesTest(GateTestCase):
    """SD cards wear per write: a token's last_used_at is written at most once a minute."""

    def last_used(self, gate, name):
        import sqlite3
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(gate.data_dir, "mailgate.db"), uri=True, timeout=10)
        try:
            return db.execute("SELECT last_used_at FROM tokens WHERE name = ?", (name,)).fetchone()[0]
        finally:
            db.close()

    def test_a_token_used_twice_within_a_minute_is_written_once(self):
        gate = self.new_gate()
        r = gate.api("POST", "/api/v1/tokens", {"name": "sd-card", "role": "reviewer"})
        self.assertIn(r.status, (200, 201), r)
        tok = r.json()["token"]
        self.assertEqual(gate.api("GET", "/api/v1/messages", token=tok).status, 200)
        first = self.last_used(gate, "sd-card")
        self.assertGreater(first, 0)  # the first use is recorded ...
        for _ in range(5):
            self.assertEqual(gate.api("GET", "/api/v1/messages", token=tok).status, 200)
        self.assertEqual(self.last_used(gate, "sd-card"), first)  # ... the next ones are not written


if __name__ == "__main__":
    unittest.main()
