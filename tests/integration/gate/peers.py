"""More real peers for the gate's tests, started on 127.0.0.1 by the tests themselves and
stopped with them (process group + PR_SET_PDEATHSIG, see harness._spawn):

- PrivateBus: a dbus-daemon of its own, configured like Debian's system bus (deny by
  default) with the project's own policy file included, so a test sees exactly what the
  policy allows on the device.
- Dovecot: dovecot-imapd with a passwd-file user, maildir, plain IMAP on a free port (the same
  recipe as tests/integration/imap/DovecotFixture.cpp; root needed, as there).
"""
import os
import shutil
import signal
import subprocess
import tempfile

from harness import _reap, _spawn, free_port, poll, wait_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
POLICY = os.path.join(ROOT, "rootfs-overlay", "usr", "share", "dbus-1", "system.d", "org.mailgate.Mailgate1.conf")

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%(socket)s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
  <include>%(policy)s</include>
</busconfig>
"""


class PrivateBus:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mg-bus-")
        os.chmod(self.dir, 0o755)  # callers running as nobody reach the socket
        self.socket = os.path.join(self.dir, "system_bus_socket")
        self.address = "unix:path=" + self.socket
        self.config = os.path.join(self.dir, "bus.conf")
        with open(self.config, "w") as f:
            f.write(BUS_CONFIG % {"socket": self.socket, "policy": POLICY})
        self.proc = None

    def start(self):
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.log = open(os.path.join(self.dir, "dbus.log"), "ab")
        self.proc = _spawn(["dbus-daemon", "--nofork", "--nopidfile", "--config-file=" + self.config],
                           stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        poll(lambda: os.path.exists(self.socket), 10, what="the private dbus-daemon's socket")
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            _reap(self.proc, 5.0)
            self.proc = None
            self.log.close()

    def env(self):
        """For sd-bus and GLib clients (busctl, gdbus, mailgated): the system bus is this one."""
        e = dict(os.environ)
        e["DBUS_SYSTEM_BUS_ADDRESS"] = self.address
        return e

    def run(self, argv, as_nobody=False, check=False):
        if as_nobody:
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
        return subprocess.run(argv, env=self.env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=30, check=check)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Dovecot:
    USER = "alice"
    PASSWORD = "alice-secret"

    def __init__(self):
        if os.geteuid() != 0 or not os.access("/usr/sbin/dovecot", os.X_OK):
            raise RuntimeError("Dovecot peers need root and /usr/sbin/dovecot (tools/install-deps.sh installs it)")
        self.dir = tempfile.mkdtemp(prefix="mg-dovecot-")
        os.chmod(self.dir, 0o755)  # the mail user (nobody) reaches its home below
        for sub in ("base", "state", "home"):
            os.makedirs(os.path.join(self.dir, sub))
        os.chown(os.path.join(self.dir, "home"), 65534, 65534)
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s::::::\n" % (self.USER, self.PASSWORD))
        self.port = free_port()
        d = self.dir
        conf = "\n".join([
            "instance_name = mg-%d" % self.port,
            "base_dir = %s/base" % d, "state_dir = %s/state" % d, "log_path = %s/dovecot.log" % d,
            "protocols = imap", "listen = 127.0.0.1", "ssl = no",
            "default_internal_user = root", "default_internal_group = root", "default_login_user = nobody",
            "first_valid_uid = 65534", "last_valid_uid = 65534",
            "disable_plaintext_auth = no", "auth_mechanisms = plain login", "auth_failure_delay = 0",
            "service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}",
            "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%%u %s/passwd\n}" % d,
            "userdb {\n  driver = static\n  args = uid=65534 gid=65534 home=%s/home/%%u\n}" % d,
            "mail_location = maildir:~/Maildir",
            "namespace inbox {\n  inbox = yes\n  separator = /\n}",
            "service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = %d\n  }\n"
            "  inet_listener imaps {\n    port = 0\n  }\n}" % self.port,
            ""])
        with open(os.path.join(d, "dovecot.conf"), "w") as f:
            f.write(conf)
        self.proc = None

    def start(self):
        self.proc = _spawn(["/usr/sbin/dovecot", "-F", "-c", os.path.join(self.dir, "dovecot.conf")],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, 15, self.proc)
        return self

    def stop(self):
        if self.proc is not None:
            _reap(self.proc, 5.0)
            self.proc = None

    def log_text(self):
        try:
            with open(os.path.join(self.dir, "dovecot.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def account(self, name="work"):
        """The body of POST /api/v1/accounts for this server."""
        return {"name": name, "host": "127.0.0.1", "port": self.port, "tls": "none",
                "username": self.USER, "password": self.PASSWORD}

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
