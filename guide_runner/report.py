"""The coverage report: what happened to every block of every page.

Built at the end of a run from the pages collected and the scenarios that ran
(it reads their outcomes; nothing writes into it). A block is counted once
per page. When it runs in several variants (it sits outside the content
tabs), the worst outcome counts: one failing variant makes it failed.
"""

from __future__ import annotations

import json
from pathlib import Path

from .languages import Kind
from .outcomes import Status
from .page import Page, PageId
from .parallel import ScenarioResult
from .release_passes import REUSED
from .scenario import Scenario

STATUSES = [Status.VERIFIED, Status.EXECUTED, Status.PARSED, Status.HIDDEN, Status.SKIPPED, Status.FAILED,
            Status.NOT_RUN, Status.NOT_COLLECTED]


class ReportMismatch(Exception):
    """Reports that cannot be merged: they are not of the same pages."""


class Coverage:
    def __init__(self, pages: list[Page], scenarios: list[Scenario | ScenarioResult]) -> None:
        self.pages: dict[str, dict[int, dict]] = {page.path: _blocks_before_running(page) for page in pages}
        # What the results hold for: the site marks a page only while its digest is unchanged.
        self.digests = {page.path: page.digest for page in pages}
        # "page [variant]": why it did not run
        self.skipped_variants = {s.name: s.skip for s in scenarios if s.skip}
        # checkpoints.py: "page [variant]": the base it started from; a base: why it was not checkpointed
        self.from_checkpoint = {s.name: s.from_checkpoint for s in scenarios if s.from_checkpoint}
        self.not_checkpointed = {s.name: s.checkpoint_note for s in scenarios if s.checkpoint_note}
        # release_passes.py: the older releases' scenarios not run because the
        # record of their last pass stands for them, each with what that run ran on.
        self.release_passes = {s.name: s.release_pass.run for s in scenarios
                               if s.release_state == REUSED and s.release_pass is not None}
        recorded: set[tuple[str, int]] = set()
        for scenario in scenarios:
            for key, outcome in scenario.outcomes.items():
                page, line = key
                entry = self.pages.get(page, {}).get(line)
                if entry is None:
                    continue
                if key not in recorded or outcome.status.rank < Status(entry["status"]).rank:
                    entry["status"], entry["detail"] = str(outcome.status), outcome.detail
                recorded.add(key)

    @classmethod
    def merged(cls, reports: list[dict]) -> "Coverage":
        """One report of several parts' reports (coverage.json's data, shards.py):
        a block counts as a single run would count it, the worst of what the
        parts that ran it recorded; blocks no part ran stay as they were."""
        if not reports:
            raise ReportMismatch("no report to merge")
        coverage = cls.__new__(cls)
        coverage.digests = {page: data["source_sha256"] for page, data in reports[0]["pages"].items()}
        coverage.skipped_variants, coverage.from_checkpoint, coverage.not_checkpointed = {}, {}, {}
        coverage.release_passes = {}
        coverage.pages = {}
        for report in reports:
            digests = {page: data["source_sha256"] for page, data in report["pages"].items()}
            if digests != coverage.digests:
                differ = sorted(set(digests.items()) ^ set(coverage.digests.items()))
                raise ReportMismatch(f"the parts ran different pages, or other versions of them: {differ[0][0]} "
                                     "(every part must run the same commit)")
            coverage.skipped_variants.update(report.get("skipped_variants", {}))
            coverage.from_checkpoint.update(report.get("checkpoints", {}).get("started_from", {}))
            coverage.not_checkpointed.update(report.get("checkpoints", {}).get("not_made", {}))
            coverage.release_passes.update(report.get("release_passes", {}))
        for page in coverage.digests:
            blocks = [[dict(entry) for entry in report["pages"][page]["blocks"]] for report in reports]
            merged = {}
            for entries in zip(*blocks):
                ran = [e for e in entries if not (e["status"] == Status.NOT_RUN and not e["detail"])]
                merged[entries[0]["line"]] = min(ran, key=lambda e: Status(e["status"]).rank) if ran else entries[0]
            coverage.pages[page] = merged
        return coverage

    def totals(self) -> dict[str, dict[str, int]]:
        result = {}
        for page, blocks in sorted(self.pages.items()):
            counts = {str(status): 0 for status in STATUSES}
            for entry in blocks.values():
                counts[entry["status"]] += 1
            result[page] = counts
        return result

    def outcomes(self) -> dict[str, dict[str, int]]:
        """Per page that runs anything: its outcome checks, and how many were verified."""
        result = {}
        for page, blocks in sorted(self.pages.items()):
            if not any(e["kind"] != Kind.UNKNOWN for e in blocks.values()):
                continue
            checks = [e for e in blocks.values() if e["outcome_check"]]
            result[page] = {"checks": len(checks), "verified": sum(e["status"] in (Status.VERIFIED, Status.EXECUTED) for e in checks)}
        return result

    def table(self) -> str:
        totals = self.totals()
        columns = ["page", *map(str, STATUSES)]
        rows = [[page, *map(str, counts.values())] for page, counts in totals.items()]
        overall = [sum(c[s] for c in totals.values()) for s in STATUSES]
        rows.append(["TOTAL", *map(str, overall)])
        widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]

        def line(row: list[str]) -> str:
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

        out = [line(columns), line(["-" * w for w in widths]), *map(line, rows[:-1]),
               line(["-" * w for w in widths]), line(rows[-1])]
        notes = [
            f"  {page}:{entry['line']} {entry['status']}: {entry['detail']}"
            for page, blocks in sorted(self.pages.items())
            for entry in blocks.values()
            if entry["status"] in (Status.SKIPPED, Status.NOT_COLLECTED, Status.FAILED, Status.NOT_RUN)
            and entry["detail"]
        ]
        if notes:
            out += ["", "why blocks were skipped, not collected, failed or not run:", *notes]
        if self.skipped_variants:
            out += ["", "variants not run:", *(f"  {name}: {why}" for name, why in sorted(self.skipped_variants.items()))]
        if self.from_checkpoint:
            out += ["", "started from a checkpoint (the base page's server as it ended, rebooted; "
                        "the base's own scenario ran its blocks):",
                    *(f"  {name}: from {base}" for name, base in sorted(self.from_checkpoint.items()))]
        if self.not_checkpointed:
            out += ["", "base pages not checkpointed:",
                    *(f"  {name}: {why}" for name, why in sorted(self.not_checkpointed.items()))]
        if self.release_passes:
            out += ["", "not run: older releases' scenarios whose inputs are unchanged since their recorded pass "
                        "(their blocks count as that pass left them):",
                    *(f"  {name}: passed {run.get('date', '?')} at {str(run.get('commit') or '?')[:10]}"
                      for name, run in sorted(self.release_passes.items()))]
        outcomes = self.outcomes()
        unchecked = [page for page, o in outcomes.items() if not o["checks"]]
        # Only in a project that checks outcomes at all: elsewhere it would name every page.
        if unchecked and len(unchecked) < len(outcomes):
            out += ["", "pages whose outcome is not checked (no <!-- test-outcome: ... --> or leaves-nothing):",
                    *(f"  {page}" for page in unchecked)]
        return "\n".join(out) + "\n"

    def recorded_run(self, page: str) -> dict | None:
        """What the oldest recorded pass standing for one of the page's scenarios ran on (the page's
        blocks were last run then, not in this run); None: every scenario of the page ran now."""
        runs = [run for name, run in self.release_passes.items() if str(PageId.of_scenario(name)) == page]
        return min(runs, key=lambda run: str(run.get("date", ""))) if runs else None

    def as_json(self, run: dict | None = None) -> dict:
        """The report as data; `run` is what the run ran on (run_facts.collect())."""
        totals = self.totals()
        data = {
            "totals": {str(s): sum(c[s] for c in totals.values()) for s in STATUSES},
            "skipped_variants": self.skipped_variants,
            "checkpoints": {"started_from": self.from_checkpoint, "not_made": self.not_checkpointed},
            "release_passes": self.release_passes,
            "outcomes": self.outcomes(),
            "pages": {page: {"counts": totals[page], "blocks": list(blocks.values()),
                             "source_sha256": self.digests[page]}
                      | ({"recorded_run": recorded} if (recorded := self.recorded_run(page)) else {})
                      for page, blocks in sorted(self.pages.items())},
        }
        if run is not None:
            data["run"] = run
        return data

    def write(self, directory: Path, run: dict | None = None) -> list[Path]:
        directory.mkdir(exist_ok=True)
        text, data = directory / "coverage.txt", directory / "coverage.json"
        text.write_text(self.table())
        data.write_text(json.dumps(self.as_json(run), indent=2) + "\n")
        return [text, data]


def _blocks_before_running(page: Page) -> dict[int, dict]:
    blocks = {}
    for block in page.blocks:
        unknown = block.kind == Kind.UNKNOWN
        blocks[block.line] = {
            "line": block.line, "language": block.language, "kind": str(block.kind),
            "tab": block.tab[1] if block.tab else None,
            # It checks what the reader ends with: a sign-in in a browser, or
            # (an uninstall) that nothing is left in the Docker engine.
            "outcome_check": block.kind == Kind.OUTCOME or "leaves-nothing" in block.options,
            "status": str(Status.NOT_COLLECTED if unknown else Status.NOT_RUN),
            "detail": f"language {block.language or '(none)'!r}" if unknown else "",
        }
    return blocks
