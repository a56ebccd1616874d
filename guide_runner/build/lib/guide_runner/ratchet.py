"""The coverage ratchet: tested blocks may only go up.

tests/coverage-baseline.json holds, per page, how many blocks were verified,
executed and skipped. A run that verifies or executes fewer blocks of a page,
skips more, or loses a page, fails, saying which page and what dropped.
After adding tests, raise the baseline with `--update-coverage-baseline`.
"""

from __future__ import annotations

import json
from pathlib import Path

from .page import PageId
from .project import current

TRACKED = ("verified", "executed", "skipped")


def load(path: Path) -> dict[str, dict[str, int]]:
    return json.loads(path.read_text())["pages"] if path.exists() else {}


def save(path: Path, totals: dict[str, dict[str, int]]) -> None:
    pages = {page: {key: counts[key] for key in TRACKED} for page, counts in sorted(totals.items())}
    path.write_text(json.dumps({"pages": pages}, indent=2) + "\n")


def drops(baseline: dict[str, dict[str, int]], totals: dict[str, dict[str, int]], complete: set[str]) -> list[str]:
    """What went down, for the pages whose every scenario ran (`complete`)."""
    found = []
    for page, before in sorted(baseline.items()):
        if not (current().root / PageId.parse(page).path).exists():  # docs/page.md@0.1.1: that page's rendition
            found.append(f"{page}: the page is gone (it had {before['verified'] + before['executed']} tested blocks)")
            continue
        if page not in complete:
            continue
        now = totals.get(page, dict.fromkeys(TRACKED, 0))
        for key in ("verified", "executed"):
            if now[key] < before[key]:
                found.append(f"{page}: {key} blocks went down from {before[key]} to {now[key]}")
        if now["skipped"] > before["skipped"]:
            found.append(f"{page}: skipped blocks went up from {before['skipped']} to {now['skipped']}")
    return found
