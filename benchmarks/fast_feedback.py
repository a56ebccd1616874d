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
server page on a fresh test server). Each page's time is split by part
(guide_runner/timings.py: its own blocks, its test server, the runner) with
how busy the machine's cores were. The last table says where the full run's
time went and what no runner can take away: the guides' own blocks, one
after another, and the CPU seconds they need. Not a test: numbers vary from
machine to machine. Uses the Docker engine: not beside another test run.

    .venv/bin/python benchmarks/fast_feedback.py [--page docs/install/docker-compose.md] [--overhead PAGE ...]
        [--checkout DIR]

--checkout DIR: the checkout whose full run to start from (CI's fresh clone),
when this script is not in it: adding the script there would change every
test's inputs.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

from benchmarks.changed import edit_first_shell_block, full_run, run_pages
from benchmarks.containers import table
from benchmarks.runner_overhead import measure
from benchmarks.suite_times import cases, page_of, part_of
from guide_runner import plan_file, timings
from docs_site.paths import ROOT
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
    floor_rows(checkout)


def warm_runs(checkout: Path, page_name: str) -> None:
    page = checkout / page_name
    report = checkout / "reports/junit.xml"
    found = cases(report)
    pytest_seconds = full_run(report)["seconds"]
    try:
        setup = json.loads((checkout / "reports/setup-times.json").read_text())
        debs = setup.get("debs_seconds", 0)  # recorded since the Debian package
        lanes = setup.get("lanes_seconds", 0)  # the lanes' start, where it outlasts the packages
        # Wall time, since the tests without Docker run beside the others.
        pytest_seconds = setup.get("pytest_seconds", pytest_seconds)
        before = (f"setup {setup['setup_seconds']} s, images {setup['images_seconds']} s, Debian packages {debs} s, "
                  f"lanes {lanes} s more, ")
        full = f"{setup['setup_seconds'] + setup['images_seconds'] + debs + lanes + pytest_seconds:.0f}"
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


def scenario_passes(checkout: Path) -> dict[str, dict]:
    """The newest stored pass of each page's scenario, by name."""
    return {name: record for name, record in latest_passes(checkout / ".cache/guide-passes").items()
            if name.startswith("docs/")}


def parts_of(record: dict) -> dict[str, float]:
    """Where a pass's seconds went (guide_runner/timings.py); all the runner's
    for a pass stored before the runner kept its timings."""
    return record.get("timings", {}).get("parts") or {timings.RUNNER: record["seconds"]}


def busy_core_seconds(record: dict) -> float:
    """CPU seconds the machine spent during the scenario, all cores together."""
    return (record.get("timings", {}).get("cores busy") or 0) * record["seconds"]


def page_rows(checkout: Path, overhead_pages: list[str]) -> None:
    by_page: dict[str, list[dict]] = defaultdict(list)
    for name, record in scenario_passes(checkout).items():
        by_page[name.split(" [")[0].partition("@")[0]].append(record)
    if not by_page:
        print("no passes stored here: run scripts/test.sh first\n")
        return
    seconds = {page: sum(r["seconds"] for r in records) for page, records in by_page.items()}
    starts = dependents(sorted(by_page))
    rows = [("page", "scenarios", "seconds", "own blocks", "test server", "runner", "runner per scenario",
             "cores busy", "with the pages that start from it", "plain bash", "runner alone", "ratio")]

    def row(name: str, records: list[dict], with_dependents: str, overhead: tuple[str, ...]) -> tuple[str, ...]:
        parts = [parts_of(r) for r in records]
        total = sum(r["seconds"] for r in records)
        runner = sum(p.get(timings.RUNNER, 0) for p in parts)
        return (name, str(len(records)), f"{total:.0f}", f"{sum(timings.own(p) for p in parts):.0f}",
                f"{sum(p.get(timings.SERVER, 0) for p in parts):.0f}", f"{runner:.0f}",
                f"{runner / len(records):.1f}", f"{sum(map(busy_core_seconds, records)) / max(total, 1e-9):.2f}",
                with_dependents, *overhead)

    for name, records in sorted(by_page.items(), key=lambda item: -seconds[item[0]]):
        overhead = ("", "", "")
        if name in overhead_pages:
            plain, runner, _ = measure(plan_file(ROOT / name)[0], 1)
            overhead = (f"{plain:.0f}", f"{runner:.0f}", f"{runner / plain:.2f}x")
        rows.append(row(name, records, f"{sum(seconds.get(p, 0) for p in starts.get(name, {name})):.0f}", overhead))
    rows.append(row("all pages", [r for records in by_page.values() for r in records], "", ("", "", "")))
    table(rows)
    print("own blocks: the page's commands, hidden setup, outcome checks and teardown. test server: starting\n"
          "and removing the page's server. runner: the rest (engine snapshots, the leak check, the browser\n"
          f"process); the goal is 2 s per scenario. cores busy: the whole machine's, of {os.cpu_count()}, on average "
          "while\nthe page's scenarios ran. plain bash and runner alone: the page's first scenario once each, as in\n"
          "benchmarks/runner_overhead.py.\n")


def floor_rows(checkout: Path) -> None:
    """Where the last full run's time went, and what no runner could take away:
    the guides' own blocks, one after another; and the CPU they keep busy."""
    report = checkout / "reports/junit.xml"
    try:
        setup = json.loads((checkout / "reports/setup-times.json").read_text())
        found = cases(report)
    except OSError:
        print("no full run here: run scripts/test.sh first\n")
        return
    records = list(scenario_passes(checkout).values())  # the full run's, or a later run's where one ran again
    parts: dict[str, float] = defaultdict(float)
    for record in records:
        for name, value in parts_of(record).items():
            parts[name] += value
    other: dict[str, float] = defaultdict(float)
    for file, name, time in found:
        if not page_of(file):
            other[part_of(file, name)] += time
    rows = [("part of the last full run", "seconds", "min")]
    for name, value in [("setup (virtualenv, Debian packages of the host)", setup["setup_seconds"]),
                        ("images (base images by debootstrap, ours)", setup["images_seconds"]),
                        ("Debian packages of Rowbook", setup.get("debs_seconds", 0)),
                        ("lanes, the part of their start after the packages", setup.get("lanes_seconds", 0))]:
        rows.append((name, f"{value:.0f}", f"{value / 60:.1f}"))
    rows += [(f"pages: {name}", f"{parts[name]:.0f}", f"{parts[name] / 60:.1f}") for name in timings.PARTS]
    rows += [(f"other tests: {name}", f"{value:.0f}", f"{value / 60:.1f}")
             for name, value in sorted(other.items(), key=lambda item: -item[1])]
    before = (setup["setup_seconds"] + setup["images_seconds"] + setup.get("debs_seconds", 0)
              + setup.get("lanes_seconds", 0))
    test_time = sum(time for _, _, time in found)
    rows.append(("all, one after another", f"{before + test_time:.0f}", f"{(before + test_time) / 60:.1f}"))
    if "pytest_seconds" in setup:  # the tests without Docker ran beside the others
        wall = before + setup["pytest_seconds"]
        rows.append(("all, as the run took (tests without Docker beside the others)", f"{wall:.0f}",
                     f"{wall / 60:.1f}"))
    table(rows)
    own = sum(parts[name] for name in timings.OWN)
    busy = sum(map(busy_core_seconds, records))
    cores = os.cpu_count() or 1
    wall = sum(r["seconds"] for r in records)
    print(f"The guides' own blocks, one after another: {own:.0f} s ({own / 60:.1f} min), of {wall:.0f} s in "
          f"{len(records)} scenarios:\nthe floor of any run that runs the pages one at a time, whatever the runner.\n"
          f"While the pages ran, the machine's {cores} cores were busy for {busy:.0f} CPU seconds "
          f"({busy / max(wall, 1e-9):.2f} cores on\naverage; the whole machine's, so anything running beside the "
          f"pages counts too): {busy / cores:.0f} s ({busy / cores / 60:.1f} min)\nof the pages' time would remain "
          f"if they ran side by side with no core ever idle; {cores * wall - busy:.0f} core-seconds\nwere idle "
          f"(waiting on the network, on sleeps and health checks).\n")


if __name__ == "__main__":
    main()
