"""mailgate-led with a temporary leds_dir laid out like /sys/class/leds, following a real
mailgated on a private dbus-daemon (the project's policy file). The brightness file is read
as a sequence (sampled every 5 ms) and each stretch is classified by its shape, not by a
single sample: solid on while the daemon is not on the bus, heartbeat when it is ok, double
blink when degraded, solid again when the daemon is killed, heartbeat when it returns. The
fast blink of "failed" and the step timings are unit-tested (tests/unit/led)."""
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from harness import Gate, SmtpSink, _reap, _spawn, build_dir, poll
from peers import PrivateBus


def led_path():
    return os.path.join(build_dir(), "firmware", "src", "app", "mailgate-led")


class BrightnessRecorder:
    """Samples the brightness file; runs() gives [(value, seconds)] of what it saw."""

    def __init__(self, path):
        self.path = path
        self.samples = []  # (monotonic, value)
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self):
        while self.running:
            try:
                with open(self.path) as f:
                    v = f.read().strip()
            except OSError:
                v = "?"
            self.samples.append((time.monotonic(), v))
            time.sleep(0.005)

    def mark(self):
        return len(self.samples)

    def runs(self, since):
        out = []
        for t, v in self.samples[since:]:
            if out and out[-1][0] == v:
                out[-1][2] = t
            else:
                out.append([v, t, t])
        return [(v, end - start) for v, start, end in out]

    def stop(self):
        self.running = False
        self.thread.join()


def pulses(runs):
    """Whole on-pulses and the off gaps between them (the first and last runs may be cut)."""
    inner = runs[1:-1]
    on = [d for v, d in inner if v != "0"]
    off = [d for v, d in inner if v == "0"]
    return on, off


def looks_solid(runs):
    return all(v != "0" for v, _ in runs)


def looks_heartbeat(runs):
    on, off = pulses(runs)
    # Three pulses at least, each followed by a long pause (several times the pulse).
    return len(on) >= 3 and len(off) >= 2 and min(off) > 4 * max(on)


def looks_double_blink(runs):
    on, off = pulses(runs)
    if len(on) < 4 or len(off) < 3:
        return False
    short = [d for d in off if d < 3 * max(on)]
    long_ = [d for d in off if d > 4 * max(on)]
    # Pairs of pulses: short gaps inside a pair, long pauses between pairs, alternating.
    return len(short) >= 2 and len(long_) >= 1


class LedTest(unittest.TestCase):
    def setUp(self):
        if not os.access(led_path(), os.X_OK):
            raise AssertionError("not built: %s" % led_path())
        self.bus = PrivateBus().start()
        self.addCleanup(self.bus.close)
        self.leds = tempfile.mkdtemp(prefix="mg-leds-")
        self.addCleanup(shutil.rmtree, self.leds, True)
        os.makedirs(os.path.join(self.leds, "led0"))
        for name, value in (("brightness", "0"), ("max_brightness", "255"), ("trigger", "[mmc0] none heartbeat")):
            with open(os.path.join(self.leds, "led0", name), "w") as f:
                f.write(value + "\n")
        self.sink = SmtpSink()
        self.sink.start()
        self.addCleanup(self.sink.close)
        self.gate = Gate(upstream_port=self.sink.port,
                         sections={"health": {"dbus": "system", "led": "led0", "leds_dir": self.leds}},
                         env={"DBUS_SYSTEM_BUS_ADDRESS": self.bus.address})
        self.addCleanup(self.gate.close)

    def start_agent(self, config=None):
        self.agent_log = os.path.join(self.gate.tmp, "led.log")
        out = open(self.agent_log, "ab")
        p = _spawn([led_path(), "--config", config or self.gate.config_path], env=self.bus.env(),
                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.addCleanup(_reap, p, 5.0)
        return p

    def agent_said(self, text):
        with open(self.agent_log) as f:
            return text in f.read()

    def wait_shape(self, rec, shape, what, seconds=None, runs=10, timeout=40.0):
        """Waits until a stretch of samples has `shape`. A blinking shape is judged on `runs`
        stretches of on and off as they come (not on a span of time); solid on, which has no
        transitions to wait for, on `seconds` of samples after the agent said it judged."""
        def stretch():
            start = rec.mark()
            if seconds is not None:
                time.sleep(seconds)
                return rec.runs(start)
            poll(lambda: len(rec.runs(start)) >= runs or None, timeout, interval=0.02, what="%d LED changes" % runs)
            return rec.runs(start)
        return poll(lambda: shape(stretch()) or None, timeout, interval=0, what=what)

    def test_brightness_follows_the_daemons_health(self):
        rec = BrightnessRecorder(os.path.join(self.leds, "led0", "brightness"))
        self.addCleanup(rec.stop)
        self.start_agent()
        poll(lambda: self.agent_said("led0: absent"), 20, what="the agent to judge the daemon absent")
        with open(os.path.join(self.leds, "led0", "trigger")) as f:
            self.assertEqual(f.read().strip(), "none", "the kernel trigger is released")
        self.wait_shape(rec, looks_solid, "solid on while mailgated is not on the bus", seconds=2.5)
        self.assertEqual(rec.samples[-1][1], "255", "on means max_brightness")

        self.gate.start()
        self.wait_shape(rec, looks_heartbeat, "heartbeat once mailgated is ok")

        # Degraded, by a reload that puts the disk minimum out of reach.
        self.gate.sections["health"]["disk_min_free_bytes"] = str(1 << 50)
        self.gate.write_config()
        self.gate.proc.send_signal(1)  # SIGHUP
        self.wait_shape(rec, looks_double_blink, "double blink while degraded", runs=14)

        self.gate.kill9()
        self.wait_shape(rec, looks_solid, "solid on when mailgated is killed", seconds=2.5)
        self.gate.start()
        poll(lambda: self.agent_said("led0: degraded"), 20, what="the agent back on the daemon")
        self.gate.sections["health"]["disk_min_free_bytes"] = "1048576"
        self.gate.write_config()
        self.gate.proc.send_signal(1)
        self.wait_shape(rec, looks_heartbeat, "heartbeat again after the daemon returned")

    def test_the_agent_outlives_the_bus_restarting(self):
        rec = BrightnessRecorder(os.path.join(self.leds, "led0", "brightness"))
        self.addCleanup(rec.stop)
        self.gate.start()
        self.start_agent()
        self.wait_shape(rec, looks_heartbeat, "heartbeat")
        self.bus.stop()
        self.wait_shape(rec, looks_solid, "solid on without a bus", seconds=2.5)
        self.bus.start()
        self.wait_shape(rec, looks_heartbeat, "heartbeat once the bus and the daemon are back")

    def test_a_missing_led_is_one_clear_line(self):
        self.gate.sections["health"]["led"] = "led7"
        self.gate.write_config()
        p = self.start_agent()
        self.assertEqual(p.wait(20), 78)
        with open(self.agent_log) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("health.led 'led7': no such LED in %s (there are: led0)" % self.leds, lines[0])


if __name__ == "__main__":
    unittest.main()
