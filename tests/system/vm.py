"""The appliance image booted under qemu-system-aarch64 (TCG), for tests/system.

One Vm is one boot of build/image-virt/rootfs.ext4: QEMU's virt machine, restricted user
networking (the guest reaches nothing but what is forwarded), host ports forwarded to the
gate's 587 and the page's 443, the guest's 10.0.2.100:25 piped to a host SMTP peer, and a
virtio-serial port to the test-only guest agent (tests/system/guest). kill() is a power cut:
SIGKILL to qemu, so whatever the guest had not flushed to its disk is gone.
"""
import base64
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "gate"))
import harness  # noqa: E402  (free_port, poll, _spawn: the gate tests' process helpers)

QEMU = "/usr/bin/qemu-system-aarch64"


class AgentError(AssertionError):
    pass


class Vm:
    def __init__(self, image_dir, workdir, sink_port, name="vm"):
        self.image_dir = image_dir
        self.workdir = workdir
        self.sink_port = sink_port
        self.name = name
        self.smtp_port = harness.free_port()
        self.web_port = harness.free_port()
        self.sock_path = os.path.join(workdir, name + ".ctl")
        self.serial_log = os.path.join(workdir, name + ".serial.log")
        self.proc = None
        self.agent = None
        self.buf = b""
        self.next_id = 1
        self.boot_id = None

    # ---- life cycle -------------------------------------------------------------------
    def start(self):
        if os.path.exists(self.sock_path):
            os.unlink(self.sock_path)
        pipe = os.path.join(HERE, "tcp_pipe.py")
        net = ("user,id=n,restrict=on,"
               "hostfwd=tcp:127.0.0.1:%d-:587,hostfwd=tcp:127.0.0.1:%d-:443,"
               "guestfwd=tcp:10.0.2.100:25-cmd:%s %s 127.0.0.1 %d"
               % (self.smtp_port, self.web_port, sys.executable, pipe, self.sink_port))
        argv = [QEMU, "-M", "virt", "-cpu", "cortex-a57", "-m", "1024", "-smp", "2",
                "-kernel", os.path.join(self.image_dir, "vmlinuz"),
                "-initrd", os.path.join(self.image_dir, "initrd.img"),
                "-append", "root=/dev/vda rw console=ttyAMA0 net.ifnames=0",
                "-drive", "if=none,file=%s,format=raw,id=hd" % os.path.join(self.image_dir, "rootfs.ext4"),
                "-device", "virtio-blk-device,drive=hd",
                "-device", "virtio-rng-device",
                "-netdev", net, "-device", "virtio-net-device,netdev=n",
                "-chardev", "socket,id=ctl,path=%s,server=on,wait=off" % self.sock_path,
                "-device", "virtio-serial-device",
                "-device", "virtserialport,chardev=ctl,name=mg.ctl",
                "-display", "none", "-no-reboot",
                "-serial", "file:" + self.serial_log]
        # SIGKILL when the test dies: no VM outlives the run.
        with open(self.serial_log + ".qemu", "w") as qemu_stderr:
            self.proc = harness._spawn(argv, deathsig=signal.SIGKILL, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=qemu_stderr)
        # Connect at once: what the guest writes while no one listens is lost.
        harness.poll(lambda: os.path.exists(self.sock_path) or self._dead(), 30, 0.05, "qemu's control socket")
        self._check_alive()
        self.agent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.agent.connect(self.sock_path)
        self.buf = b""
        self.boot_id = None

    def _dead(self):
        return self.proc.poll() is not None

    def _check_alive(self):
        if self.proc.poll() is not None:
            with open(self.serial_log + ".qemu") as f:
                err = f.read()[-2000:]
            raise AssertionError("qemu exited with %s: %s\n(serial log: %s)" % (self.proc.returncode, err, self.serial_log))

    def kill(self):
        """Power cut: SIGKILL, nothing flushed."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self.agent is not None:
            self.agent.close()
            self.agent = None

    def shutdown(self, timeout=120):
        """A clean power-off (systemctl poweroff); then qemu exits by itself (-no-reboot)."""
        try:
            self.sh("systemctl --no-block poweroff", timeout=30)
            self.proc.wait(timeout)
        except Exception:
            pass
        self.kill()

    # ---- the agent --------------------------------------------------------------------
    def _readline(self, deadline):
        while b"\n" not in self.buf:
            self._check_alive()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AgentError("the guest agent did not answer in time (serial log: %s)" % self.serial_log)
            self.agent.settimeout(min(left, 1.0))
            try:
                chunk = self.agent.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise AgentError("the guest agent's port closed (serial log: %s)" % self.serial_log)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("ascii", "replace").strip()

    def wait_agent(self, timeout=300):
        """Until the agent says HELLO: the guest booted far enough to run units."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            if line.startswith("HELLO "):
                self.boot_id = line.split()[1]
                return self.boot_id

    def sh(self, command, timeout=120):
        """Runs `command` with sh in the guest as root -> (rc, output)."""
        rid = str(self.next_id)
        self.next_id += 1
        self.agent.sendall(("%s %s\n" % (rid, base64.b64encode(command.encode()).decode())).encode())
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            parts = line.split(" ", 2)
            if parts[0] == "HELLO":
                raise AgentError("the guest agent restarted while running: %s" % command)
            if parts[0] != rid:
                continue
            out = base64.b64decode(parts[2]).decode("utf-8", "replace") if len(parts) > 2 else ""
            return int(parts[1]), out

    def ok(self, command, timeout=120):
        rc, out = self.sh(command, timeout)
        if rc != 0:
            raise AssertionError("in the guest, `%s` failed (rc %d): %s" % (command, rc, out))
        return out

    def serial_tail(self, n=40):
        try:
            with open(self.serial_log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""
