"""How much time the guide runner adds to a page's own commands.

For each page: the page's commands run by plain bash (all blocks in one
script, in page order) against the same page run by the runner (a fresh bash
per block with state carried, output comparison, the Docker leak check),
median of 3 runs each; and what the leak check alone costs per page.
Prints a table. Not a test: numbers vary from machine to machine.

    .venv/bin/python benchmarks/runner_overhead.py [docs/PAGE.md ...]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

from guide_runner import Kind, Scenario, console, plan_file
from guide_runner.paths import ROOT
from guide_runner.plan import substituted
from guide_runner.sandbox import Snapshot

RUNS = 3


def plain_script(plan) -> str:
    """The scenario's commands as one bash script, as the runner would run them
    (test-only substitutions applied), without the runner around them."""
    lines = ["set -e -o pipefail"]
    for block in plan.blocks:
        if "replace" in block.options:
            block = substituted(block, block.options["replace"])
        if block.kind in (Kind.SHELL, Kind.HIDDEN):
            lines.append(block.source)
        elif block.kind == Kind.CONSOLE:
            lines += [command.command for command in console.parse(block.source)]
    teardown = [b.source for b in plan.blocks if b.kind == Kind.TEARDOWN]
    return "\n".join(lines + teardown) + "\n"


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def plain_bash(script: str) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {"HOME": home, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "RUNNER_REPO": str(ROOT), "RUNNER_FILES": str(ROOT),
               "RUNNER_SANDBOX": "rbdocs-benchmark"}
        subprocess.run(["bash", "-c", script], cwd=home, env=env, check=True, capture_output=True)


def leak_check() -> None:
    snapshot = Snapshot.take()
    snapshot.clean_up()


def main(pages: list[str]) -> None:
    rows = [("page", "plain bash (s)", "runner (s)", "ratio", "leak check (s)")]
    for page in pages:
        plan = plan_file(ROOT / page)[0]
        if plan.machine:
            # Plain bash would run a server's commands (apt, adduser, systemd)
            # on this machine: leave such pages out.
            print(f"{page}: left out, it runs on a test server ({plan.machine})", file=sys.stderr)
            continue
        script = plain_script(plan)
        plain = statistics.median(timed(lambda: plain_bash(script)) for _ in range(RUNS))
        runner = statistics.median(timed(lambda: Scenario(plan).run()) for _ in range(RUNS))
        leak = statistics.median(timed(leak_check) for _ in range(RUNS))
        rows.append((page, f"{plain:.2f}", f"{runner:.2f}", f"{runner / plain:.2f}x", f"{leak:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nmedian of {RUNS} runs each; ratio = runner / plain bash")


if __name__ == "__main__":
    main(sys.argv[1:] or ["docs/prerequisites.md"])
