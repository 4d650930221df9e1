"""Every answer of the web server carries the security headers (CSP without inline code,
no framing, no referrer, nosniff), on every route and status; HSTS only under TLS."""
import unittest
import urllib.error
import urllib.request

from harness import GateTestCase, unverified_tls

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


if __name__ == "__main__":
    unittest.main()
