"""The optional TOTP second factor (RFC 6238) of CONTRACT §4 Auth, driven as an authenticator
app would: the secret from the enrolment URI, codes computed here with the stdlib, recovery
codes spent once, an admin's reset, every step audited."""
import base64
import hashlib
import hmac
from http.client import HTTPConnection
import json
import struct
import time
import unittest
import urllib.parse

from harness import GateTestCase, http
from test_web_auth import PASSWORD, add_user, login


def totp(secret_b32, step):
    """The 6-digit code of 30-second step `step` (RFC 6238 over RFC 4226, HMAC-SHA1)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def current_step():
    return int(time.time()) // 30


def not_a_code(secret):
    """Six digits that are no code of the steps around now (so certainly wrong)."""
    near = {totp(secret, current_step() + d) for d in range(-3, 4)}
    return next("%06d" % n for n in range(1000000) if "%06d" % n not in near)


def login_from(gate, source, user, code):
    """POST /api/v1/session from another loopback address (127.0.0.x): the status."""
    conn = HTTPConnection("127.0.0.1", gate.web_port, timeout=15, source_address=(source, 0))
    try:
        conn.request("POST", "/api/v1/session", json.dumps({"username": user, "password": PASSWORD, "totp": code}),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        r.close()
        return r.status
    finally:
        conn.close()


def session_login(gate, user, password=PASSWORD, code=None):
    body = {"username": user, "password": password}
    if code is not None:
        body["totp"] = code
    return http("POST", gate.url("/api/v1/session"), body=body)


class TotpTest(GateTestCase):
    def setUp(self):
        self.gate = self.new_gate(sections={"limits": {"login_attempts": "5", "login_window_seconds": "900"}})
        add_user(self.gate, "alice", "admin")
        add_user(self.gate, "rita", "reviewer")

    def enrol(self, user):
        """Turns TOTP on for `user`; returns (page, secret, recovery codes, step used to confirm)."""
        page = login(self.gate, user)
        self.assertFalse(page.call("GET", "/api/v1/session").json()["totp"])
        wrong = page.call("POST", "/api/v1/session/totp", {"password": "not the password"})
        self.assertEqual(wrong.status, 403, wrong)
        r = page.call("POST", "/api/v1/session/totp", {"password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        secret, uri = r.json()["secret"], r.json()["uri"]
        parsed = urllib.parse.urlparse(uri)
        self.assertEqual((parsed.scheme, parsed.netloc), ("otpauth", "totp"))
        self.assertEqual(urllib.parse.unquote(parsed.path), "/mailgate:" + user)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        self.assertEqual(query, {"secret": secret, "issuer": "mailgate", "algorithm": "SHA1", "digits": "6",
                                 "period": "30"})
        self.assertEqual(len(base64.b32decode(secret + "=" * (-len(secret) % 8))), 20, "160-bit secret")
        # Not on until the app proves it has the secret.
        self.assertFalse(page.call("GET", "/api/v1/session").json()["totp"])
        self.assertEqual(session_login(self.gate, user).status, 200, "pending is not on")
        step = current_step()
        other = login(self.gate, user)  # a session made with the password alone
        bad = page.call("POST", "/api/v1/session/totp/confirm", {"code": not_a_code(secret)})
        self.assertEqual(bad.status, 400, bad)
        ok = page.call("POST", "/api/v1/session/totp/confirm", {"code": totp(secret, step)})
        self.assertEqual(ok.status, 200, ok)
        codes = ok.json()["recovery_codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for c in codes:
            self.assertRegex(c, r"^([a-z2-7]{4}-){3}[a-z2-7]{4}$")
        self.assertTrue(page.call("GET", "/api/v1/session").json()["totp"])
        self.assertEqual(other.call("GET", "/api/v1/session").status, 401, "turning it on ends the other sessions")
        refused = page.call("POST", "/api/v1/session/totp", {"password": PASSWORD})
        self.assertEqual(refused.status, 409, "a new phone only after turning it off")
        again = page.call("POST", "/api/v1/session/totp/confirm", {"code": totp(secret, step)})
        self.assertEqual(again.status, 409, "nothing pending any more")
        return page, secret, codes, step

    def test_enrol_then_login_needs_the_code_once(self):
        page, secret, _, confirmed_step = self.enrol("alice")
        listed = {u["username"]: u["totp"] for u in page.call("GET", "/api/v1/users").json()["items"]}
        self.assertEqual(listed, {"alice": True, "rita": False})

        # The password alone now gets a 401 that asks for the code; it is not a failed login.
        r = session_login(self.gate, "alice")
        self.assertEqual(r.status, 401, r)
        self.assertIs(r.json()["totp_required"], True)
        self.assertEqual(r.headers.get_all("Set-Cookie"), None)
        # A wrong password with a right-looking code is just a wrong password.
        r = session_login(self.gate, "alice", "not the password", totp(secret, current_step()))
        self.assertEqual(r.status, 401)
        self.assertNotIn("totp_required", r.json())
        # The step that confirmed the enrolment is used up: a code is never accepted twice.
        self.assertEqual(session_login(self.gate, "alice", code=totp(secret, confirmed_step)).status, 401)
        # The next step's code is within the window (a phone a little ahead) and logs in...
        next_step = max(current_step(), confirmed_step) + 1
        ok = session_login(self.gate, "alice", code=totp(secret, next_step))
        self.assertEqual(ok.status, 200, ok)
        self.assertNotIn("recovery_codes_left", ok.json())
        # ...once.
        replay = session_login(self.gate, "alice", code=totp(secret, next_step))
        self.assertEqual(replay.status, 401, replay)
        self.assertIs(replay.json()["totp_required"], True)
        entries = [(e["user"], e["action"], e["details"]) for e in self.gate.audit()]
        actions = [(u, a) for u, a, _ in entries]
        for expected in [("alice", "totp.enroll"), ("alice", "totp.enable"), ("alice", "login")]:
            self.assertIn(expected, actions)
        self.assertTrue(any(a == "login.failed" and "wrong second factor" in str(d) for _, a, d in entries), entries)

    def test_wrong_codes_count_as_failed_logins(self):
        _, secret, _, confirmed_step = self.enrol("rita")
        # A good login forgives this user's earlier failures (enrol made a wrong password and a
        # wrong first code): the count below starts from zero.
        good_step = max(current_step(), confirmed_step) + 1
        self.assertEqual(session_login(self.gate, "rita", code=totp(secret, good_step)).status, 200)
        wrong = not_a_code(secret)
        for i in range(5):
            r = session_login(self.gate, "rita", code=wrong if i % 2 else "12345x")
            self.assertEqual(r.status, 401, (i, r))
            self.assertIs(r.json()["totp_required"], True)
        sixth = session_login(self.gate, "rita", code=totp(secret, good_step + 1))
        self.assertEqual(sixth.status, 429, "the sixth failure in the window is throttled, right code or not")
        self.assertGreater(int(sixth.headers["Retry-After"]), 0)

    def test_wrong_codes_are_limited_per_user_over_all_addresses(self):
        _, secret, _, confirmed_step = self.enrol("rita")
        # The per-user count of wrong codes is 10 here (twice login_attempts); the wrong first
        # code at enrolment was one. Five more from one address, four from another: no
        # address reaches its own limit of five, the user's count reaches ten.
        for source, tries in (("127.0.0.2", 5), ("127.0.0.3", 4)):
            for i in range(tries):
                self.assertEqual(login_from(self.gate, source, "rita", not_a_code(secret)), 401, (source, i))
        good = totp(secret, max(current_step(), confirmed_step) + 1)
        self.assertEqual(login_from(self.gate, "127.0.0.4", "rita", good), 429,
                         "a third address with the right code waits: the codes are locked for the user")
        reasons = [e["details"] for e in self.gate.audit() if e["action"] == "login.failed"]
        self.assertTrue(any("second factor locked" in str(d) for d in reasons), reasons)

    def test_recovery_code_works_once_and_new_ones_replace_old(self):
        page, _, codes, _ = self.enrol("rita")
        ok = session_login(self.gate, "rita", code=codes[3].upper().replace("-", " "))
        self.assertEqual(ok.status, 200, "typed in capitals with a space: still the code")
        self.assertEqual(ok.json()["recovery_codes_left"], 9)
        self.assertEqual(session_login(self.gate, "rita", code=codes[3]).status, 401, "spent")
        self.assertEqual(session_login(self.gate, "rita", code=codes[4]).json()["recovery_codes_left"], 8)
        via = [e["details"] for e in self.gate.audit() if e["user"] == "rita" and e["action"] == "login"]
        self.assertTrue(any("recovery_code" in str(d) for d in via), via)

        fresh = page.call("POST", "/api/v1/session/totp/recovery-codes", {"password": PASSWORD})
        self.assertEqual(fresh.status, 200, fresh)
        new_codes = fresh.json()["recovery_codes"]
        self.assertEqual(len(new_codes), 10)
        self.assertEqual(session_login(self.gate, "rita", code=codes[5]).status, 401, "the old set is gone")
        self.assertEqual(session_login(self.gate, "rita", code=new_codes[0]).json()["recovery_codes_left"], 9)

    def test_turn_off_and_admin_reset(self):
        page, secret, _, _ = self.enrol("rita")
        self.assertEqual(page.call("DELETE", "/api/v1/session/totp", {"password": "wrong password!"}).status, 403)
        self.assertEqual(page.call("DELETE", "/api/v1/session/totp", {"password": PASSWORD}).status, 204)
        self.assertEqual(session_login(self.gate, "rita").status, 200, "off: the password is enough")
        self.assertEqual(page.call("POST", "/api/v1/session/totp/recovery-codes", {"password": PASSWORD}).status, 409)

        page, secret, _, _ = self.enrol("rita")
        # A lost phone: an admin resets it, and the sessions made with the old factor end.
        admin = login(self.gate, "alice")
        self.assertEqual(page.call("DELETE", "/api/v1/users/alice/totp").status, 403, "a reviewer may not")
        self.assertEqual(admin.call("DELETE", "/api/v1/users/nobody/totp").status, 404)
        self.assertEqual(admin.call("DELETE", "/api/v1/users/rita/totp").status, 204)
        self.assertEqual(page.call("GET", "/api/v1/session").status, 401)
        self.assertEqual(session_login(self.gate, "rita").status, 200)
        # An admin resetting their own: this session stays, another of theirs ends.
        admin_page, _, _, _ = self.enrol("alice")
        self.assertEqual(admin_page.call("DELETE", "/api/v1/users/alice/totp").status, 204)
        self.assertEqual(admin_page.call("GET", "/api/v1/session").status, 200)
        self.assertEqual(admin.call("GET", "/api/v1/session").status, 401)
        actions = [(e["user"], e["action"]) for e in self.gate.audit()]
        for expected in [("rita", "totp.disable"), ("alice", "user.totp_reset")]:
            self.assertIn(expected, actions)

    def test_tokens_have_no_second_factor_to_enrol(self):
        r = self.gate.api("POST", "/api/v1/session/totp", {"password": PASSWORD})
        self.assertEqual(r.status, 403, r)
        # And a bearer token keeps working for a user with TOTP on (the CLI's way in).
        self.enrol("alice")
        self.assertEqual(self.gate.api("GET", "/api/v1/messages").status, 200)

    def test_secret_is_sealed_at_rest(self):
        import os
        import sqlite3
        _, secret, codes, _ = self.enrol("alice")
        with sqlite3.connect(os.path.join(self.gate.data_dir, "mailgate.db")) as db:
            row = db.execute("SELECT totp_secret, recovery_codes FROM users WHERE username = 'alice'").fetchone()
        stored = " ".join(row)
        self.assertTrue(row[0].startswith("v1:"), "a SecretBox blob")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.assertNotIn(secret, stored)
        self.assertNotIn(base64.b64encode(key).decode(), stored)
        for c in codes:
            self.assertNotIn(c, stored)


if __name__ == "__main__":
    unittest.main()
