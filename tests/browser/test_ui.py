"""The status page in a real browser (issue 10 acceptance): Debian's chromium driven by
playwright-core (ui_flow.mjs) against the built mailgated, with smtp-sink as the upstream
and Dovecot as a watched account. This file starts the peers and answers the flow's
requests for them ("send a message", "stop Dovecot", "has the sink got it?") over the
node process's stdin/stdout; every check is in ui_flow.mjs and prints one line."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "gate"))

from harness import GateTestCase, build_dir, make_message, poll, submit  # noqa: E402
from peers import Dovecot  # noqa: E402

REVIEWER_PASSWORD = "reviewer password 1"


def html_message(subject):
    body = (b"<html><body><h1>Invoice</h1>"
            b"<script>alert('script ran')</script>"
            b"<img src=\"http://203.0.113.7/track.png\" onerror=\"alert('onerror ran')\">"
            b"<a href=\"#\" onclick=\"alert('click ran')\">pay</a></body></html>\r\n")
    return (b"From: billing@lan.test\r\nTo: rcpt@example.org\r\nSubject: " + subject.encode() +
            b"\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body)


class BrowserUiTest(GateTestCase):
    def test_status_page_in_chromium(self):
        node_modules = os.path.join(HERE, "node_modules")
        if not os.path.isdir(os.path.join(node_modules, "playwright-core")):
            self.fail("tests/browser/node_modules is missing: tools/install-deps.sh runs 'npm ci' there")
        sink = self.new_sink()
        dovecot = Dovecot().start()
        self.addCleanup(dovecot.close)
        gate = self.new_gate(sink.port, sections={"web": {"tls": "self-signed"},
                                                  "imap": {"poll_seconds": "2"}})
        with open(os.path.join(gate.data_dir, "setup-code")) as f:
            setup_code = f.read().strip()
        account = gate.api_json("POST", "/api/v1/accounts", dovecot.account("office"), expect=201)
        poll(lambda: any(w["state"] == "online" for w in gate.api_json("GET", "/api/v1/watchers")),
             30, what="the watcher online")

        artifacts = os.path.join(build_dir(), "browser-artifacts")
        os.makedirs(artifacts, exist_ok=True)
        env = dict(os.environ, MG_URL=gate.url(""), MG_SETUP_CODE=setup_code, MG_ARTIFACTS=artifacts,
                   MG_ACCOUNT_NAME=account["name"], MG_REVIEWER_PASSWORD=REVIEWER_PASSWORD,
                   NODE_PATH=node_modules)
        node = subprocess.Popen(["node", os.path.join(HERE, "ui_flow.mjs")], cwd=HERE, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: node.poll() is None and node.kill())
        output = []

        def answer(value):
            node.stdin.write(json.dumps(value) + "\n")
            node.stdin.flush()

        for line in node.stdout:
            line = line.rstrip("\n")
            if not line.startswith("@@"):
                output.append(line)
                sys.stderr.write(line + "\n")
                continue
            cmd, _, arg = line[2:].partition(" ")
            arg = json.loads(arg) if arg else None
            try:
                if cmd == "send":
                    answer({"id": submit(gate, make_message(arg["subject"], body=arg["body"].encode()))})
                elif cmd == "send-html":
                    answer({"id": submit(gate, html_message(arg["subject"]))})
                elif cmd == "add-reviewer":
                    gate.api_json("POST", "/api/v1/users", {"username": arg["name"], "password": REVIEWER_PASSWORD,
                                                            "role": "reviewer"}, expect=201)
                    answer({"ok": True})
                elif cmd == "sink-has":
                    dumps = sink.wait_dumps(1, timeout=30)
                    found = poll(lambda: sink.dumps_with(arg["text"].encode()), 30,
                                 what="the sink to get " + arg["text"])
                    answer({"count": len(found), "dumps": len(dumps)})
                elif cmd == "stop-dovecot":
                    dovecot.stop()
                    answer({"ok": True})
                else:
                    answer({"error": "unknown command " + cmd})
            except Exception as e:  # the flow fails with this text
                answer({"error": "%s: %s" % (type(e).__name__, e)})
        rc = node.wait(timeout=30)
        self.assertEqual(rc, 0, "the browser flow failed:\n" + "\n".join(output[-40:]))
        self.assertIn("all checks passed", output[-1])


if __name__ == "__main__":
    unittest.main()
