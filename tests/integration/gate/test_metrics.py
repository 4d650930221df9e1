"""/metrics as Prometheus reads it: every metric family of CONTRACT §6 (histograms with their
buckets before the first sample), the process figures, and `promtool check metrics` — the real
checker — content with the live output, before and after some traffic."""

import re
import shutil
import subprocess
import unittest

from harness import GateTestCase, http, make_message, submit

CONTRACT_METRICS = [
    "mailgate_build_info", "mailgate_smtp_sessions_active", "mailgate_smtp_messages_total",
    "mailgate_held_messages", "mailgate_releases_total", "mailgate_release_duration_seconds",
    "mailgate_watcher_up", "mailgate_watcher_last_heartbeat_timestamp_seconds",
    "mailgate_watcher_failures_total", "mailgate_watcher_circuit_open", "mailgate_imap_pool_connections",
    "mailgate_imap_pool_hits_total", "mailgate_imap_pool_misses_total", "mailgate_rate_limited_total",
    "mailgate_backups_total", "mailgate_backup_last_success_timestamp_seconds",
    "mailgate_storage_bytes_written_total", "mailgate_disk_free_bytes", "mailgate_upstream_up",
]
PROCESS_METRICS = ["process_resident_memory_bytes", "process_open_fds", "process_threads"]


def promtool():
    path = shutil.which("promtool")
    if not path:
        raise RuntimeError("promtool is missing (Debian package prometheus; tools/install-deps.sh installs it)")
    return path


class MetricsTest(GateTestCase):
    def setUp(self):
        self.sink = self.new_sink()
        self.gate = self.new_gate(upstream_port=self.sink.port)

    def scrape(self):
        r = http("GET", self.gate.url("/metrics"))
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers.get("content-type", "").startswith("text/plain"), r.headers)
        return r.body.decode()

    def check_with_promtool(self, text):
        p = subprocess.run([promtool(), "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, "promtool check metrics:\n%s%s" % (p.stdout.decode(), p.stderr.decode()))

    def test_every_contract_metric_is_there_and_promtool_accepts_the_output(self):
        text = self.scrape()
        for name in CONTRACT_METRICS + PROCESS_METRICS:
            self.assertRegex(text, r"(?m)^# TYPE %s " % name, "no %s family" % name)
        # A histogram shows its buckets before the first release.
        self.assertRegex(text, r'(?m)^mailgate_release_duration_seconds_bucket\{le="\+Inf"\} 0$')
        self.assertRegex(text, r"(?m)^mailgate_release_duration_seconds_count 0$")
        # Real figures, not placeholders.
        rss = float(re.search(r"(?m)^process_resident_memory_bytes (\S+)$", text).group(1))
        self.assertGreater(rss, 1 << 20)
        self.assertGreater(float(re.search(r"(?m)^process_threads (\S+)$", text).group(1)), 1)
        self.assertGreater(float(re.search(r"(?m)^process_open_fds (\S+)$", text).group(1)), 2)
        self.check_with_promtool(text)

        # After traffic (a held message, a release) the output is still what promtool accepts.
        mid = submit(self.gate, make_message("metrics traffic"))
        self.assertEqual(self.gate.release(mid).status, 200)
        self.sink.wait_dumps(1)
        text = self.scrape()
        self.assertRegex(text, r'(?m)^mailgate_releases_total\{result="released",source="smtp"\} 1$')
        self.assertRegex(text, r"(?m)^mailgate_release_duration_seconds_count 1$")
        self.check_with_promtool(text)


if __name__ == "__main__":
    unittest.main()
