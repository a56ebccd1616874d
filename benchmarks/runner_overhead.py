"""How much time the guide runner adds to a page's own commands.

For each page: the page's commands run by plain bash (all blocks in one
script, in page order) against the same page run by the runner (a fresh bash
per block with state carried, output comparison, the Docker leak check),
median of 3 runs each; and what the leak check alone costs per page.
A page for a server (`machine="debian-12"`, Install without Docker) has its
plain script run on the same kind of server: a fresh test server, started
the same way, the script run in it as its admin user; both times include
starting the server. Prints a table. Not a test: numbers vary from machine to
machine. Uses the Docker engine: not beside a test run.

    .venv/bin/python benchmarks/runner_overhead.py [--runs N] [--all | docs/PAGE.md ...]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from guide_runner import Kind, Scenario, console, plan_file
from guide_runner.machines import Machine
from guide_runner.options import pairs
from docs_site.paths import DOCS, ROOT
from guide_runner.plan import substituted
from guide_runner.sandbox import Snapshot, engine_is_ours
from guide_runner.scenario import page_env


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
            # answers=: the runner types them at the prompts; plain bash pipes them in, in order.
            answers = [shlex.quote(answer or "") for _, answer in pairs(block.options.get("answers", ""))]
            piped = f"printf '%s\\n' {' '.join(answers)} | " if answers else ""
            commands = [piped + command.command for command in console.parse(block.source)]
            if "converge" in block.options:  # the runner retries until the output matches: retry until it works
                commands = [f"for _ in $(seq {int(float(block.options['converge']))}); do {c} && break; sleep 1; done"
                            for c in commands]
            lines += commands
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


def plain_bash_on_a_server(plan, script: str) -> None:
    """The plain script on a fresh server of the page's kind, as its reader (machines.py)."""
    scratch = Path(tempfile.mkdtemp(prefix="rowbook-benchmark-"))
    env = page_env(scratch, plan)
    Path(env["HOME"]).mkdir()
    (scratch / "plain.sh").write_text(script)
    machine = Machine(plan.machine, env["RUNNER_SANDBOX"] + "-benchmark", scratch)
    try:
        machine.start()
        run = subprocess.run(machine.exec_argv(env, "bash", "-c", f'cd "$HOME" && bash -x {scratch}/plain.sh'),
                             capture_output=True, text=True, timeout=1800)
        if run.returncode:
            raise SystemExit(f"{plan.page}: the plain script failed on the server (exit {run.returncode}):\n"
                             f"{run.stderr[-3000:]}")
    finally:
        machine.remove()
        shutil.rmtree(scratch, ignore_errors=True)


def leak_check() -> None:
    snapshot = Snapshot.take(ours=engine_is_ours())
    snapshot.clean_up()


def measure(plan, runs: int) -> tuple[float, float, float]:
    """Median seconds of: the plan's commands by plain bash, the runner, the leak check alone."""
    script = plain_script(plan)
    plain_run = (lambda: plain_bash_on_a_server(plan, script)) if plan.machine else (lambda: plain_bash(script))
    plain = statistics.median(timed(plain_run) for _ in range(runs))
    runner = statistics.median(timed(lambda: Scenario(plan).run()) for _ in range(runs))
    leak = statistics.median(timed(leak_check) for _ in range(runs))
    return plain, runner, leak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=["docs/prerequisites.md"])
    parser.add_argument("--all", action="store_true", help="every page that has a block to run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, the median is shown (default 3)")
    arguments = parser.parse_args()
    pages = sorted(p.relative_to(ROOT).as_posix() for p in DOCS.rglob("*.md")) if arguments.all else arguments.pages
    rows = [("page", "plain bash (s)", "runner (s)", "ratio", "leak check (s)")]
    for page in pages:
        plans = plan_file(ROOT / page)
        if not plans or plans[0].skip:
            continue  # nothing to run
        plan = plans[0]
        plain, runner, leak = measure(plan, arguments.runs)
        where = f" (on {plan.machine})" if plan.machine else ""
        rows.append((page + where, f"{plain:.2f}", f"{runner:.2f}", f"{runner / plain:.2f}x", f"{leak:.2f}"))
        print(f"{page}: done", file=sys.stderr)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nmedian of {arguments.runs} runs each; ratio = runner / plain bash; a server page's times include "
          "starting its server")


if __name__ == "__main__":
    main()
