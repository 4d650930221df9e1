"""Every answer of the web server carries the security headers (CSP without inline code,
no framing, no referrer, nosniff), on every route and status; HSTS only under TLS."""
import unittest
import urllib.error
import urllib.request

from harness import GateTestCase, http, submit, unverified_tls

HOSTILE_HTML = (
    b"From: a@lan.test\r\nTo: b@example.org\r\nSubject: html part\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="B"\r\n\r\n'
    b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain words\r\n"
    b"--B\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"<p onclick=3D\"alert(1)\">Gr=FC=DFe</p><script>alert(2)</script><img src=3D\"http://203.0.113.9/t.gif\">\r\n"
    b"--B--\r\n")

PATHS = [
    ("/healthz", None),             # 200, no auth
    ("/api/v1/messages", None),     # 401 problem
    ("/api/v1/messages", "token"),  # 200 JSON
    ("/no/such/page", "token"),     # 404
]


def fetch(url, token=None, context=None):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=15, context=context) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


class SecurityHeadersTest(GateTestCase):
    def check(self, status, headers, tls):
        csp = headers.get("Content-Security-Policy", "")
        self.assertIn("frame-ancestors 'none'", csp, status)
        self.assertIn("script-src 'self'", csp)
        self.assertIn("object-src 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(headers.get("X-Content-Type-Options"), "nosniff")
        self.assertEqual(headers.get("Referrer-Policy"), "no-referrer")
        self.assertEqual(headers.get("X-Frame-Options"), "DENY")
        if tls:
            self.assertIn("max-age=", headers.get("Strict-Transport-Security", ""))
        else:
            self.assertIsNone(headers.get("Strict-Transport-Security"))

    def test_every_route_and_status_over_http(self):
        gate = self.new_gate()
        seen = set()
        for path, auth in PATHS:
            status, headers = fetch(gate.url(path), gate.token if auth else None)
            seen.add(status)
            self.check(status, headers, tls=False)
        self.assertEqual(seen, {200, 401, 404})

    def test_hsts_under_tls(self):
        gate = self.new_gate(sections={"web": {"tls": "self-signed"}})
        url = gate.url("/healthz")
        self.assertTrue(url.startswith("https://"), url)
        status, headers = fetch(url, context=unverified_tls())
        self.assertEqual(status, 200)
        self.check(status, headers, tls=True)


class HtmlPartTest(GateTestCase):
    """GET /api/v1/messages/{id}/html: the HTML part, decoded, under a policy of its own that
    the page may frame and that runs and fetches nothing."""

    def test_html_part_has_its_own_policy(self):
        gate = self.new_gate()
        mid = submit(gate, HOSTILE_HTML)
        r = gate.api("GET", "/api/v1/messages/%d/html" % mid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
        body = r.body.decode("utf-8")
        self.assertIn("Grüße", body, "transfer-decoded and converted to UTF-8")
        self.assertIn("<script>", body, "served as written: the frame's policy is what makes it harmless")
        csp = [p.strip() for p in r.headers["Content-Security-Policy"].split(";")]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("sandbox", csp)
        self.assertIn("frame-ancestors 'self'", csp)
        self.assertFalse(any(p.startswith("script-src") for p in csp))
        self.assertEqual(r.headers["X-Frame-Options"], "SAMEORIGIN")
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(r.headers["Cache-Control"], "no-store")
        self.assertEqual(len(r.headers.get_all("Content-Security-Policy")), 1, "one policy, not the page's as well")

        plain = submit(gate, b"From: a@lan.test\r\nTo: b@example.org\r\nSubject: plain\r\n\r\nno html\r\n")
        self.assertEqual(gate.api("GET", "/api/v1/messages/%d/html" % plain).status, 404)
        self.assertEqual(gate.api("GET", "/api/v1/messages/999999/html").status, 404)
        self.assertEqual(http("GET", gate.url("/api/v1/messages/%d/html" % mid)).status, 401)


if __name__ == "__main__":
    unittest.main()
