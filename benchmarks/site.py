"""How heavy and how fast the docs site is, page by page, in Chromium.

Prints a table: the site build time (median of 3 `mkdocs build` runs), and
for each page its weight (the HTML plus every asset it loads from the site,
cold cache) and its time to first contentful paint. Requests to other hosts
(Google Fonts, the GitHub API) are refused, as with no network. Not a test:
numbers vary from machine to machine.

    .venv/bin/python benchmarks/site.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser.chromium import chromium
from tests.browser.site_build import build_site, built_pages, serve

BUILDS = 3
# Bytes of the HTML and of every resource the page loaded (bodies, as sent).
WEIGHT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return [nav, ...performance.getEntriesByType('resource')]
    .reduce((sum, e) => sum + (e.encodedBodySize || 0), 0);
}"""
FCP_JS = """() => new Promise(resolve => {
  const entry = performance.getEntriesByName('first-contentful-paint')[0];
  if (entry) return resolve(entry.startTime);
  new PerformanceObserver(list => resolve(list.getEntries()[0].startTime))
    .observe({type: 'paint', buffered: true});
})"""


def measure_build(tmp: Path) -> float:
    times = []
    for i in range(BUILDS):
        start = time.perf_counter()
        build_site(tmp / f"site{i}")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_pages(site: Path) -> list[tuple[str, int, float]]:
    rows = []
    with serve(site) as url, chromium() as browser:
        host = urlsplit(url).netloc
        for path in built_pages(site):
            context = browser.new_context()  # a cold cache for every page
            page = context.new_page()
            page.route(lambda u: urlsplit(u).netloc != host, lambda route: route.abort())
            page.goto(url + path, wait_until="networkidle")
            rows.append(("/" + path, page.evaluate(WEIGHT_JS), page.evaluate(FCP_JS)))
            context.close()
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build_time = measure_build(Path(tmp))
        rows = measure_pages(Path(tmp) / "site0")
    width = max(len(r[0]) for r in rows)
    print(f"site build (mkdocs build, median of {BUILDS}): {build_time:.2f} s\n")
    print(f"{'page':<{width}}  {'weight (KiB)':>12}  {'first render (ms)':>17}")
    print(f"{'-' * width}  {'-' * 12}  {'-' * 17}")
    for path, weight, fcp in rows:
        print(f"{path:<{width}}  {weight / 1024:>12.1f}  {fcp:>17.0f}")
    total = sum(r[1] for r in rows)
    largest = max(rows, key=lambda r: r[1])
    print(f"\ntotal page weight: {total / 1024:.1f} KiB over {len(rows)} pages "
          f"(assets counted once per page)")
    print(f"largest page: {largest[0]} ({largest[1] / 1024:.1f} KiB)")
    print(f"first render: median {statistics.median(r[2] for r in rows):.0f} ms, "
          f"slowest {max(r[2] for r in rows):.0f} ms")


if __name__ == "__main__":
    main()
