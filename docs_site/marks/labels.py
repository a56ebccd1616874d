"""The mark a shown block earns from its status in the coverage report.

The words are the report's own (guide_runner.outcomes.Status), said for a
reader: "verified", "run", "checked (config)", "... with a local stand-in:
what" for a block the test ran with a `replace=` substitution, "not run:
why" for the rest. `text` is Markdown (the testers' checklists use it as it
is, the site renders its `code`).
"""

from __future__ import annotations

from dataclasses import dataclass

from guide_runner.options import pairs
from guide_runner.outcomes import Status
from guide_runner.page import Block

# status: (what it is called, the page line's tally, tooltip)
PROVEN = {
    Status.VERIFIED: ("Verified", "verified", "Run by the tests; its output matched the page"),
    Status.EXECUTED: ("Run", "run", "Run by the tests; no error (output not compared)"),
    Status.PARSED: ("Checked (config)", "checked", "Written and checked by its own tool"),
}
STAND_IN_TITLE = "Run with a substitution: check the real step by hand"
UNPROVEN_TITLE = "Not proven by the tests: check this step first"


@dataclass(frozen=True)
class Mark:
    status: str  # the report's status of the block
    kind: str  # "proven", "stand-in" or "unproven": the mark's look
    text: str  # what the mark says (Markdown: `code` only)
    title: str  # the tooltip: what the mark means
    tally: str  # which number of the page line it counts in

    @property
    def proven(self) -> bool:
        """Fully proven by the run: a tester may look at the other steps first."""
        return self.kind == "proven"


def mark_of(block: Block, entry: dict, where: str) -> Mark:
    """The mark of `block`, whose report entry is `entry`; `where` is "in CI" or "locally"."""
    status = Status(entry["status"])
    if status in PROVEN:
        name, tally, title = PROVEN[status]
        if "replace" in block.options:
            text = f"{name} {where} with a local stand-in: {stand_in(block.options['replace'])}"
            return Mark(status, "stand-in", text, STAND_IN_TITLE, tally)
        return Mark(status, "proven", name, title, tally)
    if status == Status.FAILED:
        return Mark(status, "unproven", f"Failed {where}", entry["detail"] or UNPROVEN_TITLE, "failed")
    return Mark(status, "unproven", f"Not run {where}: {why_not_run(status, entry['detail'], block)}",
                UNPROVEN_TITLE, "not run")


def stand_in(replace: str) -> str:
    """`replace="URL=>file://$RUNNER_FILES/x|docker pull=>true # no registry"` as a reader reads it."""
    parts = []
    for old, new in pairs(replace):
        new = (new or "").strip()
        if new.startswith("true #"):  # the command is left out, and the comment says why
            parts.append(f"`{old}` not run ({new.removeprefix('true #').strip()})")
        elif new.startswith("file://"):
            parts.append(f"`{old}` replaced by a local file")
        else:
            parts.append(f"`{old}` replaced by `{new}`")
    return "; ".join(parts)


def why_not_run(status: Status, detail: str, block: Block) -> str:
    if status == Status.SKIPPED:
        return block.options.get("skip") or detail.removeprefix("variant skipped: ") or "skipped"
    if status == Status.NOT_COLLECTED:
        return f"the tests do not run {block.language or 'plain'} blocks"
    return detail or "not part of the run"  # NOT_RUN: "after the failure at docs/x.md:12"
