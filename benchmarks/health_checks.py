"""What Docker's health checks cost while Rowbook runs: the machine's CPU per
minute with one all-in-one container, without a health check and with each
way of checking. Docker 20.10 has no start interval, so the interval is both
how soon a start is seen and how often the check runs for ever after: this
table is what a shorter interval costs.

Not a test: numbers vary from machine to machine; run it on an idle machine.

    .venv/bin/python -m benchmarks.health_checks
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time

from benchmarks.containers import table
from docs_site.paths import ROOT

# The check Rowbook's images had up to now: a Python start per check.
PYTHON_CHECK = shlex.join(["python3", "-c", "import os, urllib.request; urllib.request.urlopen("
                           "'http://127.0.0.1:%s/healthz' % os.environ.get('ROWBOOK_PORT', '8000'), timeout=4)"])
NOTHING = "true"  # what Docker's exec costs by itself
IMAGE = "the image's"  # the check of docker/rowbook/Dockerfile
CONTAINER = "rowbook-bench-health"
SETTLE, WINDOW = 15, 45  # seconds


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy, in seconds."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (sum(fields[:3]) + sum(fields[5:8])) / os.sysconf("SC_CLK_TCK")


def cpu_per_minute(image: str, check: str | None, interval: str) -> float:
    """Core-seconds per minute with the container running the check: a shell
    command, IMAGE for the image's own, None for none."""
    subprocess.run(["docker", "rm", "-f", CONTAINER], capture_output=True)
    args = ["docker", "run", "-d", "--name", CONTAINER]
    if check is None:
        args.append("--no-healthcheck")
    else:
        args += ["--health-interval", interval]
        if check != IMAGE:
            args += ["--health-cmd", check]
    try:
        subprocess.run([*args, image], check=True, capture_output=True)
        time.sleep(SETTLE)
        before = busy_seconds()
        time.sleep(WINDOW)
        return (busy_seconds() - before) / WINDOW * 60
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", CONTAINER], capture_output=True)


def main() -> None:
    newest = subprocess.run([str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/release-info.py"), "newest"],
                            check=True, capture_output=True, text=True).stdout.strip()
    image = f"rowbook/all-in-one:{newest}"
    rows = [("health check", "interval", "CPU (core-s per minute)")]
    for label, check, interval in (("none", None, "-"), ("docker exec of `true`", NOTHING, "2s"),
                                   ("Python (before)", PYTHON_CHECK, "5s"), ("Python (before)", PYTHON_CHECK, "2s"),
                                   ("bash (now)", IMAGE, "5s"), ("bash (now)", IMAGE, "2s")):
        rows.append((label, interval, f"{cpu_per_minute(image, check, interval):.2f}"))
    table(rows)


if __name__ == "__main__":
    main()
