"""What the block marks weigh, page by page, in Chromium.

Builds the site twice, without test results (no marks, no stylesheet for
them) and with results of a passing run of every page (made from the page
model, tests/synthetic_results.py: no Docker), and prints each page's weight
(the HTML plus every asset it loads, cold cache; benchmarks/site.py) in both,
and the difference. The budget is 5 KiB a page. Not a test.

    .venv/bin/python benchmarks/block_marks.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.site import measure_pages
from docs_site.paths import DOCS
from guide_runner.site_config import site_config
from tests.browser.site_build import build_site
from tests.synthetic_results import docs_pages, write_report

BUDGET_KIB = 5


def weights(tmp: Path, name: str, results: Path) -> dict[str, int]:
    config = site_config()
    config["extra"]["ci_results"] = str(results)
    return {path: weight for path, weight, _ in measure_pages(build_site(tmp / name, config))}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        without = weights(tmp, "without", tmp / "no-results.json")
        marked = weights(tmp, "with", write_report(tmp / "coverage.json", docs_pages(DOCS)))
    width = max(map(len, without))
    print(f"{'page':<{width}}  {'without (KiB)':>13}  {'with marks (KiB)':>16}  {'added (KiB)':>11}")
    print(f"{'-' * width}  {'-' * 13}  {'-' * 16}  {'-' * 11}")
    for path, weight in without.items():
        print(f"{path:<{width}}  {weight / 1024:>13.1f}  {marked[path] / 1024:>16.1f}  "
              f"{(marked[path] - weight) / 1024:>11.2f}")
    largest = max(without, key=lambda p: marked[p] - without[p])
    added = (marked[largest] - without[largest]) / 1024
    print(f"\nmost added: {largest} (+{added:.2f} KiB; budget {BUDGET_KIB} KiB: "
          f"{'within' if added < BUDGET_KIB else 'OVER'})")


if __name__ == "__main__":
    main()
