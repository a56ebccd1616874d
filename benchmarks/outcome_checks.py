"""What the outcome checks (sign in through the browser, the reader's steps
in it, the pictures) add to each page's scenario.

Runs each scenario of the pages once, as the suite runs them, timing every
block; prints per scenario the whole scenario's time, its outcome checks'
time and their share. Not a test: numbers vary from machine to machine.

    .venv/bin/python benchmarks/outcome_checks.py [docs/PAGE.md ...]

Without arguments: the newest rendition of every page with an outcome check.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from guide_runner import Kind, Scenario, plan_file, read_page
from guide_runner import scenario as scenario_module
from docs_site.paths import DOCS, ROOT
from guide_runner.shell import Session


def pages_with_outcomes() -> list[Path]:
    return [path for path in sorted(DOCS.rglob("*.md"))
            if any(b.kind == Kind.OUTCOME for b in read_page(path).blocks)]


def main(paths: list[Path]) -> None:
    spent: dict[str, float] = {}
    evaluate = scenario_module.evaluate

    def timed(block, context):
        started = time.monotonic()
        try:
            return evaluate(block, context)
        finally:
            if block.kind == Kind.OUTCOME:
                spent["outcomes"] = spent.get("outcomes", 0.0) + time.monotonic() - started
                spent["checks"] = spent.get("checks", 0) + 1

    scenario_module.evaluate = timed
    # The browser process a scenario's checks share ends in its clean-up: count that too.
    close_browser = Session.close_browser

    def timed_close(session):
        started = time.monotonic()
        try:
            return close_browser(session)
        finally:
            spent["outcomes"] = spent.get("outcomes", 0.0) + time.monotonic() - started

    Session.close_browser = timed_close
    rows = []
    for path in paths:
        for plan in plan_file(path):
            if plan.skip:
                continue
            spent.clear()
            started = time.monotonic()
            Scenario(plan).run()
            total = time.monotonic() - started
            outcomes = spent.get("outcomes", 0.0)
            rows.append((plan.name.removeprefix("docs/"), total, int(spent.get("checks", 0)), outcomes,
                         100 * outcomes / total))
            print(f"  ran {plan.name}: {total:.1f} s", file=sys.stderr)
    header = ("scenario", "whole s", "checks", "checks s", "share %")
    table = [header] + [(name, f"{t:.1f}", str(n), f"{o:.1f}", f"{share:.0f}") for name, t, n, o, share in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    whole, checks = sum(r[1] for r in rows), sum(r[3] for r in rows)
    print(f"\nall: {whole:.0f} s, of which outcome checks {checks:.0f} s ({100 * checks / whole:.0f}%)")


if __name__ == "__main__":
    main([ROOT / p for p in sys.argv[1:]] or pages_with_outcomes())
