"""What `--changed` buys an editor: the whole suite, warm, with nothing
changed and with one page changed.

Runs `scripts/test.sh --changed` three times on this machine's images: once
to fill the store of passes (it runs what has no stored pass: everything on a
new clone, nothing after a full run), once with nothing changed, once after
adding a comment line to the first shell block of one page (put back
afterwards, whatever happens). Prints one table: wall time, tests that ran,
scenarios reused, tests deselected as reused; then, for the runs after the
first, each scenario that ran again and why (the run's "run again" section).
Not a test: numbers vary from machine to machine. Uses the Docker engine: not
beside another test run.

    .venv/bin/python benchmarks/changed.py [--page docs/install/docker-compose.md] [--after-full-run]

--after-full-run: the store was just filled by a full `scripts/test.sh` (as
CI's, in this checkout): skip the first run, and show the full run's time
from its report (reports/junit.xml) instead.
"""

from __future__ import annotations

import argparse
import re
import xml.etree.ElementTree as ElementTree
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) (passed|reused|deselected|failed|skipped|errors?)")


def run_pages(label: str, checkout: Path = ROOT) -> dict:
    started = time.monotonic()
    # Its own report: reports/junit.xml stays the full run's, which the tables read.
    run = subprocess.run(["scripts/test.sh", "--changed", "-q", "-p", "no:cacheprovider", "-rA",
                          "--junitxml=reports/junit-changed.xml"], cwd=checkout, capture_output=True, text=True)
    seconds = time.monotonic() - started
    tail = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    counts = {kind.rstrip("s") if kind.startswith("error") else kind: int(n) for n, kind in SUMMARY.findall(tail)}
    ran = [line.split(" ", 1)[1] for line in run.stdout.splitlines() if line.startswith(("PASSED ", "FAILED "))]
    return {"label": label, "seconds": seconds, "counts": counts, "ran": ran, "ok": run.returncode == 0,
            "tail": tail, "why": ran_again(run.stdout)}


def ran_again(output: str) -> list[str]:
    """The lines of the run's "run again" section: each scenario that ran, and why."""
    lines, inside = [], False
    for line in output.splitlines():
        if line.startswith("="):
            inside = " run again " in line
        elif inside and line.strip():
            lines.append(line)
    return lines


def full_run(report: Path) -> dict:
    """The row of the full run that filled the store, from its JUnit report:
    one suite, or two that ran side by side (scripts/test.sh), whose time is
    the longer one's."""
    suites = list(ElementTree.parse(report).iter("testsuite"))

    def total(key: str) -> int:
        return sum(int(suite.get(key, 0)) for suite in suites)

    counts = {"passed": total("tests") - total("failures") - total("errors") - total("skipped"),
              "failed": total("failures"), "skipped": total("skipped")}
    return {"label": f"full run, fills the store (pytest time from {report})",
            "seconds": max(float(suite.get("time", 0)) for suite in suites), "counts": counts, "ran": [],
            "ok": counts["failed"] == 0, "tail": "", "why": []}


def edit_first_shell_block(page: Path) -> str:
    """Add a comment line to the page's first bash block; returns the original text."""
    original = page.read_text()
    edited, found = re.subn(r"(```bash\n)", r"\1# edited by benchmarks/changed.py\n", original, count=1)
    if not found:
        raise SystemExit(f"{page} has no ```bash block to edit")
    page.write_text(edited)
    return original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="docs/install/docker-compose.md", help="the page to change")
    parser.add_argument("--after-full-run", action="store_true",
                        help="the store holds a full run's passes: time that run from reports/junit.xml")
    arguments = parser.parse_args()
    page = ROOT / arguments.page

    if arguments.after_full_run:
        rows = [full_run(ROOT / "reports" / "junit.xml")]
    else:
        rows = [run_pages("fill the store (runs what has no pass)")]
    rows.append(run_pages("warm, nothing changed"))
    original = edit_first_shell_block(page)
    try:
        rows.append(run_pages(f"warm, {page.relative_to(ROOT)} changed"))
    finally:
        page.write_text(original)

    print("| run | wall (s) | tests run | scenarios reused | other tests reused (deselected) | result |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        c = row["counts"]
        ran = c.get("passed", 0) + c.get("failed", 0) + c.get("error", 0) + c.get("skipped", 0)
        print(f"| {row['label']} | {row['seconds']:.0f} | {ran} | {c.get('reused', 0)} | {c.get('deselected', 0)} | "
              f"{'ok' if row['ok'] else 'FAILED: ' + row['tail']} |")
    for row in rows[1:]:
        print(f"\n{row['label']}: scenarios run again, and why")
        for line in row["why"] or ["(none)"]:
            print(f"  {line}")
    print(f"\nran after changing {page.relative_to(ROOT)}:")
    for name in rows[-1]["ran"]:
        print(f"  {name}")


if __name__ == "__main__":
    main()
