"""Where the time of a test run goes: by part of the suite, by page, slowest first.

Reads the JUnit report every `scripts/test.sh` run writes (reports/junit.xml,
or the file given) and prints three tables: the time of each part of the
suite (the pages as the newest release shows them, the older releases'
renditions, the runner's own tests, the images, the chart, the service, the
rest); each page's time, all its variants and renditions together, which is
what an editor who changes that page waits for; and the slowest tests.
Not a test.

    .venv/bin/python benchmarks/suite_times.py [reports/junit.xml]
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

from benchmarks.containers import table
from docs_site.paths import ROOT


def cases(report: Path) -> list[tuple[str, str, float]]:
    """(file, test name, seconds) of every test case in the report."""
    found = []
    for case in ElementTree.parse(report).iter("testcase"):
        name = case.get("name", "")
        file = case.get("classname", "").replace(".", "/")
        found.append((file, name, float(case.get("time", 0))))
    return found


def page_of(file: str) -> str | None:
    """docs/x.md for a page's scenario: pytest's class name docs.x.md reads as docs/x/md."""
    if file.startswith("docs/") and file.endswith("/md"):
        return file.removesuffix("/md") + ".md"
    return None


def part_of(file: str, name: str) -> str:
    if page_of(file):
        return "pages, older releases (@0.1.x)" if "@" in name else "pages, newest release"
    for folder, part in [("tests/runner", "the runner's own tests"), ("tests/containers", "images and Compose files"),
                         ("tests/helm", "the Helm chart"), ("tests/service", "the service"),
                         ("tests/browser", "the site in a browser")]:
        if file.startswith(folder):
            return part
    return "the rest (site build, docs checks, scripts)"


def seconds(value: float) -> str:
    return f"{value:.0f}"


def main() -> None:
    report = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "reports/junit.xml"
    if not report.exists():
        sys.exit(f"{report} not found: run scripts/test.sh first")
    found = cases(report)
    total = sum(time for _, _, time in found)

    parts: dict[str, list[float]] = defaultdict(list)
    pages: dict[str, list[float]] = defaultdict(list)
    for file, name, time in found:
        parts[part_of(file, name)].append(time)
        if page := page_of(file):
            pages[page].append(time)

    rows = [("part of the suite", "tests", "seconds", "share")]
    for part, times in sorted(parts.items(), key=lambda item: -sum(item[1])):
        rows.append((part, str(len(times)), seconds(sum(times)), f"{sum(times) / total:.0%}"))
    rows.append(("all", str(len(found)), seconds(total), "100%"))
    table(rows)

    rows = [("page (every variant and release)", "scenarios", "seconds")]
    for page, times in sorted(pages.items(), key=lambda item: -sum(item[1])):
        rows.append((page, str(len(times)), seconds(sum(times))))
    table(rows)

    rows = [("slowest tests", "seconds")]
    for file, name, time in sorted(found, key=lambda case: -case[2])[:15]:
        rows.append((f"{page_of(file) or file}::{name}"[:110], seconds(time)))
    table(rows)
    print(f"from {report}: {len(found)} tests, {total / 60:.1f} min of test time")


if __name__ == "__main__":
    main()
