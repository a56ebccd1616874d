"""What the support window saves (guide_runner/release_passes.py), one row per run.

Give it the checkouts of full `scripts/test.sh` runs (CI's fresh clones, say:
one with `ROWBOOK_DOCS_EVERY_RELEASE=1` or no record, one with the record
committed). Each row: the run's parts before pytest and its pytest seconds
(reports/setup-times.json), the Docker tests' lane-seconds
(reports/durations.json), and of the older releases' scenarios how many ran
and in how many lane-seconds, and how many the record stood for, with the
seconds their recorded passes took (reports/coverage.json,
reports/release-passes.json). Not a test: it reads reports, runs nothing.

    .venv/bin/python benchmarks/support_window.py CHECKOUT [CHECKOUT ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.containers import table


def older(nodeid: str) -> bool:
    """An older release's scenario: docs/x.md::variant@0.1.2."""
    path, _, name = nodeid.partition("::")
    return path.startswith("docs/") and "@" in name


def row(checkout: Path) -> list[str]:
    reports = checkout / "reports"
    parts = json.loads((reports / "setup-times.json").read_text())
    before = sum(parts.get(k, 0) for k in ("setup_seconds", "images_seconds", "debs_seconds", "lanes_seconds"))
    durations = json.loads((reports / "durations.json").read_text())
    coverage = json.loads((reports / "coverage.json").read_text())
    record_path = reports / "release-passes.json"
    record = json.loads(record_path.read_text())["passes"] if record_path.exists() else {}
    reused = coverage.get("release_passes", {})
    ran = {nodeid: s for nodeid, s in durations.items() if older(nodeid)}
    not_run = sum(record.get(name, {}).get("seconds", 0) for name in reused)
    return [checkout.name, str(before), str(parts.get("pytest_seconds", "?")), f"{sum(durations.values()):.0f}",
            f"{len(ran) - len(reused)}", f"{sum(ran.values()):.0f}", str(len(reused)), f"{not_run:.0f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="+", type=Path)
    args = parser.parse_args()
    table([("run", "before pytest, s", "pytest, s", "Docker tests, lane-s", "older scenarios run",
            "their lane-s", "older not run (record)", "their recorded s"),
           *(tuple(row(checkout)) for checkout in args.checkouts)])


if __name__ == "__main__":
    main()
