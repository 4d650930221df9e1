"""mailgated's D-Bus object (CONTRACT §5) on a private dbus-daemon configured like Debian's
system bus with the project's own policy file, read and called with the real tools (busctl,
gdbus): every property; PropertiesChanged and HealthChanged when a watcher's Dovecot stops
and again when it returns; Reload() after editing the file changes what the gate does with
the next message; BackupNow()'s clear error; a caller outside root/group mailgate refused by
the policy; the bus daemon restarting under a running gate."""
import os
import re
import subprocess
import time
import unittest

from harness import Gate, SmtpSink, _reap, _spawn, make_message, mailgated_path, poll, submit
from peers import Dovecot, PrivateBus

NAME = "org.mailgate.Mailgate1"
PATH = "/org/mailgate/Mailgate1"


class DbusTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            raise AssertionError("these tests run callers as root and as nobody: run them as root (CI does)")
        self.bus = PrivateBus().start()
        self.addCleanup(self.bus.close)
        self.sink = SmtpSink()
        self.sink.start()
        self.addCleanup(self.sink.close)
        self.gate = Gate(upstream_port=self.sink.port, sections={"health": {"dbus": "system"}},
                         env={"DBUS_SYSTEM_BUS_ADDRESS": self.bus.address})
        self.addCleanup(self.gate.close)
        self.gate.start()
        poll(lambda: self.get("Health", check=False) is not None, 20, what="mailgated's name on the bus")

    # -- helpers
    def get(self, prop, as_nobody=False, check=True):
        r = self.bus.run(["busctl", "--system", "get-property", NAME, PATH, NAME, prop], as_nobody=as_nobody)
        if r.returncode != 0:
            if check:
                raise AssertionError("busctl get-property %s: %s" % (prop, r.stderr.strip()))
            return None
        kind, _, value = r.stdout.strip().partition(" ")
        return value.strip('"') if kind == "s" else int(value)

    def call(self, method, as_nobody=False):
        return self.bus.run(["busctl", "--system", "call", NAME, PATH, NAME, method], as_nobody=as_nobody)

    def monitor(self):
        """gdbus monitor on the bus, its output in a file; returns a reader of that file."""
        path = os.path.join(self.bus.dir, "monitor-%d.log" % len(os.listdir(self.bus.dir)))
        out = open(path, "w")
        p = _spawn(["gdbus", "monitor", "--address", self.bus.address, "--dest", NAME, "--object-path", PATH],
                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: (_reap(p, 2.0), out.close()))
        def read():
            with open(path) as f:
                return f.read()
        # gdbus says it is monitoring before any signal can be missed.
        poll(lambda: "Monitoring signals" in read(), 10, what="gdbus monitor to start")
        return read

    # -- tests
    def test_every_property_with_busctl_and_gdbus(self):
        self.assertEqual(self.get("Health"), "ok")
        self.assertEqual(self.get("HealthReason"), "")
        self.assertEqual(self.get("HeldCount"), 0)
        self.assertEqual(self.get("WatchersOnline"), 0)
        self.assertEqual(self.get("WatchersTotal"), 0)
        version = subprocess.run([mailgated_path(), "--version"], capture_output=True, text=True).stdout.split()[-1]
        self.assertEqual(self.get("Version"), version)
        started = self.get("StartedAt")
        self.assertLess(abs(started / 1e6 - time.time()), 600, "StartedAt is µs since the epoch: %d" % started)
        # Anyone may read them: the policy opens Properties to every user.
        self.assertEqual(self.get("Health", as_nobody=True), "ok")

        # gdbus (GLib, a second implementation) sees the same object and introspection.
        r = self.bus.run(["gdbus", "call", "--address", self.bus.address, "--dest", NAME, "--object-path", PATH,
                          "--method", "org.freedesktop.DBus.Properties.GetAll", NAME], check=True)
        for prop in ("'Health': <'ok'>", "'HeldCount': <uint32 0>", "'Version': <'%s'>" % version,
                     "'StartedAt': <uint64 %d>" % started, "'WatchersTotal': <uint32 0>"):
            self.assertIn(prop, r.stdout)
        intro = self.bus.run(["gdbus", "introspect", "--address", self.bus.address, "--dest", NAME,
                              "--object-path", PATH], check=True).stdout
        for member in ("Reload()", "BackupNow(out s path)", "HealthChanged(s health,", "readonly t StartedAt"):
            self.assertIn(member, intro)

        # HeldCount follows the store, with PropertiesChanged.
        read = self.monitor()
        submit(self.gate, make_message("dbus held"))
        poll(lambda: self.get("HeldCount") == 1 or None, 20, what="HeldCount 1")
        poll(lambda: re.search(r"PropertiesChanged \('org.mailgate.Mailgate1', \{'HeldCount': <uint32 1>", read()),
             10, what="PropertiesChanged for HeldCount")

    def test_health_changed_when_a_watchers_dovecot_stops_and_returns(self):
        dovecot = Dovecot().start()
        self.addCleanup(dovecot.close)
        self.gate.api_json("POST", "/api/v1/accounts", dovecot.account(), expect=201)
        poll(lambda: self.get("WatchersOnline") == 1 or None, 30, what="the watcher online")
        self.assertEqual(self.get("WatchersTotal"), 1)
        read = self.monitor()

        dovecot.stop()
        poll(lambda: "HealthChanged ('degraded'" in read() or None, 60, what="HealthChanged to degraded")
        self.assertEqual(self.get("Health"), "degraded")
        self.assertIn("watchers", self.get("HealthReason"))
        self.assertEqual(self.get("WatchersOnline"), 0)

        dovecot.start()
        poll(lambda: "HealthChanged ('ok', '')" in read() or None, 90, what="HealthChanged back to ok")
        self.assertEqual(self.get("Health"), "ok")
        self.assertEqual(self.get("WatchersOnline"), 1)

    def test_reload_applies_the_edited_file_and_the_policy_guards_the_methods(self):
        first = submit(self.gate, make_message("held before reload"))
        self.assertEqual(self.gate.message(first)["status"], "held")
        self.gate.sections["smtp"]["default_action"] = "pass"
        self.gate.write_config()

        # Outside root and group mailgate: refused by the bus, before mailgated sees it.
        refused = self.call("Reload", as_nobody=True)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Access denied", refused.stderr)
        refused = self.call("BackupNow", as_nobody=True)
        self.assertIn("Access denied", refused.stderr)
        second = submit(self.gate, make_message("still held: nobody could not reload"))
        self.assertEqual(self.gate.message(second)["status"], "held")

        r = self.call("Reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        third = submit(self.gate, make_message("passes after reload"))
        self.gate.wait_status(third, ("relayed",))
        self.assertIn("applied: smtp.default_action", self.gate.log_text())

        # A file with a problem changes nothing and says why, as a D-Bus error.
        with open(self.gate.config_path, "a") as f:
            f.write("\n[smtp]\nmax_recipients = lots\n")
        bad = self.call("Reload")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("smtp.max_recipients", bad.stderr)
        # …and the box says the file on disk has a problem until it is fixed.
        poll(lambda: self.get("Health") == "degraded" or None, 20, what="Health degraded by the broken file")
        self.assertTrue(self.get("HealthReason").startswith("config: 1 problem(s) in %s: smtp.max_recipients"
                                                            % self.gate.config_path), self.get("HealthReason"))
        self.gate.write_config()
        poll(lambda: self.get("Health") == "ok" or None, 20, what="Health ok once the file is fixed")

        # BackupNow() makes one and answers its path: a real archive in the gate's backup dir
        # that tar lists, with the database and the held messages' spool files in it.
        backup = self.call("BackupNow")
        self.assertEqual(backup.returncode, 0, backup.stderr)
        path = backup.stdout.strip().split(" ", 1)[1].strip('"')
        self.assertEqual(os.path.dirname(path), self.gate.sections["backup"]["dir"])
        listed = subprocess.run(["tar", "tzf", path], capture_output=True, text=True, check=True).stdout.split()
        self.assertIn("mailgate.db", listed)
        self.assertEqual(listed[-1], "manifest.json")
        self.assertEqual(len([n for n in listed if n.startswith("spool/")]), 2)  # the two still held


    def test_the_gate_outlives_the_bus_and_comes_back_on_it(self):
        self.bus.stop()
        poll(lambda: "D-Bus: lost" in self.gate.log_text() or None, 20, what="the gate noticing the bus is gone")
        # Mail still flows while the bus is away.
        mid = submit(self.gate, make_message("held without a bus"))
        self.bus.start()
        poll(lambda: self.get("HeldCount", check=False) == 1 or None, 30, what="the object back on the new bus")
        self.assertEqual(self.gate.message(mid)["status"], "held")
        self.assertIn("D-Bus: back on", self.gate.log_text())
        self.assertEqual(self.gate.log_text().count("D-Bus: cannot publish"), 0,
                         "the outage was said once (as lost), not at every retry")


if __name__ == "__main__":
    unittest.main()
