"""Fast feedback (issue #20) in one table: the last full run, warm with
nothing changed, warm with one page changed, and each page.

Run it right after a full `scripts/test.sh` in the same checkout (as CI's on
a fresh clone): that run is the first row (setup and images from
reports/setup-times.json, pytest from reports/junit.xml; a cold row when the
clone and the engine were fresh), and its stored passes make the next rows
warm: `scripts/test.sh --changed` with nothing changed, then with one page's
first shell block edited (put back afterwards, whatever happens). The page
rows come from the store of passes (the newest pass of each scenario, so
the full run's, or a later run's where it ran again): each page's scenarios
(every variant and release), with the pages that start from it (what an editor who changes
it waits for, besides the site checks), and, for the pages named with
--overhead, the runner against plain bash (benchmarks/runner_overhead.py; a
server page on a fresh test server). Not a test: numbers vary from machine to
machine. Uses the Docker engine: not beside another test run.

    .venv/bin/python benchmarks/fast_feedback.py [--page docs/install/docker-compose.md] [--overhead PAGE ...]
        [--checkout DIR]

--checkout DIR: the checkout whose full run to start from (CI's fresh clone),
when this script is not in it: adding the script there would change every
test's inputs.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from benchmarks.changed import edit_first_shell_block, full_run, run_pages
from benchmarks.containers import table
from benchmarks.runner_overhead import measure
from benchmarks.suite_times import cases, page_of
from guide_runner import plan_file
from guide_runner.paths import ROOT
from guide_runner.reuse import latest_passes

GOALS = {"cold": 600, "warm, nothing changed": 180}


def dependents(pages: list[str]) -> dict[str, set[str]]:
    """Each page, with the pages whose scenarios start from it (and itself)."""
    found: dict[str, set[str]] = {page: {page} for page in pages}
    for page in pages:
        for plan in plan_file(ROOT / page):
            for base in plan.pages:
                found.setdefault(base, set()).add(page)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="docs/install/docker-compose.md", help="the page to change")
    parser.add_argument("--overhead", nargs="*", default=[], metavar="PAGE",
                        help="pages whose runner overhead to measure (one run each)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout of the full run")
    parser.add_argument("--pages-only", action="store_true", help="only the page rows: no warm runs")
    arguments = parser.parse_args()
    checkout = arguments.checkout.resolve()
    if not arguments.pages_only:
        warm_runs(checkout, arguments.page)
    page_rows(checkout, arguments.overhead)


def warm_runs(checkout: Path, page_name: str) -> None:
    page = checkout / page_name
    report = checkout / "reports/junit.xml"
    found = cases(report)
    pytest_seconds = full_run(report)["seconds"]
    try:
        setup = json.loads((checkout / "reports/setup-times.json").read_text())
        debs = setup.get("debs_seconds", 0)  # recorded since the Debian package
        before = f"setup {setup['setup_seconds']} s, images {setup['images_seconds']} s, Debian packages {debs} s, "
        full = f"{setup['setup_seconds'] + setup['images_seconds'] + debs + pytest_seconds:.0f}"
    except OSError:
        before, full = "setup and images not recorded, ", f"{pytest_seconds:.0f} + setup"
    rows = [("run", "seconds", "goal", "what ran")]
    rows.append(("last full scripts/test.sh there (cold on a fresh clone and engine)", full, f"{GOALS['cold']}",
                 f"{before}pytest {pytest_seconds:.0f} s ({len(found)} tests)"))
    warm = run_pages("warm, nothing changed", checkout)
    original = edit_first_shell_block(page)
    try:
        one = run_pages(f"warm, {page_name} changed", checkout)
    finally:
        page.write_text(original)
    for row in (warm, one):
        counts = row["counts"]
        ran = sum(counts.get(kind, 0) for kind in ("passed", "failed", "error", "skipped"))
        rows.append((row["label"], f"{row['seconds']:.0f}", str(GOALS.get(row["label"], "")),
                     f"{ran} ran, {counts.get('reused', 0)} scenarios reused, {counts.get('deselected', 0)} other tests "
                     f"reused{'' if row['ok'] else ', FAILED: ' + row['tail']}"))
    table(rows)
    for row in (warm, one):
        print(f"{row['label']}: tests that ran")
        for name in row["ran"] or ["(none)"]:
            print(f"  {name}")
        print(f"{row['label']}: scenarios run again, and why")
        for line in row["why"] or ["(none)"]:
            print(f"  {line}")
    print()


def page_rows(checkout: Path, overhead_pages: list[str]) -> None:
    by_page: dict[str, float] = defaultdict(float)
    for name, record in latest_passes(checkout / ".cache/guide-passes").items():
        if name.startswith("docs/"):
            by_page[name.split(" [")[0].partition("@")[0]] += record["seconds"]
    starts = dependents(sorted(by_page))
    rows = [("page", "its scenarios (s)", "with the pages that start from it (s)", "plain bash (s)", "runner (s)",
             "ratio")]
    for name, seconds in sorted(by_page.items(), key=lambda item: -item[1]):
        overhead = ("", "", "")
        if name in overhead_pages:
            plain, runner, _ = measure(plan_file(ROOT / name)[0], 1)
            overhead = (f"{plain:.0f}", f"{runner:.0f}", f"{runner / plain:.2f}x")
        rows.append((name, f"{seconds:.0f}", f"{sum(by_page.get(p, 0) for p in starts.get(name, {name})):.0f}",
                     *overhead))
    table(rows)
    print("plain bash and runner: the page's first scenario once each, as in benchmarks/runner_overhead.py")


if __name__ == "__main__":
    main()
