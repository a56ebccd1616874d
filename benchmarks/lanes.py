"""What lanes, checkpoints and shards buy: the same Docker tests run serially,
in 1, 2 and 3 lanes, without checkpoints, and as two shards, in one table.

Each row is one pytest run of the Docker tests of the pages given (default: a
sample that holds a base page on a test server with pages that start from it,
and pages on the Docker engine; every variant of the newest release):

- serial: `--lanes 0`, on this machine's own Docker engine, one test at a time;
- N lanes: `--lanes N`, N Docker engines side by side (guide_runner/lanes.py);
- no checkpoints: the same with `--no-checkpoints`, each page that starts from
  a base on a test server replays the base (what the checkpoints save);
- shard K/2: `--shard K/2` in 2 lanes, one after the other: what each of two
  machines of this kind would take (guide_runner/shards.py).

Wall seconds are the run's; CPU seconds are the whole machine's busy time
during the run (/proc/stat), the engines' and containers' included, which a
child process's own count would miss. "from checkpoint" counts the scenarios
of the run's coverage report that started from one. The coverage report the
site reads (reports/coverage.*) is put back after each run, whatever happens.
Not a test: numbers vary from machine to machine. Uses the Docker engine: not
beside another test run.

    .venv/bin/python benchmarks/lanes.py [--runs serial 1 2 3 no-checkpoints shards] [PAGE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.containers import table

ROOT = Path(__file__).resolve().parents[1]
# The install without Docker is the base of the Without Docker variants of the
# next three pages (checkpoints); the Quickstart and the other variants run on
# the Docker engine.
SAMPLE = ["docs/install/without-docker.md", "docs/logs.md", "docs/secret-key.md", "docs/troubleshooting-server.md",
          "docs/quickstart.md"]
SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|errors?)")
RUNS = {
    "serial": ("serial (main engine)", ["--lanes", "0"]),
    "1": ("1 lane", ["--lanes", "1"]),
    "2": ("2 lanes", ["--lanes", "2"]),
    "3": ("3 lanes", ["--lanes", "3"]),
    "no-checkpoints": ("2 lanes, no checkpoints", ["--lanes", "2", "--no-checkpoints"]),
}
SHARDS = [("shard 1/2, 2 lanes", ["--lanes", "2", "--shard", "1/2"]),
          ("shard 2/2, 2 lanes", ["--lanes", "2", "--shard", "2/2"])]


def busy_seconds() -> float:
    """The machine's CPU time spent so far, all cores (user, nice, system, irq, softirq, steal)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def from_checkpoint(report: Path) -> int:
    data = json.loads(report.read_text()) if report.exists() else {}
    return len(data.get("checkpoints", {}).get("started_from", {}))


def newest_scenarios(pages: list[str]) -> list[str]:
    """The test ids of the pages' Docker scenarios for the newest release: an
    older release's rendition has "@VERSION" in its id (pytest's -k cannot
    match an "@")."""
    listed = subprocess.run([str(ROOT / ".venv/bin/pytest"), "-p", "no:cacheprovider", "-q", "--collect-only",
                             "-m", "docker", *pages], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in listed.stdout.splitlines() if "::" in line and "@" not in line]


def run(label: str, options: list[str], tests: list[str], keep: Path) -> tuple[str, ...]:
    """One pytest run; the row of the table. The site's coverage report is put back afterwards."""
    reports = ROOT / "reports"
    for name in ("coverage.json", "coverage.txt"):
        if (reports / name).exists():
            shutil.copy2(reports / name, keep / name)
    command = [str(ROOT / ".venv/bin/pytest"), "-p", "no:cacheprovider", "-q", *options, *tests]
    started_busy, started = busy_seconds(), time.monotonic()
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall, cpu = time.monotonic() - started, busy_seconds() - started_busy
        checkpoints = from_checkpoint(reports / "coverage.json")
    finally:
        for name in ("coverage.json", "coverage.txt"):
            if (keep / name).exists():
                shutil.copy2(keep / name, reports / name)
    tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()[-200:]
    counts = dict((kind, n) for n, kind in SUMMARY.findall(tail))
    if result.returncode != 0:
        print(f"{label}: pytest exited {result.returncode}: {tail}", file=sys.stderr)
    if "--no-checkpoints" in options and checkpoints:
        raise SystemExit(f"{label}: {checkpoints} scenarios started from a checkpoint despite --no-checkpoints")
    return (label, f"{wall:.0f}", f"{cpu:.0f}", f"{cpu / wall:.2f}", counts.get("passed", "0"),
            counts.get("failed", "0"), str(checkpoints))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", nargs="+", default=[*RUNS, "shards"], choices=[*RUNS, "shards"])
    parser.add_argument("pages", nargs="*", default=SAMPLE)
    args = parser.parse_args(argv)
    rows = [("run", "wall s", "CPU s", "cores busy", "passed", "failed", "from checkpoint")]
    tests = newest_scenarios(args.pages)
    with tempfile.TemporaryDirectory(prefix="guide-runner-benchmark-") as keep:
        for name in args.runs:
            for label, options in (SHARDS if name == "shards" else [RUNS[name]]):
                rows.append(run(label, options, tests, Path(keep)))
                print("  ".join(rows[-1]), file=sys.stderr)  # progress: a run takes minutes
    print(f"{len(tests)} Docker scenarios of {' '.join(args.pages)} (newest release), {os.cpu_count()} cores\n")
    table(rows)


if __name__ == "__main__":
    main()
