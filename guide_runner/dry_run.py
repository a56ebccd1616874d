"""`pytest --dry-run`: what each scenario would run, where, in order; nothing run.

For a page nobody annotated yet, this is the way to see, before anything
runs on this machine, which blocks the runner takes for commands (and which
use `sudo`), which it only checks, and which it leaves alone.
"""

from __future__ import annotations

import re

from .languages import Kind
from .plan import Plan, in_throwaway_container

_SUDO = re.compile(r"(^|[;&|(]\s*|\s)sudo\s")

_DOES = {
    Kind.SHELL: "runs",
    Kind.CONSOLE: "runs, compares output",
    Kind.CONFIG: "writes its file, checks it",
    Kind.HIDDEN: "runs (hidden)",
    Kind.TEARDOWN: "runs last, always (hidden)",
    Kind.OUTCOME: "checks in a browser",
    Kind.UNKNOWN: "not run",
}


def where(plan: Plan, run_pages_in: str = "host", container_image: str = "") -> str:
    """Where the scenario runs: `run_pages_in` and `container_image` are the project's."""
    if plan.machine:
        place = f"on a fresh {plan.machine} test server"
    elif in_throwaway_container(plan, run_pages_in):
        place = f"in a throwaway container of {container_image}"
    else:
        place = "on this machine, in a scratch folder"
    if plan.changes_host:
        place += f"; changes this machine: {plan.changes_host}"
    return place


def describe(name: str, plan: Plan, run_pages_in: str = "host", container_image: str = "") -> list[str]:
    """One line for the scenario, then one per block in the order they run."""
    if plan.skip:
        return [f"{name}: skipped ({plan.skip})"]
    lines = [f"{name}: {where(plan, run_pages_in, container_image)}"]
    order = [b for b in plan.blocks if b.kind != Kind.TEARDOWN] + [b for b in plan.blocks if b.kind == Kind.TEARDOWN]
    for block in order:
        written = [line.strip() for line in block.source.splitlines() if line.strip()] or [""]
        first, more = written[0], len(written) - 1
        text = (first[:70] + "...") if len(first) > 70 else first
        if more > 0:
            text += f" (+{more} line{'s' if more > 1 else ''})"
        if block.kind == Kind.CONFIG and block.title:
            text = f"{block.title}: {text}"
        sudo = " [sudo]" if block.kind in (Kind.SHELL, Kind.CONSOLE, Kind.HIDDEN, Kind.TEARDOWN) and any(
            _SUDO.search(" " + line) for line in block.source.splitlines()) else ""
        # What the evaluator does first (evaluators.evaluate): a skipped block runs nothing.
        does = f"skipped ({block.options['skip']})" if "skip" in block.options else f"{_DOES[block.kind]}{sudo}"
        lines.append(f"  {block.where:<40} {block.language or '-':<10} {does}: {text}")
    return lines
