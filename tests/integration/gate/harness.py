"""Real peers for mailgate's end-to-end tests: the built mailgated and Postfix's smtp-sink,
all on 127.0.0.1, each with its own temporary directory and free ports.

smtp-sink facts (Postfix 3.7, verified for this harness):
- As root it refuses to run without `-u USER`; it drops to that user after binding, so the
  dump directory must be writable by `nobody` (mode 0777 here). Dropping privileges clears
  PR_SET_PDEATHSIG, so it runs under timeout(1), which keeps the signal and forwards SIGTERM.
- `-d TEMPLATE`: one file per mail transaction, named TEMPLATE + random hex. The file is
  created (empty) at the first RCPT, removed again on RSET, left EMPTY when the client
  disconnects in the middle of DATA, and filled as the content arrives (buffered: a large
  message is partly on disk before the final "."). It is complete when the sink has answered
  250 to the "." — i.e. once mailgated reports the message released/relayed.
- A dump is: X-Client-Addr, X-Client-Proto, X-Helo-Args (if HELO/EHLO), X-Mail-Args,
  one X-Rcpt-Args per RCPT, a three-line "Received:" header (continuations start with a
  TAB), the message as received (dot-unstuffed, every CR removed — so CRLF becomes LF and a
  bare CR vanishes; 8-bit bytes and trailing blanks are kept), then one empty line.
"""
import atexit
import ctypes
import json
import os
import re
import shutil
import signal
import ssl
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

SMTP_SINK = "/usr/sbin/smtp-sink"
_libc = ctypes.CDLL("libc.so.6", use_errno=True)
_PR_SET_PDEATHSIG = 1
_live_groups = set()


def build_dir():
    d = os.environ.get("MG_BUILD_DIR")
    if not d:
        raise RuntimeError("MG_BUILD_DIR is not set (the cmake build directory with mailgated)")
    return d


def mailgated_path():
    return os.path.join(build_dir(), "firmware", "src", "app", "mailgated")


def mailgatectl_path():
    return os.path.join(build_dir(), "firmware", "src", "ctl", "mailgatectl")


def run_mailgatectl(gate, *args, timeout=60):
    """mailgatectl with the gate's config; the result carries .out and .err as text."""
    p = subprocess.run([mailgatectl_path(), "--config", gate.config_path] + list(args),
                       capture_output=True, timeout=timeout)
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


def require_binaries(*paths):
    for p in paths:
        if not os.access(p, os.X_OK):
            raise RuntimeError("not built: %s (build the mailgated/mailgatectl targets first)" % p)


_handed_out_ports = set()


def free_port():
    """A port that was free on 127.0.0.1 a moment ago, and not one this process handed out
    before: the kernel may offer a just-closed ephemeral port again at once, and a gate whose
    SMTP and web listeners got the same port fails to start (seen in CI)."""
    for _ in range(100):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if port not in _handed_out_ports:
            _handed_out_ports.add(port)
            return port
    raise RuntimeError("no fresh free port on 127.0.0.1 after 100 tries")


def poll(fn, timeout, interval=0.05, what="condition"):
    """Call fn until it returns something truthy; return that, or raise after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last: %r)" % (timeout, what, last))
        time.sleep(interval)


def _child_setup(deathsig):
    def setup():
        os.setsid()  # own process group: stop() signals the whole group
        _libc.prctl(_PR_SET_PDEATHSIG, deathsig, 0, 0, 0)
    return setup


def _spawn(argv, deathsig=signal.SIGKILL, **kw):
    p = subprocess.Popen(argv, preexec_fn=_child_setup(deathsig), **kw)
    _live_groups.add(p.pid)
    return p


def _kill_group(p, sig):
    try:
        os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(p, term_timeout=5.0):
    """SIGTERM the group, wait, then SIGKILL whatever is left. Returns the exit code."""
    if p.poll() is None:
        _kill_group(p, signal.SIGTERM)
        try:
            p.wait(term_timeout)
        except subprocess.TimeoutExpired:
            pass
    _kill_group(p, signal.SIGKILL)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        pass
    _live_groups.discard(p.pid)
    return p.returncode


@atexit.register
def _kill_leftovers():
    for pid in list(_live_groups):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def wait_port(port, timeout=10.0, proc=None):
    def ok():
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited (%s) before listening on %d" % (proc.returncode, port))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False
    poll(ok, timeout, what="127.0.0.1:%d to listen" % port)


# ---------------------------------------------------------------- unix datagram listeners

class DatagramListener:
    """A unix datagram socket in a temp dir of its own (mode 0755), read all the time on a
    thread, as systemd reads its notify and journal sockets: a queue left full (10 datagrams
    by default) would block the daemon's writer and stall it for real. Each datagram becomes
    (monotonic arrival time, parse(bytes)) in `items`."""

    def __init__(self, name, parse, prefix="mg-dgram-"):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.dir, 0o755)
        self.path = os.path.join(self.dir, name)
        self.parse = parse
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.items = []
        self.arrived = threading.Condition()
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.arrived:
                self.items.append((time.monotonic(), self.parse(data)))
                self.arrived.notify_all()

    def wait_arrival(self, count, timeout):
        """Until more than `count` datagrams have arrived, or `timeout` seconds."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.items) > count, timeout)

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- smtp-sink

class SinkDump:
    def __init__(self, path, data):
        self.path = path
        self.raw = data
        self.fields = []  # [(name, value)] of smtp-sink's own lines
        lines = data.split(b"\n")
        i = 0
        while i < len(lines) and not lines[i].startswith(b"Received: "):
            name, _, value = lines[i].partition(b": ")
            self.fields.append((name.decode("latin-1"), value.decode("latin-1")))
            i += 1
        # smtp-sink's Received: header is exactly three lines (two TAB-led continuations).
        for _ in range(2):
            if i + 1 < len(lines) and lines[i + 1].startswith(b"\t"):
                i += 1
        i += 1
        body = b"\n".join(lines[i:])
        # the empty line smtp-sink appends after the message
        self.message = body[:-1] if body.endswith(b"\n") else body
        # What mailgate prepends when it relays SMTP mail (RFC 5321 4.4): one Received: header
        # whose folds start with a TAB; `content` is the rest, the stored message itself.
        self.trace, self.content = b"", self.message
        if self.message.startswith(b"Received: from ") and b"(mailgate)" in self.message.split(b"\n\n", 1)[0]:
            msg_lines = self.message.split(b"\n")
            n = 1
            while n < len(msg_lines) and msg_lines[n].startswith(b"\t"):
                n += 1
            self.trace = b"\n".join(msg_lines[:n]) + b"\n"
            self.content = b"\n".join(msg_lines[n:])

    def field(self, name):
        return [v for n, v in self.fields if n == name]

    @property
    def mail_from(self):
        v = self.field("X-Mail-Args")
        return v[0] if v else None

    @property
    def rcpts(self):
        return self.field("X-Rcpt-Args")


TRACE_RE = re.compile(rb"\AReceived: from (\S+) \(\[([^\]]+)\]\)\n\tby (\S+) \(mailgate\) with ([A-Z0-9]+) "
                      rb"id (\d+)(?:\n\tfor <([^>]*)>)?; (\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000)\n\Z")


def parse_trace(trace):
    """mailgate's Received: header as smtp-sink stored it -> dict of its parts (or None)."""
    m = TRACE_RE.match(trace)
    if not m:
        return None
    helo, addr, by, proto, mid, rcpt, date = m.groups()
    return {"helo": helo.decode(), "address": addr.decode(), "by": by.decode(), "with": proto.decode(),
            "id": int(mid), "for": rcpt.decode() if rcpt else None, "date": date.decode()}


def sink_form(wire_unstuffed):
    """What smtp-sink writes for a message whose unstuffed content is `wire_unstuffed`."""
    return wire_unstuffed.replace(b"\r", b"")


class SmtpSink:
    """Postfix smtp-sink on 127.0.0.1:port writing each message to dir/msg.<hex>."""

    def __init__(self, port=None, extra_args=(), lifetime=300):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="mg-gate-sink-")
        os.chmod(self.dir, 0o777)
        self.extra_args = list(extra_args)
        self.lifetime = lifetime
        self.proc = None
        self.start()

    def start(self, extra_args=None):
        if extra_args is not None:
            self.extra_args = list(extra_args)
        argv = ["/usr/bin/timeout", "-k", "5", str(self.lifetime), SMTP_SINK]
        if os.geteuid() == 0:
            argv += ["-u", "nobody"]
        argv += ["-d", self.dir + "/msg.", "-t", "20"] + self.extra_args
        argv += ["127.0.0.1:%d" % self.port, "64"]
        self.proc = _spawn(argv, deathsig=signal.SIGTERM, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, 10, self.proc)

    def stop(self):
        if self.proc is not None:
            _reap(self.proc, 3)
            self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def files(self):
        return sorted(os.path.join(self.dir, n) for n in os.listdir(self.dir) if n.startswith("msg."))

    def dumps(self):
        """Every non-empty dump (an empty file is a transaction that never finished DATA)."""
        out = []
        for p in self.files():
            with open(p, "rb") as f:
                data = f.read()
            if data:
                out.append(SinkDump(p, data))
        return out

    def wait_dumps(self, n, timeout=10.0):
        return poll(lambda: (lambda d: d if len(d) >= n else None)(self.dumps()), timeout,
                    what="%d message(s) at smtp-sink" % n)

    def dumps_with(self, needle):
        return [d for d in self.dumps() if needle in d.message]


# ---------------------------------------------------------------- HTTP

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<HTTP %d %s %r>" % (self.status, self.content_type, self.body[:300])


def http(method, url, body=None, token=None, headers=None, timeout=15):
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        hdrs.setdefault("Content-Type", "application/json")
    if token:
        hdrs["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    # The gate's own self-signed certificate, made on its first start, is what https means here.
    context = unverified_tls() if url.startswith("https://") else None
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


# ---------------------------------------------------------------- mailgated

DEFAULT_SECTIONS = {
    "smtp": {
        "hostname": "gate.test",
        "max_message_bytes": "1048576",
        "max_recipients": "5",
        "require_auth": "false",
        "default_action": "hold",
        "max_sessions": "40",
        "command_timeout_seconds": "30",
        "data_timeout_seconds": "30",
        "max_line_bytes": "1000",
        "starttls": "true",
    },
    "relay": {
        "retries": "20",
        "retry_base_seconds": "1",
        "retry_max_seconds": "1",
        "circuit_failures": "50",
        "circuit_reset_seconds": "1",
    },
    "limits": {"release_per_minute": "100000"},
    "health": {"dbus": "none", "led": "none", "disk_min_free_bytes": "1048576"},
    "log": {"target": "console", "level": "information"},
}


class Gate:
    """One mailgated with its own temp dir (config, data dir, log), ports and upstream."""

    def __init__(self, upstream_port=None, sections=None, upstream=None, extra_text="", wrapper=(), env=None):
        require_binaries(mailgated_path())
        self.wrapper = list(wrapper)  # e.g. ["prlimit", "--as=..."]: what mailgated runs under
        self.env = dict(env or {})    # added to the environment mailgated starts with
        self.tmp = tempfile.mkdtemp(prefix="mg-gate-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.config_path = os.path.join(self.tmp, "mailgate.ini")
        self.log_path = os.path.join(self.tmp, "mailgated.log")
        self.smtp_port = free_port()
        self.web_port = free_port()
        self.upstream_port = upstream_port
        self.proc = None
        self.exit_codes = []
        secs = {k: dict(v) for k, v in DEFAULT_SECTIONS.items()}
        secs["storage"] = {"data_dir": self.data_dir}
        secs["smtp"]["listen"] = "127.0.0.1:%d" % self.smtp_port
        secs["web"] = {"listen": "127.0.0.1:%d" % self.web_port, "tls": "none"}
        secs["backup"] = {"dir": os.path.join(self.tmp, "backups"), "interval_hours": "0"}
        if upstream_port is not None:
            up = {"host": "127.0.0.1", "port": str(upstream_port), "tls": "none", "priority": "10",
                  "max_per_minute": "10000", "timeout_seconds": "5"}
            up.update(upstream or {})
            secs["upstream.sink"] = up
        for name, values in (sections or {}).items():
            secs.setdefault(name, {}).update(values)
        self.sections = secs
        self.write_config(extra_text)

    # -- config
    def write_config(self, extra_text=""):
        lines = []
        for name, values in self.sections.items():
            lines.append("[%s]" % name)
            for k, v in values.items():
                if v is not None:
                    lines.append("%s = %s" % (k, v))
            lines.append("")
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + extra_text)

    # -- lifecycle
    def start(self, wait=True, timeout=30.0):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        log = open(self.log_path, "ab")
        log.write(b"\n===== harness: starting mailgated =====\n")
        log.flush()
        env = dict(os.environ)
        env.update(self.env)
        self.proc = _spawn(self.wrapper + [mailgated_path(), "--config", self.config_path],
                           stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=30.0):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError("mailgated exited with %s before answering /healthz; log:\n%s"
                                     % (self.proc.returncode, self.log_tail()))
            try:
                r = http("GET", self.url("/healthz"), timeout=2)
                return r.status in (200, 503)
            except (OSError, urllib.error.URLError):
                return False
        poll(ready, timeout, interval=0.05, what="mailgated /healthz")

        # /healthz answers before cli.token is (re)written at start (a restart briefly leaves
        # the previous run's, already revoked, token in place): wait until the token works.
        def token_works():
            try:
                return http("GET", self.url("/healthz/config"), token=self.token, timeout=2).status == 200
            except OSError:
                return False
        poll(token_works, timeout, interval=0.05, what="cli.token to be accepted")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=15.0):
        """SIGTERM and wait; returns the exit code (SIGKILL after `timeout`, then code < 0)."""
        if self.proc is None:
            return None
        p = self.proc
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        code = _reap(p, 0.1)
        self.exit_codes.append(code)
        self.proc = None
        return code

    def kill9(self):
        p = self.proc
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)
        _reap(p, 0.1)
        self.exit_codes.append(p.returncode)
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        if self.proc is not None:
            self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, n=150):
        return "\n".join(self.log_text().splitlines()[-n:])

    # -- HTTP API
    def url(self, path):
        scheme = "http" if self.sections.get("web", {}).get("tls", "none") == "none" else "https"
        return "%s://127.0.0.1:%d%s" % (scheme, self.web_port, path)

    @property
    def token(self):
        with open(os.path.join(self.data_dir, "cli.token")) as f:
            return f.read().strip()

    def api(self, method, path, body=None, token=True, **kw):
        tok = self.token if token is True else token
        return http(method, self.url(path), body=body, token=tok or None, **kw)

    def api_json(self, method, path, body=None, expect=200, **kw):
        r = self.api(method, path, body, **kw)
        if expect is not None:
            exp = expect if isinstance(expect, (tuple, list)) else (expect,)
            if r.status not in exp:
                raise AssertionError("%s %s -> %r, expected %s" % (method, path, r, expect))
        return r.json() if r.body else None

    def message(self, mid):
        return self.api_json("GET", "/api/v1/messages/%s" % mid)

    def raw(self, mid, version=None):
        path = "/api/v1/messages/%s/raw" % mid + ("?version=%s" % version if version else "")
        r = self.api("GET", path)
        if r.status != 200:
            raise AssertionError("GET %s -> %r" % (path, r))
        return r.body

    def messages(self, status=None, limit=100):
        """Every message (following `next`), newest first."""
        items, before, seen = [], None, 0
        while True:
            q = ["limit=%d" % limit]
            if status:
                q.append("status=" + status)
            if before is not None:
                q.append("before=%s" % before)
            page = self.api_json("GET", "/api/v1/messages?" + "&".join(q))
            items += page["items"]
            nxt = page.get("next")
            seen += 1
            if not nxt or not page["items"] or seen > 10000:
                return items
            before = nxt

    def release(self, mid, body=None, **kw):
        return self.api("POST", "/api/v1/messages/%s/release" % mid, body if body is not None else {}, **kw)

    def discard(self, mid, **kw):
        return self.api("POST", "/api/v1/messages/%s/discard" % mid, {}, **kw)

    def wait_status(self, mid, statuses, timeout=15.0):
        if isinstance(statuses, str):
            statuses = (statuses,)
        return poll(lambda: (lambda m: m if m["status"] in statuses else None)(self.message(mid)),
                    timeout, interval=0.1, what="message %s to become %s" % (mid, "/".join(statuses)))

    def audit(self, **params):
        q = "&".join("%s=%s" % kv for kv in params.items())
        return self.api_json("GET", "/api/v1/audit" + ("?" + q if q else ""))["items"]

    # -- SMTP
    def send(self, message, mail_from="sender@lan.test", rcpts=("rcpt@example.org",), tls=False):
        """Send `message` (bytes, CRLF, not dot-stuffed) with smtplib; return (code, text, id)."""
        import smtplib
        import ssl
        with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname="client.test", timeout=20) as s:
            if tls:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                s.starttls(context=ctx)
            s.ehlo("client.test")
            code, text = s.mail(mail_from)
            if code != 250:
                return code, text.decode("latin-1"), None
            for r in rcpts:
                code, text = s.rcpt(r)
                if code not in (250, 251):
                    return code, text.decode("latin-1"), None
            code, text = s.data(message)
            text = text.decode("latin-1")
            return code, text, reply_id(text)


def subject_of(message):
    m = re.search(rb"(?mi)^Subject: (.*?)\r?$", message)
    return m.group(1).decode("utf-8") if m else None


def submit(gate, message, **kw):
    """Send with smtplib, insist on 250 and return the message's id (from the reply when it
    names it, else found by the message's unique Subject)."""
    code, text, mid = gate.send(message, **kw)
    if code != 250:
        raise AssertionError("expected 250 after DATA, got %d %s" % (code, text))
    if mid is None:
        mid = wait_one_by_subject(gate, subject_of(message))["id"]
    return mid


def reply_id(text):
    m = re.search(r"\bas (\d+)\b", text)
    return int(m.group(1)) if m else None


def delivery_barrier(gate, sink, release=True, subject="barrier"):
    """A positive sign that the gate's delivery path ran after everything the test did before:
    a fresh message, released now (or passed by the gate's own rules when release is False),
    arrives at the sink. Only after it may a test assert that something else did *not* arrive.
    Returns the dumps then at the sink."""
    subject = "%s %d" % (subject, time.monotonic_ns())
    mid = submit(gate, make_message(subject))
    if release:
        r = gate.release(mid)
        if r.status != 200:
            raise AssertionError("barrier release answered %d: %s" % (r.status, r.body[:300]))
    poll(lambda: sink.dumps_with(("Subject: " + subject).encode()), 10.0, what="the barrier message at smtp-sink")
    return sink.dumps()


def hammer(n, fn, timeout=60):
    """Run fn(i) in n threads released at once by a barrier; return the results by index."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as e:  # noqa: BLE001 — reported by the test
            results[i] = e
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


def make_message(subject, body=b"hello\r\n", sender="sender@lan.test", to="rcpt@example.org",
                 extra_headers=b""):
    if isinstance(body, str):
        body = body.encode()
    mid = "<%s.%d@lan.test>" % (re.sub(r"[^A-Za-z0-9]", "", subject)[:40] or "m", time.monotonic_ns())
    return (b"From: " + sender.encode() + b"\r\nTo: " + to.encode() + b"\r\nSubject: " + subject.encode()
            + b"\r\nMessage-ID: " + mid.encode() + b"\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            + extra_headers + b"\r\n" + body)


def find_by_subject(gate, subject, status=None):
    return [m for m in gate.messages(status) if m.get("subject") == subject]


def wait_one_by_subject(gate, subject, timeout=10.0):
    return poll(lambda: (lambda l: l[0] if len(l) == 1 else None)(find_by_subject(gate, subject)),
                timeout, what="one message with subject %r" % subject)


# ---------------------------------------------------------------- raw SMTP

class RawSmtp:
    """A plain socket SMTP client for what smtplib hides: pipelining, bad commands, limits."""

    def __init__(self, port, timeout=10.0, host="127.0.0.1", source=None):
        # `source`: another loopback address (127.0.0.0/8 is all local) plays another LAN host.
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection; pending %r" % self.buf)
            self.buf += chunk
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def reply(self):
        """One (possibly multi-line) reply -> (code, [texts])."""
        texts = []
        while True:
            l = self.line().decode("latin-1")
            if len(l) < 3 or not l[:3].isdigit():
                raise AssertionError("malformed reply line %r" % l)
            texts.append(l[4:])
            if len(l) == 3 or l[3] == " ":
                return int(l[:3]), texts
            if l[3] != "-":
                raise AssertionError("malformed reply line %r" % l)

    def cmd(self, line):
        self.send(line.encode("latin-1") + b"\r\n" if isinstance(line, str) else line + b"\r\n")
        return self.reply()

    def closed_by_peer(self, timeout=5.0):
        self.sock.settimeout(timeout)
        try:
            if self.buf:
                return False
            return self.sock.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def open_sessions(test, gate, n, source=None):
    """n SMTP connections that read their 220 greeting and then stay silent (closed at the
    test's cleanup)."""
    sessions = []
    for _ in range(n):
        c = RawSmtp(gate.smtp_port, source=source)
        test.addCleanup(c.close)
        test.assertEqual(c.reply()[0], 220)
        sessions.append(c)
    return sessions


def send_raw(gate, message, mail_from="alice@lan.test", rcpts=("bob@example.org",), body8=True, source=None,
             timeout=30.0):
    """Send exactly `message` (unstuffed CRLF bytes) over a plain socket from `source` (an
    address on 127.0.0.0/8) -> (code, text) of the reply to the end of DATA."""
    c = RawSmtp(gate.smtp_port, timeout=timeout, source=source)
    try:
        code, texts = c.reply()
        if code != 220:
            raise AssertionError("greeting %d %s" % (code, texts))
        for line in ["EHLO client.test", "MAIL FROM:<%s>%s" % (mail_from, " BODY=8BITMIME" if body8 else "")] + \
                ["RCPT TO:<%s>" % r for r in rcpts]:
            code, texts = c.cmd(line)
            if code != 250:
                raise AssertionError("%s -> %d %s" % (line, code, texts))
        code, texts = c.cmd("DATA")
        if code != 354:
            raise AssertionError("DATA -> %d %s" % (code, texts))
        c.send(dot_stuff(message))
        code, texts = c.reply()
        c.cmd("QUIT")
        return code, " ".join(texts)
    finally:
        c.close()


def raw_http(port, request, source=None, timeout=10.0):
    """One HTTP/1.1 exchange on a fresh socket -> (status line, {header: value}, body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    try:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            headers[k.strip().lower()] = v.strip()
        want = int(headers.get("content-length", "0"))
        while len(body) < want:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return lines[0], headers, body
    finally:
        s.close()


def metric(gate, name, labels=""):
    """The value of one sample of /metrics (0.0 when absent): metric(g, "x_total", 'result="held"')."""
    text = http("GET", gate.url("/metrics")).body.decode()
    for line in text.splitlines():
        if line.startswith(name + ("{" if labels else " ")) and (not labels or labels in line):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def sanitized():
    """True in the ASan/UBSan build: address-space limits (prlimit --as) cannot apply there."""
    return os.environ.get("MG_SANITIZED", "0") in ("1", "ON", "TRUE", "true")


def dot_stuff(message):
    """Wire form of DATA content: CRLF lines, leading dots doubled, then <CRLF>.<CRLF>."""
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", message) + b".\r\n"


# ---------------------------------------------------------------- test base

class GateTestCase(unittest.TestCase):
    """Owns the gates/sinks a test makes; prints each gate's log when the test fails."""

    def run(self, result=None):
        result = result or self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        self._logs = []
        super().run(result)
        if len(result.failures) + len(result.errors) > before:
            logs = list(self._logs)
            for g in getattr(type(self), "_class_gate_objs", []):
                logs.append(("mailgated log of class %s" % type(self).__name__, g.log_text()))
            for title, text in logs:
                tail = "\n".join(text.splitlines()[-200:])
                sys.stderr.write("\n----- %s (last 200 lines) -----\n%s\n----- end -----\n" % (title, tail))
        return result

    def new_sink(self, **kw):
        s = SmtpSink(**kw)
        self.addCleanup(s.close)
        return s

    def new_gate(self, *args, start=True, **kw):
        g = Gate(*args, **kw)

        def done():
            g.stop() if g.running() else None
            self._logs.append(("mailgated log of %s" % self.id(), g.log_text()))
            g.close()
        self.addCleanup(done)
        if start:
            g.start()
        return g

    @classmethod
    def class_gate(cls, *args, **kw):
        g = Gate(*args, **kw)
        if "_class_gate_objs" not in cls.__dict__:
            cls._class_gate_objs = []
        cls._class_gate_objs.append(g)

        def done():
            g.stop() if g.running() else None
            g.close()
        cls.addClassCleanup(done)
        g.start()
        return g

    # assertions
    def assertProblem(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, "application/problem+json", r)
        p = r.json()
        for k in ("type", "title", "status", "detail"):
            self.assertIn(k, p, r)
        return p


def unverified_tls():
    """A client TLS context for the gate's own self-signed certificate (made on first start)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
