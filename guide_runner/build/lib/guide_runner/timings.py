"""Where a scenario's time goes, by part: the reader's own commands, the
hidden setup, the outcome checks, the teardown, the test server, and the
runner around them. Stored with each pass (reuse.py), so
benchmarks/fast_feedback.py can say how much of a run is the guides' own
commands (issue #20)."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .languages import Kind

# The parts, in the order the table shows them.
COMMANDS = "reader's commands"  # what the page shows and the reader types or writes: shell, console, config files
HIDDEN = "hidden setup"  # <!-- test-hidden -->: what the reader has already (a database, a server's stand-in)
CHECKS = "outcome checks"  # <!-- test-outcome -->: the reader's browser
TEARDOWN = "teardown"  # <!-- test-teardown -->
SERVER = "test server"  # starting and removing the page's server (machines.py): the reader has one already
RUNNER = "runner"  # the rest: engine snapshots, the leak check, the browser process, the runner's own work
PARTS = (COMMANDS, HIDDEN, CHECKS, TEARDOWN, SERVER, RUNNER)
# What the page itself runs: its time is the guide's, whatever runner runs it.
OWN = (COMMANDS, HIDDEN, CHECKS, TEARDOWN)

_BY_KIND = {Kind.SHELL: COMMANDS, Kind.CONSOLE: COMMANDS, Kind.CONFIG: COMMANDS, Kind.UNKNOWN: COMMANDS,
            Kind.HIDDEN: HIDDEN, Kind.OUTCOME: CHECKS, Kind.TEARDOWN: TEARDOWN}


def part_of(kind: Kind) -> str:
    return _BY_KIND[kind]


def busy_cpu_seconds(stat: Path = Path("/proc/stat")) -> float | None:
    """CPU seconds the whole machine has been busy since it booted, all cores
    together (the test servers and containers share its kernel); None where
    there is no /proc/stat."""
    try:
        fields = stat.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Timings:
    """Seconds by part; what no part claims is the runner's. Also how busy the
    machine's cores were meanwhile: a scenario that keeps them busy would not
    go faster beside another one."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.ended: float | None = None
        self.seconds: dict[str, float] = {}
        self._busy_at_start = busy_cpu_seconds()
        self._busy_at_end: float | None = None

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started

    def stop(self) -> None:
        self.ended = time.monotonic()
        self._busy_at_end = busy_cpu_seconds()

    def cores_busy(self) -> float | None:
        """How many cores were busy on average, from start to stop (0 to the machine's count)."""
        if self.ended is None or self._busy_at_start is None or self._busy_at_end is None:
            return None
        busy = (self._busy_at_end - self._busy_at_start) / max(self.ended - self.started, 1e-9)
        # /proc/stat counts in clock ticks (10 ms): over a short time, a little more than every core.
        return round(min(busy, os.cpu_count() or 1), 2)

    def record(self) -> dict:
        """What a stored pass keeps of it."""
        return {"parts": self.as_dict(), "cores busy": self.cores_busy(), "cores": os.cpu_count()}

    def as_dict(self) -> dict[str, float]:
        """Every part (0 where none ran), the runner's share included, in seconds."""
        total = (self.ended or time.monotonic()) - self.started
        parts = {name: round(self.seconds.get(name, 0.0), 2) for name in PARTS if name != RUNNER}
        parts[RUNNER] = round(max(0.0, total - sum(self.seconds.values())), 2)
        return parts


def own(parts: dict[str, float]) -> float:
    """The seconds the page's own blocks took."""
    return sum(parts.get(name, 0.0) for name in OWN)
