"""pytest plugin: every page under docs/ is a test file, every variant of it a test.

Loaded by `-p tests.harness.plugin` in pyproject.toml. One pytest item runs a
whole scenario (a page, or one content tab of it) because its blocks depend on
each other: `pytest --lf` re-runs the failed page from its first block.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from docs_tools import versions

from . import ratchet
from .page import ROOT, read_page
from .plan import scenarios_for
from .report import Coverage
from .sandbox import docker_available
from .scenario import GuideFailure, Outcome, Scenario

DOCS = ROOT / "docs"
COVERAGE = pytest.StashKey[Coverage]()


RUNS = pytest.StashKey[dict[str, list[int]]]()  # page: [scenarios collected, scenarios run]
DROPS = pytest.StashKey[list[str]]()
IMAGES = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("guides", "the guide runner")
    group.addoption("--coverage-baseline", metavar="PATH", default=None,
                    help="fail when a page's tested blocks drop below this baseline (CI passes "
                         "tests/coverage-baseline.json)")
    group.addoption("--update-coverage-baseline", action="store_true",
                    help="write this run's counts into the --coverage-baseline file")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[COVERAGE] = Coverage()
    config.stash[RUNS] = {}
    config.stash[DROPS] = []
    # CI stops a run with SIGTERM: treat it as Ctrl-C, so every teardown still runs.
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix == ".md" and DOCS in file_path.parents:
        return PageFile.from_parent(parent, path=file_path)
    return None


class PageFile(pytest.File):
    """A page, as the newest release shows it, then as each older release
    that has it shows it (items named `...@0.1.1`, run against that release)."""

    def collect(self):
        name = self.path.relative_to(DOCS).as_posix()
        for version in [None, *reversed(versions.older())]:
            if version and not versions.has_page(version, name):
                continue
            page = read_page(self.path, version)
            coverage = self.config.stash[COVERAGE]
            coverage.add_page(page)
            if all(b.kind == "unknown" for b in page.blocks):
                continue  # nothing to run: its blocks show as "not collected"
            for scenario in scenarios_for(self.path, page, version):
                self.config.stash[RUNS].setdefault(page.path, [0, 0])[0] += 1
                item_name = (scenario.variant or "page") + (f"@{version}" if version else "")
                yield ScenarioItem.from_parent(self, name=item_name, scenario=scenario)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        self.config.stash[RUNS][self.scenario.page][1] += 1
        _images_built(self.config)
        if self.scenario.skip:
            for block in self.scenario.blocks:
                variant = self.scenario.variant
                if block.page == self.scenario.page and (not variant or (block.tab and block.tab[1] == variant)):
                    self.scenario.outcomes[block.key] = Outcome("skipped", f"variant skipped: {self.scenario.skip}")
            self.config.stash[COVERAGE].record(self.scenario)
            self.config.stash[COVERAGE].skipped_variants[self.scenario.name] = self.scenario.skip
            pytest.skip(f"{self.scenario.name}: {self.scenario.skip}")
        try:
            self.scenario.run()
        finally:
            self.config.stash[COVERAGE].record(self.scenario)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GuideFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        first = self.scenario.blocks[0].line if self.scenario.blocks else 0
        return self.path, first - 1, f"{self.scenario.page} [{self.name}]"


def _images_built(config: pytest.Config) -> None:
    """Our images and the test servers, built once per run before the first
    page (cached by the script: quick when nothing changed)."""
    if config.stash.get(IMAGES, False) or not docker_available():
        return
    run = subprocess.run([str(ROOT / "scripts" / "build-images.sh")], capture_output=True, text=True)
    if run.returncode:
        raise GuideFailure(f"scripts/build-images.sh failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    config.stash[IMAGES] = True


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    config = session.config
    baseline = config.getoption("--coverage-baseline")
    if not baseline or COVERAGE not in config.stash:
        return
    path = Path(baseline)
    totals = config.stash[COVERAGE].totals()
    complete = {page for page, (collected, ran) in config.stash[RUNS].items() if ran == collected}
    if config.getoption("--update-coverage-baseline"):
        ratchet.save(path, {page: counts for page, counts in totals.items() if page in complete}
                     | {p: c for p, c in ratchet.load(path).items() if p not in complete})
        return
    config.stash[DROPS] = ratchet.drops(ratchet.load(path), totals, complete)
    if config.stash[DROPS] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    coverage = config.stash.get(COVERAGE, None)
    if coverage is None or not coverage.pages:
        return
    drops = config.stash.get(DROPS, [])
    if drops:
        terminalreporter.section("coverage ratchet: FAILED, tested blocks went down", red=True)
        for drop in drops:
            terminalreporter.write_line(drop)
    terminalreporter.section("guide coverage: what happened to every block of every page")
    terminalreporter.write(coverage.table())
    written = coverage.write(ROOT / "reports")
    terminalreporter.write_line(f"written to {', '.join(str(p.relative_to(ROOT)) for p in written)}")
