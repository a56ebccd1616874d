"""The Docker tests in lanes, side by side: `pytest -m docker --lanes 2`.

One pytest-xdist worker per lane (lanes.py), started inside the lane, so
every command of its pages, its browser and its leak check see the lane's
engine and loopback only. pytest-xdist does the rest (sending tests, one
JUnit report, Ctrl-C); this module adds what it cannot know:

- which tests must stay together (`scope_of`): the tests of one module
  (their module fixtures start a stack or a test server once), the
  scenarios that change the test host itself (`changes-host=` on the page,
  one at a time, in one lane, under the host lock), and a base page on a
  test server with the scenarios that start from it (its checkpoint lives in
  one lane's engine: checkpoints.py), the base first;
- longest first (`longest_first`), from the runner's stored passes, else
  from the durations committed in tests/durations.json;
- one coverage report: each worker sends what its scenarios did, and the
  controller writes the report as a serial run would (`WorkerResults`).
"""

from __future__ import annotations

import fcntl
import json
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import checkpoints
from .outcomes import as_rows, from_rows
from .project import cached, current
from .release_passes import ReleasePass

HOST_SCOPE = "the test host"
LANE = "guide_runner_lane"  # the lane number, in a worker's workerinput


def tx_specs(numbers: list[int]) -> list[str]:
    """pytest-xdist's gateways: worker `laneN` is a Python started inside lane N."""
    python = sys.executable
    return [f"popen//id=lane{n}//python={python} -m guide_runner.lanes run {n} {python}" for n in numbers]


def lane_of(workerid: str) -> int:
    return int(workerid.removeprefix("lane"))


@cached
def _plans(path: str) -> dict[str, object]:
    from .plan import plan_file  # noqa: PLC0415 (the controller plans a page only when asked)
    from .releases import has_page, newest, older  # noqa: PLC0415

    plans = {}
    project = current()
    name = (project.root / path).relative_to(project.docs).as_posix()
    for release in [newest(), *older()]:
        if has_page(release, name):
            plans.update({plan.item_name: plan for plan in plan_file(project.root / path, release)})
    return plans


def scope_of(nodeid: str, plan=None) -> str:
    """The tests that run together, one after the other, in one lane. `plan`:
    the scenario's, where the caller has it (a worker's item); else the page
    is planned here (the controller knows only test ids)."""
    path, _, name = nodeid.partition("::")
    if not (path.endswith(".md") and (current().root / path).resolve().is_relative_to(current().docs)):
        return path  # a test module: its module-scoped fixtures are set up once
    if plan is None:
        try:
            plan = _plans(path).get(name)
        except Exception:  # noqa: BLE001 (a page that cannot be planned fails in its own test)
            return nodeid
    if plan is None:
        return nodeid
    return HOST_SCOPE if plan.changes_host else checkpoints.scope_of(plan) or nodeid


def by_scope(items: list) -> dict[str, list]:
    """The items of each scope (scope_of), in collection order, but a base
    page on a test server before the scenarios that start from it."""
    scopes: dict[str, list] = {}
    for item in items:
        scenario = getattr(item, "scenario", None)
        scopes.setdefault(scope_of(item.nodeid, scenario.plan if scenario else None), []).append(item)
    for members in scopes.values():
        members.sort(key=lambda item: not _is_base(item))  # stable: the rest keep their order
    return scopes


def together(items: list) -> list:
    """Each scope's tests one after the other (by_scope), where its first one was: a serial run's order."""
    return [item for members in by_scope(items).values() for item in members]


def _is_base(item) -> bool:
    scenario = getattr(item, "scenario", None)
    return scenario is not None and checkpoints.is_base(scenario.plan)


def scope_seconds(members: list, seconds: dict[str, float], unknown: float) -> float:
    """A scope's stored seconds; `unknown` for each test with none."""
    return sum(seconds.get(_name_of(item), seconds.get(item.nodeid, unknown)) for item in members)


def longest_first(items: list, seconds: dict[str, float]) -> list:
    """Whole scopes, longest first, each scope's tests in their own order."""
    scopes = by_scope(items)
    total = {scope: scope_seconds(members, seconds, 0.0) for scope, members in scopes.items()}
    order = sorted(scopes, key=lambda scope: -total[scope])  # stable: unknown ones keep collection order
    return [item for scope in order for item in scopes[scope]]


def _name_of(item) -> str:
    scenario = getattr(item, "scenario", None)
    return scenario.name if scenario is not None else item.nodeid


def stored_seconds(latest: dict[str, dict], committed: Path) -> dict[str, float]:
    """Seconds by scenario or test: this machine's newest passes, else the committed ones."""
    try:
        seconds = {name: float(value) for name, value in json.loads(committed.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        seconds = {}
    seconds.update({name: float(record.get("seconds", 0)) for name, record in latest.items()})
    return seconds


def LaneScheduling(config, log):  # noqa: N802 (a class, made when pytest-xdist is there)
    """pytest-xdist's scheduling by scope, with our scopes (scope_of)."""
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415

    class _LaneScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return _LaneScheduling(config, log)


@contextmanager
def host_lock() -> Iterator[None]:
    """Held while a scenario changes the test host (its PostgreSQL, its nginx):
    one at a time across lanes and runs."""
    with open(Path(tempfile.gettempdir()) / "guide-runner-test-host.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class ScenarioResult:
    """What the coverage report needs of a scenario that ran in another process."""

    name: str
    page: str
    skip: str
    outcomes: dict
    from_checkpoint: str = ""  # checkpoints.py: the base it started from
    checkpoint_note: str = ""  # a base's: why it was not checkpointed
    release_state: str = ""  # release_passes.py: an older release's scenario, reused, passed or failed
    release_pass: ReleasePass | None = None  # and its record now

    def as_json(self) -> dict:
        return {"name": self.name, "page": self.page, "skip": self.skip, "outcomes": as_rows(self.outcomes),
                "from_checkpoint": self.from_checkpoint, "checkpoint_note": self.checkpoint_note,
                "release_state": self.release_state,
                "release_pass": self.release_pass.as_json() if self.release_pass else None}

    @classmethod
    def from_json(cls, data: dict) -> "ScenarioResult":
        recorded = data.get("release_pass")
        return cls(data["name"], data["page"], data["skip"], from_rows(data["outcomes"]),
                   data.get("from_checkpoint", ""), data.get("checkpoint_note", ""), data.get("release_state", ""),
                   ReleasePass.from_json(data["name"], recorded) if recorded else None)

    @classmethod
    def of(cls, scenario) -> "ScenarioResult":
        return cls(scenario.name, str(scenario.page), scenario.skip, dict(scenario.outcomes),
                   scenario.from_checkpoint, scenario.checkpoint_note, scenario.release_state,
                   scenario.release_pass)


def worker_output(pages: list[tuple[str, str]], planned: dict[str, int], scenarios: list) -> dict:
    """What a worker sends the controller at its end."""
    return {"pages": pages, "planned": planned, "scenarios": [ScenarioResult.of(s).as_json() for s in scenarios]}


class WorkerResults:
    """The controller's side: every worker's scenarios, and the pages they collected."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, str]] = []
        self.planned: dict[str, int] = {}
        self.scenarios: list[ScenarioResult] = []

    def add(self, output: dict | None) -> None:
        if not output:
            return
        if not self.pages:  # every worker collects the same pages
            self.pages = [tuple(page) for page in output["pages"]]
            self.planned = dict(output["planned"])
        self.scenarios += [ScenarioResult.from_json(data) for data in output["scenarios"]]
