"""GET /api/v1/events (CONTRACT §4): Server-Sent Events for message, health and
notification changes (watcher events: tests/browser, with Dovecot); a reconnecting client
resumes with Last-Event-ID; streams are bounded per address and freed when the client goes;
logging out ends a session's stream."""
import http.client
import json
import socket
import time
import unittest

from harness import GateTestCase, http as http_call, make_message, poll, submit
from test_web_auth import PASSWORD, add_user, login


class Stream:
    """One text/event-stream, read event by event (blocks at most `timeout` per read)."""

    def __init__(self, gate, token=None, cookie=None, last_event_id=None, timeout=30):
        self.conn = http.client.HTTPConnection("127.0.0.1", gate.web_port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if cookie:
            headers["Cookie"] = "mg_session=" + cookie
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", "/api/v1/events", headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.last_id = None

    def event(self):
        """The next event as (name, data) — comments and id-only blocks skipped; None at EOF."""
        name, data = None, []
        while True:
            line = self.response.fp.readline()
            if not line:
                return None
            line = line.decode().rstrip("\r\n")
            if line == "":
                if name or data:
                    return name or "message", "\n".join(data)
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
            elif field == "id":
                self.last_id = int(value)

    def until(self, predicate, what, limit=200):
        for _ in range(limit):
            ev = self.event()
            if ev is None:
                raise AssertionError("stream ended while waiting for " + what)
            if predicate(*ev):
                return ev
        raise AssertionError("no %s in %d events" % (what, limit))

    def close(self):
        self.response.close()  # its file holds the socket open after conn.close()
        self.conn.close()


def is_message(mid, status):
    return lambda name, data: name == "message" and json.loads(data) == {"id": mid, "status": status}


class EventsTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()
        self.gate = self.new_gate(self.sink.port)

    def stream(self, **kw):
        kw.setdefault("token", self.gate.token)
        s = Stream(self.gate, **kw)
        self.addCleanup(s.close)
        return s

    def test_needs_auth(self):
        s = Stream(self.gate)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 401)

    def test_message_events_and_resume_with_last_event_id(self):
        s = self.stream()
        self.assertEqual(s.status, 200)
        self.assertTrue(s.response.getheader("Content-Type").startswith("text/event-stream"))
        first = submit(self.gate, make_message("events one"))
        s.until(is_message(first, "held"), "message %d held" % first)
        resume_at = s.last_id
        self.assertIsNotNone(resume_at)
        s.close()
        # Missed while disconnected: a release and a new message.
        self.assertEqual(self.gate.release(first).status, 200)
        second = submit(self.gate, make_message("events two"))
        again = self.stream(last_event_id=resume_at)
        seen = []
        again.until(lambda n, d: seen.append((n, json.loads(d))) or (n == "message" and json.loads(d)["id"] == second),
                    "the missed message %d" % second)
        statuses = [d["status"] for n, d in seen if n == "message" and d["id"] == first]
        self.assertIn("released", statuses, seen)
        self.assertNotIn(("message", {"id": first, "status": "held"}), seen, "nothing before Last-Event-ID again")

    def test_too_old_last_event_id_gets_resync(self):
        s = self.stream(last_event_id=1)
        self.assertEqual(s.status, 200)
        name, _ = s.event()
        self.assertEqual(name, "resync")

    def test_health_and_notification_events(self):
        s = self.stream()
        self.assertEqual(s.status, 200)
        # The disk check fails once the minimum is more than any disk has; a reload applies it.
        self.gate.sections["health"]["disk_min_free_bytes"] = str(10 ** 15)
        self.gate.write_config()
        self.gate.proc.send_signal(1)  # SIGHUP
        seen = {}

        def both(name, data):
            if name in ("health", "notification"):
                seen.setdefault(name, json.loads(data))
            return len(seen) == 2
        s.until(both, "a health and a notification event")
        self.assertEqual(seen["health"]["status"], "degraded")
        self.assertIn("disk", seen["health"]["reason"])
        self.assertEqual((seen["notification"]["type"], seen["notification"]["severity"]), ("disk_low", "critical"))

    def test_bounded_per_address_and_freed_on_disconnect(self):
        streams = [self.stream() for _ in range(4)]
        self.assertEqual([s.status for s in streams], [200] * 4)
        fifth = self.stream()
        self.assertEqual(fifth.status, 429)
        self.assertGreater(int(fifth.response.getheader("Retry-After")), 0)
        for s in streams:
            s.close()

        # A closed stream is noticed at the server's next write: make some, until a place is free.
        def place_free():
            submit(self.gate, make_message("wake %f" % time.time()))
            s = Stream(self.gate, token=self.gate.token)
            self.addCleanup(s.close)
            return s.status == 200 or s.close()
        poll(place_free, 60, interval=0.2, what="a stream place freed after the clients went")

    def test_logout_ends_the_sessions_stream(self):
        add_user(self.gate, "alice", "reviewer")
        page = login(self.gate, "alice")
        s = self.stream(token=None, cookie=page.cookie)
        self.assertEqual(s.status, 200)
        mid = submit(self.gate, make_message("before logout"))
        s.until(is_message(mid, "held"), "the message while logged in")
        self.assertEqual(page.call("DELETE", "/api/v1/session").status, 204)
        submit(self.gate, make_message("after logout"))
        for _ in range(50):
            if s.event() is None:
                break
        else:
            self.fail("the stream went on after logout")


if __name__ == "__main__":
    unittest.main()
