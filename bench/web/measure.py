#!/usr/bin/env python3
"""The web API under load: wrk against /healthz and the held list with 10,000 held messages,
at 16 and 64 connections (p50, p99, requests/s), and a deep page of the held list (the
pagination that must stay fast). The floor, measured in the same run: POCO's HTTP server set
up as mailgated's (16 threads, keep-alive) answering the very same bytes from memory
(bench/web/StaticHttpFloor.cpp) — what HTTP alone costs here, with no auth, store or JSON.
Run: MG_BUILD_DIR=build/dev python3 bench/web/measure.py [messages] [seconds per run]
Needs wrk and smtp-source (Postfix) — tools/install-deps.sh installs both."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration", "gate"))
import harness  # noqa: E402

MESSAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
CONNECTIONS = (16, 64)
PAGE = 50


def fill(gate):
    """MESSAGES held messages, sent by Postfix's smtp-source over 8 sessions."""
    subprocess.run(["smtp-source", "-s", "8", "-m", str(MESSAGES), "-l", "2048", "-c", "-f", "sender@lan.test",
                    "-t", "rcpt@example.org", "127.0.0.1:%d" % gate.smtp_port], check=True, stdout=subprocess.DEVNULL)
    harness.poll(lambda: gate.api_json("GET", "/api/v1/status")["held"]["count"] >= MESSAGES, 120,
                 interval=0.5, what="%d held messages" % MESSAGES)


def wrk(url, connections, token=None):
    cmd = ["wrk", "-t2", "-c%d" % connections, "-d%ds" % SECONDS, "--latency", "--timeout", "10s"]
    if token:
        cmd += ["-H", "Authorization: Bearer " + token]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout

    def latency(pct):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if errors or socket_errors:
        raise SystemExit("wrk saw errors against %s:\n%s" % (url, out))
    return {"p50": latency(50), "p99": latency(99),
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}


class Peer:
    """The floor: POCO's HTTP server set up as mailgated's (bench/web/StaticHttpFloor.cpp)
    answering the same bodies from memory."""

    def __init__(self, bodies):
        self.dir = tempfile.mkdtemp(prefix="mg-floor-")
        args = []
        for i, (path, body) in enumerate(bodies.items()):
            name = os.path.join(self.dir, "body%d" % i)
            with open(name, "wb") as f:
                f.write(body)
            args.append("%s=%s" % (path, name))
        exe = os.path.join(os.environ.get("MG_BUILD_DIR", "build/dev"), "bench", "web", "static_http_floor")
        self.proc = subprocess.Popen([exe] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.proc.stdin.close()  # it serves until its stdin closes
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def body_of(gate, path):
    req = urllib.request.Request(gate.url(path), headers={"Authorization": "Bearer " + gate.token})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def main():
    for tool in ("wrk", "smtp-source"):
        if not shutil.which(tool):
            raise SystemExit("%s is missing: run tools/install-deps.sh" % tool)
    # 64 connections from one address: above the default per-address cap (32) that keeps
    # one LAN client from taking every worker; raised here so the load is all served.
    gate = harness.Gate(sections={"web": {"max_connections_per_address": "128"}})
    gate.start()
    try:
        started = time.monotonic()
        fill(gate)
        fill_seconds = time.monotonic() - started
        first = "/api/v1/messages?status=held&limit=%d" % PAGE
        items = json.loads(body_of(gate, first))["items"]
        # A page near the far end (keyset pagination: `before` an id, as the page's "next" link).
        deep_before = min(i["id"] for i in items) - (MESSAGES - 2 * PAGE)
        deep = "/api/v1/messages?status=held&limit=%d&before=%d" % (PAGE, max(deep_before, 1))
        assert len(json.loads(body_of(gate, deep))["items"]) > 0, "the deep page is not empty"
        targets = [("`/healthz`", "/healthz", None), ("held list, first page of %d" % PAGE, first, gate.token),
                   ("held list, page at ~%d" % (MESSAGES - 2 * PAGE), deep, gate.token)]
        peer = Peer({"/healthz": body_of(gate, "/healthz"), "/api/v1/messages": body_of(gate, first)})
        rows = []
        try:
            for label, path, token in targets:
                for c in CONNECTIONS:
                    if path == deep and c != CONNECTIONS[0]:
                        continue
                    g = wrk(gate.url(path), c, token)
                    p = wrk(peer.url(path), c)
                    rows.append((label, c, g, p))
        finally:
            peer.close()
        print("filled %d held messages in %.1f s (smtp-source, 8 sessions)\n" % (MESSAGES, fill_seconds))
        print("| request | connections | floor p50 / p99 / req/s | gate p50 / p99 / req/s | ratio p50 / p99 / req/s |")
        print("|---|---|---|---|---|")
        for label, c, g, p in rows:
            print("| %s | %d | %.2f ms / %.2f ms / %.0f | %.2f ms / %.2f ms / %.0f | **%.2f× / %.2f× / %.2f×** |" % (
                label, c, p["p50"], p["p99"], p["rps"], g["p50"], g["p99"], g["rps"],
                g["p50"] / p["p50"], g["p99"] / p["p99"], g["rps"] / p["rps"]))
    finally:
        gate.stop()
        gate.close()


if __name__ == "__main__":
    main()
