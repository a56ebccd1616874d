"""The test run's results as the site reads them: the coverage report the
guide runner writes (reports/coverage.json, guide_runner/report.py), and for
one page as one release shows it, what the run proved of each shown block.

Results hold for a page only while the page is the one that ran: the report
keeps each page's digest (guide_runner.page.Page.digest); a page whose digest
differs "changed since last run" and gets no marks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from guide_runner import releases
from guide_runner.languages import Kind
from guide_runner.page import Page, PageId, read_page
from docs_site.paths import DOCS, REPORTS, ROOT, relative

from docs_site.marks.labels import Mark, mark_of

DEFAULT_RESULTS = REPORTS / "coverage.json"
FRESH, CHANGED, NOT_IN_RUN = "fresh", "changed since last run", "not in the last run"


class ResultsError(Exception):
    """The results file exists but cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Results:
    path: Path
    run: dict  # what the run ran on: guide_runner/run_facts.py
    pages: dict[str, dict]  # the report's "pages", by `docs/x.md` or `docs/x.md@0.1.1`


@dataclass
class PageProof:
    """One page's part of the results: its state, and when fresh a mark per shown block."""

    key: str
    state: str
    run: dict
    marks: dict[int, Mark] = field(default_factory=dict)  # by the block's line, in page order
    # The page's outcome checks (sign in, see the page): counted, not placed on a block.
    outcome_marks: dict[int, Mark] = field(default_factory=dict)
    # An older release's page whose steps last ran in an earlier run, whose
    # record stood for them in this one (guide_runner/release_passes.py): `run` is that earlier run's.
    recorded: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {"verified": 0, "run": 0, "checked": 0, "failed": 0, "not run": 0}
        for mark in [*self.marks.values(), *self.outcome_marks.values()]:
            counts[mark.tally] += 1
        return counts


def results_path(extra: dict) -> Path:
    """`extra.ci_results` in mkdocs.yml, relative to the repository; reports/coverage.json by default."""
    path = Path(extra.get("ci_results") or DEFAULT_RESULTS)
    return path if path.is_absolute() else ROOT / path


def load(path: Path) -> Results | None:
    """The results at `path`, None if there are none; ResultsError if unusable."""
    if not path.is_file():
        return None
    return _load(path, path.stat().st_mtime_ns)


@cache
def _load(path: Path, mtime_ns: int) -> Results:  # read once per change (hooks share it)
    try:
        data = json.loads(path.read_text())
        pages = data["pages"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ResultsError(f"{path}: not a coverage report the guide runner wrote ({error})") from None
    if "run" not in data or any("source_sha256" not in page for page in pages.values()):
        raise ResultsError(f"{path}: written by an older guide runner (no run facts, no page digests): "
                           "run the tests again")
    return Results(path, data["run"], pages)


def release_of(extra: dict) -> str:
    """The release a build describes: the versioned build names it (docs_site/versioned_config.py)."""
    return extra.get("docs_release") or releases.newest()


def page_key(src_uri: str, release: str) -> str:
    """The report's name of a docs page (src_uri relative to the docs folder) in a release."""
    return str(PageId(f"{relative(DOCS)}/{src_uri}", release, release == releases.newest()))


def proof_of(results: Results, page: Page, key: str) -> PageProof | None:
    """What the run proved of `page` (read from the docs being built), reported
    as `key`; None when the page shows no code block."""
    shown = [block for block in page.blocks if block.shown]
    if not shown:
        return None
    reported = results.pages.get(key)
    if reported is None:
        return PageProof(key, NOT_IN_RUN, results.run)
    if reported["source_sha256"] != page.digest:
        return PageProof(key, CHANGED, results.run)
    entries = {entry["line"]: entry for entry in reported["blocks"]}
    run = reported.get("recorded_run") or results.run
    where = "in CI" if run.get("ci") else "locally"
    marks = {block.line: mark_of(block, entries[block.line], where) for block in shown}
    outcomes = {block.line: mark_of(block, entries[block.line], where)
                for block in page.blocks if block.kind == Kind.OUTCOME}
    return PageProof(key, FRESH, run, marks, outcomes, recorded="recorded_run" in reported)


def proof_of_file(results: Results, path: Path, src_uri: str, release: str) -> PageProof | None:
    """proof_of the page at `path`, `src_uri` in the docs folder, as `release` shows it."""
    return proof_of(results, read_page(path, release), page_key(src_uri, release))
