"""An older release's pages run again when what they use changes (the support window).

The newest release's docs run in full on every change. An older release's
rendition describes a release that no longer changes: its images and wheel
are built from its release commit. Each of its scenarios runs again only when
one of its inputs changed since its last recorded pass, or when that pass is
more than `release-passes-days` old; otherwise the run takes its blocks'
outcomes from the record, shows it as REUSED, and says so: in the summary,
in the coverage report and on the page ("every step was run on DATE").

The record is a file the project commits (`release-passes`), so a fresh
clone in CI finds it: by scenario name, the digest of its inputs, the blocks'
outcomes, how long it took and what the run ran on (run_facts.py). A
scenario's inputs digest covers:

- its plan: every block it runs, in order, with its page, line, options and
  text as the reader sees it (the project's root written as `$ROOT`, so that
  a clone elsewhere gets the same digest);
- the files its blocks can read (the project's `inputs`), but those only
  the newest release reads (`newest-release-inputs`: the service's source,
  since an older release runs its own commit's).

Not the machine: a pass recorded on one machine holds on another of the same
kind. What a machine brings that can drift (Debian's archive, a newer Docker)
is bounded by the age limit. `--every-release` runs every older scenario
whatever the record says. A run writes the record as it would now be to the
reports folder (release-passes.json): the passes it reused, the new ones of
the scenarios it ran, without those that failed; `--update-release-passes`
writes it to the project's file, to commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .outcomes import Outcome, as_rows, from_rows

if TYPE_CHECKING:  # parallel.py imports this module, and plans nothing itself
    from .plan import Plan

REUSED, PASSED, FAILED = "reused", "passed", "failed"  # a scenario's part in the record


class RecordError(Exception):
    """The committed record cannot be read; the message names the file and what to do."""


@dataclass(frozen=True)
class ReleasePass:
    """One older-release scenario's last recorded pass."""

    name: str  # the scenario's
    inputs: str  # the digest of its inputs then (inputs_digest)
    run: dict  # what that run ran on: date, commit, OS, Docker (run_facts.collect)
    seconds: float  # how long it took then: what not running it saves
    outcomes: dict[tuple[str, int], Outcome]

    @property
    def date(self) -> str:
        return str(self.run.get("date", ""))

    def describe(self) -> str:
        commit = str(self.run.get("commit") or "")[:10] or "an unknown commit"
        return (f"{self.name}: not run, its inputs are unchanged since its pass on {self.date} "
                f"at {commit} ({self.seconds:.0f} s saved)")

    def as_json(self) -> dict:
        return {"inputs": self.inputs, "run": self.run, "seconds": round(self.seconds, 1),
                "outcomes": as_rows(self.outcomes)}

    @classmethod
    def from_json(cls, name: str, data: dict) -> "ReleasePass":
        return cls(name, str(data["inputs"]), dict(data["run"]), float(data["seconds"]), from_rows(data["outcomes"]))


def release_files_digest(files: list[str], root: Path, inputs: tuple[str, ...] | None,
                         newest_only: tuple[str, ...]) -> str:
    """The files an older release's blocks can read: the project's inputs
    (every file when it names none) but those only the newest release reads."""
    from .reuse import files_digest, is_under  # noqa: PLC0415 (see TYPE_CHECKING above)

    return files_digest([name for name in files if not is_under(name, newest_only)], root, inputs)


def inputs_digest(plan: "Plan", files: str, root: Path) -> str:
    from .reuse import _digest  # noqa: PLC0415 (see TYPE_CHECKING above)

    # A plan is frozen dataclasses of strings, tuples and dicts: its repr is its whole content.
    return _digest(f"{files}\0{repr(plan).replace(str(root), '$ROOT')}")


def load(path: Path) -> dict[str, ReleasePass]:
    """The committed record by scenario name; empty when there is none yet."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
        return {name: ReleasePass.from_json(name, entry) for name, entry in data["passes"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise RecordError(f"{path}: not a record of release passes the guide runner wrote ({error!r}); "
                          f"delete it (every older release's pages then run, and the run writes a new one "
                          f"to the reports folder) or restore it from git") from None


def why_run(record: ReleasePass | None, digest: str, today: date, days: int) -> str | None:
    """Why an older release's scenario runs this time; None: its record stands for it."""
    if record is None:
        return "no pass recorded"
    if record.inputs != digest:
        return f"its inputs changed since its pass on {record.date}"
    try:
        age = (today - date.fromisoformat(record.date)).days
    except ValueError:
        return f"its recorded pass has no usable date ({record.date!r})"
    if age > days:
        return f"its pass on {record.date} is {age} days old (more than {days})"
    return None


def updated(records: dict[str, ReleasePass], ran: dict[str, tuple[str, ReleasePass | None]],
            kept: set[str]) -> dict[str, ReleasePass]:
    """The record after a run. `ran`: each older-release scenario of the run,
    by name: (REUSED, its record), (PASSED, its new pass) or (FAILED, None).
    `kept`: the names that may still be recorded (the scenarios the project
    has now); the others' records go."""
    result = {name: record for name, record in records.items() if name in kept}
    for name, (state, record) in ran.items():
        if state == FAILED or record is None:
            result.pop(name, None)
        else:
            result[name] = record
    return dict(sorted(result.items()))


def save(path: Path, records: dict[str, ReleasePass]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"about": "The last pass of each older release's scenario (guide_runner/release_passes.py): "
                     "such a scenario runs again when its inputs or this record change, "
                     "or when its pass is too old.",
            "passes": {name: record.as_json() for name, record in sorted(records.items())}}
    path.write_text(json.dumps(data, indent=1) + "\n")


class Window:
    """One run's view of the record: which older-release scenarios it stands
    for, and the passes this run adds. Made once per process (a serial run,
    or each lane's worker), the files' digest set when collection ends."""

    def __init__(self, records: dict[str, ReleasePass], root: Path, days: int, every: bool,
                 today: date, run_facts) -> None:
        self.records = records
        self.root = root
        self.days = days
        self.every = every  # --every-release: the record stands for nothing
        self.today = today
        self._run_facts = run_facts  # called once, for the first new pass
        self._facts: dict | None = None
        self._digests: dict[str, str] = {}  # by scenario: standing's, for new_pass (a plan's repr is up to 30 KB)
        self.files: str | None = None  # release_files_digest; None outside a git checkout: all run

    def digest(self, plan: "Plan") -> str | None:
        if self.files is None:
            return None
        if plan.name not in self._digests:
            self._digests[plan.name] = inputs_digest(plan, self.files, self.root)
        return self._digests[plan.name]

    def standing(self, plan: "Plan") -> tuple[ReleasePass | None, str]:
        """The record that stands for this older-release scenario, or None and why it runs."""
        digest = self.digest(plan)
        if digest is None:
            return None, "not a git checkout: nothing is fingerprinted"
        record = self.records.get(plan.name)
        why = why_run(record, digest, self.today, self.days)
        if why is None and self.every:
            why = "--every-release"
        return (record, "") if why is None else (None, why)

    def new_pass(self, plan: "Plan", outcomes: dict[tuple[str, int], Outcome], seconds: float) -> ReleasePass | None:
        digest = self.digest(plan)
        if digest is None:
            return None
        if self._facts is None:
            self._facts = self._run_facts()
        return ReleasePass(plan.name, digest, self._facts, seconds, dict(outcomes))
