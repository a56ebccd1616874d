"""What happened to a block, and how a failing guide is reported."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """A block's status in the coverage report, best first."""

    VERIFIED = "verified"  # run, and its output compared with the page
    EXECUTED = "executed"  # run, exit status checked
    PARSED = "parsed"  # a config file, written and checked by its tool
    HIDDEN = "hidden"  # a hidden setup or teardown block, run
    SKIPPED = "skipped"  # not run, with the page's reason
    NOT_COLLECTED = "not collected"  # a language the runner does not run
    NOT_RUN = "not run"  # an earlier block failed
    FAILED = "failed"

    @property
    def rank(self) -> int:
        """Worst first: a block's page-wide status is the worst of its variants'."""
        return _WORST_FIRST.index(self)


_WORST_FIRST = [Status.FAILED, Status.NOT_RUN, Status.SKIPPED, Status.NOT_COLLECTED, Status.HIDDEN,
                Status.PARSED, Status.EXECUTED, Status.VERIFIED]


@dataclass(frozen=True)
class Outcome:
    """What happened to one block, for the coverage report."""

    status: Status
    detail: str = ""


def as_rows(outcomes: dict[tuple[str, int], Outcome]) -> list[list]:
    """Outcomes by (page, line) as JSON rows: a stored pass, a lane's results."""
    return [[page, line, str(o.status), o.detail] for (page, line), o in outcomes.items()]


def from_rows(rows: list[list]) -> dict[tuple[str, int], Outcome]:
    return {(page, line): Outcome(Status(status), detail) for page, line, status, detail in rows}


class GuideFailure(Exception):
    """A block failed; the message says where, what ran and what it printed."""


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.split("\n"))
