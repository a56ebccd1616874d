"""Test results made without running anything: a coverage report, written by
the guide runner's own report code (guide_runner/report.py) from the page
model, with the outcome each block would have if every step passed.

The site tests and benchmarks/site.py build sites with it (no Docker needed).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Callable

from docs_site.marks.results import page_key
from guide_runner.parallel import ScenarioResult
from guide_runner.languages import Kind
from guide_runner.outcomes import Outcome, Status
from guide_runner.page import Block, Page, PageId, read_page
from guide_runner.report import Coverage

RUN = {"date": "2026-11-24", "commit": "0123456789abcdef0123456789abcdef01234567", "commit_date": "2026-11-24",
       "local_changes": False, "os": "Debian 12", "docker": "20.10.24", "compose": "2.26.1", "ci": True}

PASSED = {Kind.CONSOLE: Status.VERIFIED, Kind.SHELL: Status.EXECUTED, Kind.CONFIG: Status.PARSED,
          Kind.HIDDEN: Status.HIDDEN, Kind.TEARDOWN: Status.HIDDEN, Kind.OUTCOME: Status.VERIFIED}


def passed(block: Block) -> Outcome | None:
    """What a passing run reports for the block (None: the runner does not run it)."""
    if "skip" in block.options:
        return Outcome(Status.SKIPPED, block.options["skip"])
    status = PASSED.get(block.kind)
    if block.kind == Kind.CONSOLE and not block.source.strip():
        status = Status.EXECUTED
    return Outcome(status, "synthetic") if status else None


def docs_pages(docs_dir: Path, release: str | None = None) -> dict[str, Page]:
    """Every page of a docs folder, by the name the report gives it (`docs/x.md`)."""
    from guide_runner import releases
    release = release or releases.newest()
    return {page_key(path.relative_to(docs_dir).as_posix(), release): read_page(path, release)
            for path in sorted(docs_dir.rglob("*.md"))}


def report(pages: dict[str, Page], run: dict = RUN,
           outcome: Callable[[Block], Outcome | None] = passed) -> dict:
    """The coverage report of a run that gave each block `outcome(block)`."""
    named = [dataclasses.replace(page, id=PageId.parse(key)) for key, page in pages.items()]
    outcomes = {(key, block.line): outcome(block) for key, page in pages.items() for block in page.blocks}
    scenario = ScenarioResult("synthetic", "synthetic", "", {k: o for k, o in outcomes.items() if o is not None})
    return Coverage(named, [scenario]).as_json(run)


def write_report(path: Path, pages: dict[str, Page], **kwargs) -> Path:
    path.write_text(json.dumps(report(pages, **kwargs), indent=2) + "\n")
    return path
