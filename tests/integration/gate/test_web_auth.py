"""The web page's auth (CONTRACT §1 first start, §4 Auth): the setup code makes the first
admin once; sessions by cookie with a CSRF token on every state change; roles on every
endpoint; login throttling with 429 + Retry-After; PBKDF2 hashes upgraded at login; every
login, logout and failure audited."""
import base64
import hashlib
import os
import re
import subprocess
import sqlite3
import unittest

from harness import GateTestCase, http, run_mailgatectl

PASSWORD = "correct horse battery"

# Every state-changing endpoint of CONTRACT §4 (and the extensions in docs/api.md), with the
# least role that may call it. Path parameters point at things that need not exist: the
# checks come before the handler looks.
STATE_CHANGING = [
    ("DELETE", "/api/v1/session", "reviewer"),
    ("PATCH", "/api/v1/messages/1", "reviewer"),
    ("POST", "/api/v1/messages/1/release", "reviewer"),
    ("POST", "/api/v1/messages/1/discard", "reviewer"),
    ("POST", "/api/v1/messages/1/undiscard", "reviewer"),
    ("POST", "/api/v1/messages/release", "reviewer"),
    ("POST", "/api/v1/messages/discard", "reviewer"),
    ("POST", "/api/v1/notifications/1/ack", "reviewer"),
    ("POST", "/api/v1/rules/dry-run", "reviewer"),
    ("POST", "/api/v1/accounts", "admin"),
    ("PATCH", "/api/v1/accounts/1", "admin"),
    ("DELETE", "/api/v1/accounts/1", "admin"),
    ("POST", "/api/v1/accounts/1/test", "admin"),
    ("POST", "/api/v1/rules", "admin"),
    ("PATCH", "/api/v1/rules/1", "admin"),
    ("DELETE", "/api/v1/rules/1", "admin"),
    ("POST", "/api/v1/users", "admin"),
    ("PATCH", "/api/v1/users/nobody", "admin"),
    ("DELETE", "/api/v1/users/nobody", "admin"),
    ("POST", "/api/v1/tokens", "admin"),
    ("DELETE", "/api/v1/tokens/999", "admin"),
    ("POST", "/api/v1/backups", "admin"),
    ("POST", "/api/v1/session/totp", "reviewer"),
    ("POST", "/api/v1/session/totp/confirm", "reviewer"),
    ("DELETE", "/api/v1/session/totp", "reviewer"),
    ("POST", "/api/v1/session/totp/recovery-codes", "reviewer"),
    ("DELETE", "/api/v1/users/nobody/totp", "admin"),
]


def cookie_of(response):
    """(value, attributes) of the mg_session Set-Cookie, attributes lower-cased."""
    for header in response.headers.get_all("Set-Cookie") or []:
        parts = [p.strip() for p in header.split(";")]
        name, _, value = parts[0].partition("=")
        if name == "mg_session":
            return value, [p.lower() for p in parts[1:]]
    return None, []


class Browser:
    """What a page holds after logging in: the cookie and the CSRF token."""

    def __init__(self, gate, cookie, csrf):
        self.gate, self.cookie, self.csrf = gate, cookie, csrf

    def call(self, method, path, body=None, csrf=True):
        headers = {"Cookie": "mg_session=" + self.cookie}
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf if csrf is True else csrf
        if body is None and method != "GET" and method != "DELETE":
            body = {}
        return http(method, self.gate.url(path), body=body, headers=headers)


def login(gate, user, password=PASSWORD):
    r = http("POST", gate.url("/api/v1/session"), body={"username": user, "password": password})
    if r.status != 200:
        raise AssertionError("login of %s -> %r" % (user, r))
    cookie, _ = cookie_of(r)
    return Browser(gate, cookie, r.json()["csrf_token"])


def add_user(gate, name, role):
    gate.api_json("POST", "/api/v1/users", {"username": name, "password": PASSWORD, "role": role}, expect=201)


def stored_hash(gate, user):
    with sqlite3.connect(os.path.join(gate.data_dir, "mailgate.db")) as db:
        return db.execute("SELECT password_hash FROM users WHERE username = ?", (user,)).fetchone()[0]


class SetupTest(GateTestCase):
    def test_setup_code_makes_the_first_admin_once(self):
        gate = self.new_gate()
        code_path = os.path.join(gate.data_dir, "setup-code")
        self.assertEqual(os.stat(code_path).st_mode & 0o777, 0o600)
        with open(code_path) as f:
            code = f.read().strip()
        self.assertIn(code, gate.log_text(), "the code is in the log too")
        url = gate.url("/api/v1/setup")
        self.assertEqual(http("GET", url).json(), {"needed": True})

        wrong = http("POST", url, body={"code": "0" * len(code), "username": "root", "password": PASSWORD})
        self.assertEqual(wrong.status, 403, wrong)
        short = http("POST", url, body={"code": code, "username": "root", "password": "short"})
        self.assertEqual(short.status, 400, short)
        self.assertTrue(os.path.exists(code_path), "a refused form leaves the code usable")

        ok = http("POST", url, body={"code": code, "username": "root", "password": PASSWORD})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(ok.json()["user"], "root")
        self.assertEqual(ok.json()["role"], "admin")
        self.assertFalse(os.path.exists(code_path), "the code is deleted once used")
        self.assertEqual(http("GET", url).json(), {"needed": False})
        cookie, _ = cookie_of(ok)
        page = Browser(gate, cookie, ok.json()["csrf_token"])
        self.assertEqual(page.call("GET", "/api/v1/session").json()["user"], "root")

        again = http("POST", url, body={"code": code, "username": "other", "password": PASSWORD})
        self.assertEqual(again.status, 409, again)
        actions = [(e["user"], e["action"]) for e in gate.audit()]
        self.assertIn(("setup", "login.failed"), actions)
        self.assertIn(("setup", "user.create"), actions)
        self.assertIn(("root", "login"), actions)


class SessionTest(GateTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def setUp(self):
        self.gate = self.new_gate(sections={"limits": {"login_attempts": "5", "login_window_seconds": "900"}})
        add_user(self.gate, "alice", "admin")
        add_user(self.gate, "rita", "reviewer")

    def test_cookie_flags_and_answer(self):
        r = http("POST", self.gate.url("/api/v1/session"), body={"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual((body["user"], body["role"]), ("alice", "admin"))
        self.assertGreaterEqual(len(body["csrf_token"]), 32)
        value, attrs = cookie_of(r)
        self.assertTrue(value)
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        self.assertIn("path=/", attrs)
        self.assertNotIn("secure", attrs, "plain HTTP here: Secure only under TLS (TlsSessionTest)")
        self.assertFalse(any(a.startswith("domain") for a in attrs))
        self.assertNotIn(body["csrf_token"], value)

    def test_wrong_password_unknown_user_and_audit(self):
        url = self.gate.url("/api/v1/session")
        bad = http("POST", url, body={"username": "alice", "password": "wrong password!"})
        self.assertEqual(bad.status, 401, bad)
        self.assertEqual(bad.content_type, "application/problem+json")
        self.assertIsNone(cookie_of(bad)[0])
        nobody = http("POST", url, body={"username": "mallory", "password": PASSWORD})
        self.assertEqual(nobody.status, 401)
        self.assertEqual(bad.json()["detail"], nobody.json()["detail"], "the answer does not tell names apart")
        page = login(self.gate, "alice")
        self.assertEqual(page.call("DELETE", "/api/v1/session").status, 204)
        entries = [(e["user"], e["action"]) for e in self.gate.audit()]
        for expected in [("alice", "login.failed"), ("mallory", "login.failed"), ("alice", "login"), ("alice", "logout")]:
            self.assertIn(expected, entries)

    def test_sixth_bad_login_in_the_window_gets_429(self):
        url = self.gate.url("/api/v1/session")
        for i in range(5):
            r = http("POST", url, body={"username": "rita", "password": "guess number %d" % i})
            self.assertEqual(r.status, 401, (i, r))
        sixth = http("POST", url, body={"username": "rita", "password": "guess number 6"})
        self.assertEqual(sixth.status, 429, sixth)
        self.assertGreater(int(sixth.headers["Retry-After"]), 0)
        self.assertLessEqual(int(sixth.headers["Retry-After"]), 900)
        # Locked means locked: the right password from this address waits too...
        self.assertEqual(http("POST", url, body={"username": "rita", "password": PASSWORD}).status, 429)
        # ...while another user from the same address still may (the per-address limit is higher).
        self.assertEqual(http("POST", url, body={"username": "alice", "password": PASSWORD}).status, 200)
        metrics = http("GET", self.gate.url("/metrics")).body.decode()
        self.assertIn('mailgate_rate_limited_total{endpoint="web_login"}', metrics)

    def test_every_state_change_needs_auth_csrf_and_role(self):
        admin = login(self.gate, "alice")
        reviewer = login(self.gate, "rita")
        for method, path, role in STATE_CHANGING:
            with self.subTest(method=method, path=path):
                anonymous = http(method, self.gate.url(path), body={} if method != "DELETE" else None)
                self.assertEqual(anonymous.status, 401, anonymous)
                self.assertEqual(admin.call(method, path, csrf=False).status, 403, "no CSRF token")
                self.assertEqual(admin.call(method, path, csrf="x" * 43).status, 403, "wrong CSRF token")
                self.assertEqual(reviewer.call(method, path, csrf=False).status, 403, "no CSRF token")
                if role == "admin":
                    r = reviewer.call(method, path)
                    self.assertEqual(r.status, 403, r)
                    self.assertIn("admin", r.json()["detail"])
        # With the token the same calls get past the checks (to their own answer).
        self.assertEqual(admin.call("POST", "/api/v1/messages/release", {"ids": [999999]}).status, 200)
        self.assertEqual(reviewer.call("POST", "/api/v1/messages/999999/discard").status, 404)
        self.assertEqual(admin.call("DELETE", "/api/v1/tokens/999").status, 404)
        # Reading needs no CSRF token, and a reviewer may not read admin pages.
        self.assertEqual(reviewer.call("GET", "/api/v1/messages", csrf=False).status, 200)
        self.assertEqual(reviewer.call("GET", "/api/v1/users", csrf=False).status, 403)
        self.assertEqual(admin.call("GET", "/api/v1/users", csrf=False).status, 200)

    def test_logout_ends_the_session(self):
        page = login(self.gate, "alice")
        self.assertEqual(page.call("GET", "/api/v1/session").status, 200)
        r = page.call("DELETE", "/api/v1/session")
        self.assertEqual(r.status, 204)
        value, attrs = cookie_of(r)
        self.assertEqual(value, "")
        self.assertIn("max-age=0", attrs)
        self.assertEqual(page.call("GET", "/api/v1/session").status, 401)
        self.assertEqual(page.call("POST", "/api/v1/messages/release", {"ids": []}).status, 401)

    def test_password_change_ends_sessions_and_role_change_applies_at_once(self):
        page = login(self.gate, "rita")
        self.assertEqual(page.call("GET", "/api/v1/session").json()["role"], "reviewer")
        self.gate.api_json("PATCH", "/api/v1/users/rita", {"role": "admin"})
        self.assertEqual(page.call("GET", "/api/v1/users").status, 200, "promoted on the next request")
        self.gate.api_json("PATCH", "/api/v1/users/rita", {"password": "another long password"})
        self.assertEqual(page.call("GET", "/api/v1/session").status, 401)
        login(self.gate, "rita", "another long password")
        run_mailgatectl(self.gate, "user", "remove", "rita")
        self.assertEqual(http("POST", self.gate.url("/api/v1/session"),
                              body={"username": "rita", "password": "another long password"}).status, 401)

    def test_old_hash_is_upgraded_at_login(self):
        self.assertTrue(stored_hash(self.gate, "alice").startswith("pbkdf2-sha256$600000$"), "new users at 600,000")
        salt = os.urandom(16)
        derived = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), salt, 150000, 32)
        old = "pbkdf2-sha256$150000$%s$%s" % (base64.b64encode(salt).decode(), base64.b64encode(derived).decode())
        with sqlite3.connect(os.path.join(self.gate.data_dir, "mailgate.db")) as db:
            db.execute("UPDATE users SET password_hash = ? WHERE username = 'rita'", (old,))
        login(self.gate, "rita")
        upgraded = stored_hash(self.gate, "rita")
        self.assertTrue(upgraded.startswith("pbkdf2-sha256$600000$"), upgraded)
        login(self.gate, "rita")  # and the upgraded hash still takes the same password


class TlsSessionTest(GateTestCase):
    def test_cookie_is_secure_under_tls(self):
        gate = self.new_gate(sections={"web": {"tls": "self-signed"}})
        add_user(gate, "alice", "admin")
        r = http("POST", gate.url("/api/v1/session"), body={"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        _, attrs = cookie_of(r)
        self.assertIn("secure", attrs)
        self.assertIn("httponly", attrs)

        # The certificate names the box as the LAN reaches it, and `mailgatectl status` shows
        # the fingerprint a user compares with the browser's warning.
        cert = os.path.join(gate.data_dir, "tls", "cert.pem")
        out = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-ext", "subjectAltName",
                              "-fingerprint", "-sha256"], capture_output=True, text=True, check=True).stdout
        self.assertIn("DNS:mailgate.local", out)
        self.assertIn("IP Address:127.0.0.1", out)
        fingerprint = "SHA256:" + re.search(r"(?i)sha256 Fingerprint=([0-9A-F:]+)", out).group(1)
        status = run_mailgatectl(gate, "status")
        self.assertIn("certificate    " + fingerprint, status.out)
        self.assertEqual(gate.api_json("GET", "/api/v1/status")["tls_fingerprint"], fingerprint)


if __name__ == "__main__":
    unittest.main()
