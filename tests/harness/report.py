"""The coverage report: what happened to every block of every page.

A block is counted once per page. When it runs in several variants (it sits
outside the content tabs), the worst outcome counts: one failing variant
makes it failed.
"""

from __future__ import annotations

import json
from pathlib import Path

from .page import Page
from .scenario import Scenario

STATUSES = ["verified", "executed", "parsed", "hidden", "skipped", "failed", "not run", "not collected"]
# Worst first: a block's page-wide status is the worst of its variants'.
_RANK = {"failed": 0, "not run": 1, "skipped": 2, "not collected": 3, "hidden": 4, "parsed": 5, "executed": 6,
         "verified": 7}


class Coverage:
    def __init__(self) -> None:
        self.pages: dict[str, dict[int, dict]] = {}
        self._recorded: set[tuple[str, int]] = set()
        self.skipped_variants: dict[str, str] = {}  # "page [variant]": why

    def add_page(self, page: Page) -> None:
        blocks = {}
        for block in page.blocks:
            status = "not collected" if block.kind == "unknown" else "not run"
            detail = f"language {block.language or '(none)'!r}" if block.kind == "unknown" else ""
            blocks[block.line] = {"line": block.line, "language": block.language, "kind": block.kind,
                                  "tab": block.tab[1] if block.tab else None, "status": status, "detail": detail}
        self.pages[page.path] = blocks

    def record(self, scenario: Scenario) -> None:
        for key, outcome in scenario.outcomes.items():
            page, line = key
            if line not in self.pages.get(page, {}):
                continue
            entry = self.pages[page][line]
            if key not in self._recorded or _RANK[outcome.status] < _RANK[entry["status"]]:
                entry["status"], entry["detail"] = outcome.status, outcome.detail
            self._recorded.add(key)

    def totals(self) -> dict[str, dict[str, int]]:
        result = {}
        for page, blocks in sorted(self.pages.items()):
            counts = {status: 0 for status in STATUSES}
            for entry in blocks.values():
                counts[entry["status"]] += 1
            result[page] = counts
        return result

    def table(self) -> str:
        totals = self.totals()
        columns = ["page", *STATUSES]
        rows = [[page, *map(str, counts.values())] for page, counts in totals.items()]
        overall = [sum(c[s] for c in totals.values()) for s in STATUSES]
        rows.append(["TOTAL", *map(str, overall)])
        widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
        line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
        out = [line(columns), line(["-" * w for w in widths]), *map(line, rows[:-1]),
               line(["-" * w for w in widths]), line(rows[-1])]
        notes = [
            f"  {page}:{entry['line']} {entry['status']}: {entry['detail']}"
            for page, blocks in sorted(self.pages.items())
            for entry in blocks.values()
            if entry["status"] in ("skipped", "not collected", "failed", "not run") and entry["detail"]
        ]
        if notes:
            out += ["", "why blocks were skipped, not collected, failed or not run:", *notes]
        if self.skipped_variants:
            out += ["", "variants not run:", *(f"  {name}: {why}" for name, why in sorted(self.skipped_variants.items()))]
        return "\n".join(out) + "\n"

    def as_json(self) -> dict:
        totals = self.totals()
        return {
            "totals": {s: sum(c[s] for c in totals.values()) for s in STATUSES},
            "skipped_variants": self.skipped_variants,
            "pages": {page: {"counts": totals[page], "blocks": list(blocks.values())}
                      for page, blocks in sorted(self.pages.items())},
        }

    def write(self, directory: Path) -> list[Path]:
        directory.mkdir(exist_ok=True)
        text, data = directory / "coverage.txt", directory / "coverage.json"
        text.write_text(self.table())
        data.write_text(json.dumps(self.as_json(), indent=2) + "\n")
        return [text, data]
