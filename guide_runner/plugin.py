"""pytest plugin: every page under docs/ is a test file, every variant of it a test.

Registered through the `pytest11` entry point in guide_runner/pyproject.toml,
and off in every run whose rootdir has no [tool.guide_runner] table
(project.py): it then collects nothing, writes nothing and calls no Docker.
One pytest item runs a whole scenario (a page, or one variant of it) because
its blocks depend on each other: `pytest --lf` re-runs the failed page from
its first block.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from . import (dry_run, engine_lock, lanes, parallel, project, ratchet, release_passes, releases, reuse,
               run_facts, shards)
from .checkpoints import Checkpoints
from .languages import Kind
from .outcomes import GuideFailure
from .page import Page, PageId, read_page
from .plan import Plan, plan_page
from .project import Project, cached
from .report import Coverage
from .sandbox import docker_available
from .scenario import Scenario

PROJECT = pytest.StashKey[Project]()  # set only where the rootdir configures the runner
PAGES = pytest.StashKey[list[Page]]()  # every page collected, each rendition
PAGE_FILES = pytest.StashKey[list[tuple[str, str]]]()  # the same, as (file, release): what a lane's worker sends
SCENARIOS = pytest.StashKey[list[Scenario]]()  # every scenario that ran (or was skipped)
PLANNED = pytest.StashKey[dict[str, int]]()  # page: scenarios collected
DROPS = pytest.StashKey[list[str]]()
IMAGES = pytest.StashKey[bool]()
ENGINE_LOCK = pytest.StashKey[object]()
CLAIMED = pytest.StashKey["list[lanes.Lane]"]()  # the lanes this run claimed (--lanes)
SHARD = pytest.StashKey[shards.Shard]()  # --shard: the part of the suite this run runs
# What every fingerprint of this run shares (reuse.environment); None outside a git checkout.
ENVIRONMENT = pytest.StashKey["dict[str, str] | None"]()
REUSED = pytest.StashKey[list[reuse.StoredPass]]()  # scenarios
CHECKPOINTS = pytest.StashKey[Checkpoints]()  # of test servers, made and used in this process (checkpoints.py)
RAN_AGAIN = pytest.StashKey[list[str]]()  # with --changed: each scenario that ran, and why
# The support window: the older releases' recorded passes (release_passes.py); absent where the project keeps none.
WINDOW = pytest.StashKey[release_passes.Window]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("guides", "the guide runner")
    group.addoption("--coverage-baseline", metavar="PATH", default=None,
                    help="fail when a page's tested blocks drop below this baseline (CI passes "
                         "tests/coverage-baseline.json)")
    group.addoption("--update-coverage-baseline", action="store_true",
                    help="write this run's counts into the --coverage-baseline file")
    group.addoption("--changed", action="store_true",
                    help="run only the scenarios whose inputs changed since they last passed on this "
                         "machine; the others are reported as REUSED, with the run they come from")
    group.addoption("--dry-run", action="store_true",
                    help="print what each page would run, where and in which order; run nothing, write nothing")
    group.addoption("--lanes", type=int, default=0, metavar="N",
                    help="run the tests in N lanes side by side, each a Docker engine in a network namespace "
                         "of its own (guide_runner/lanes.py), one pytest-xdist worker in each")
    group.addoption("--no-checkpoints", action="store_true",
                    help="make no checkpoint of a test server: each page that starts from a base page on a "
                         "test server replays it (to measure what checkpoints save, or to rule them out)")
    group.addoption("--shard", metavar="K/N", default=None,
                    help="run part K of N of the collected tests, for N machines: every test in exactly one "
                         "part, tests that share a setup together, parts balanced by the project's committed "
                         "durations (guide_runner/shards.py)")
    group.addoption("--every-release", action="store_true",
                    help="run every older release's scenarios, also those whose inputs are unchanged since "
                         "their recorded pass (the project's release-passes)")
    group.addoption("--update-release-passes", action="store_true",
                    help="write the record of older releases' passes as this run leaves it to the project's "
                         "release-passes file (to commit), not only to the reports folder")
    group.addoption("--pass-store", metavar="DIR", default=None,
                    help="where passing scenarios are stored for --changed (default: guide-passes/ in the "
                         "project's cache)")


def _say(config: pytest.Config):
    """A line to the terminal: through pytest's reporter, else (no reporter
    yet, or a plugin run without it) print."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.write_line if reporter else print


def _project(config: pytest.Config) -> Project | None:
    """The project this run runs; None: the runner is off."""
    return config.stash.get(PROJECT, None)


def _pass_store(config: pytest.Config) -> Path:
    chosen = config.getoption("--pass-store")
    return Path(chosen) if chosen else config.stash[PROJECT].passes


def _worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _runs_nothing(config: pytest.Config) -> bool:
    """--collect-only or --dry-run: no Docker, no fingerprint, no report."""
    return config.option.collectonly or config.getoption("--dry-run")


def _lane_count(config: pytest.Config) -> int:
    """Lanes this process starts and hands tests to (0 on a worker, --collect-only or --dry-run)."""
    if _worker(config) or _runs_nothing(config):
        return 0
    return config.getoption("--lanes")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The project, from the rootdir; --lanes N: one pytest-xdist worker per
    lane, started inside it (parallel.py)."""
    try:
        found = project.load(config.rootpath)
    except project.ProjectError as error:
        raise pytest.UsageError(str(error)) from None
    if found is None:
        if config.getoption("--lanes") or config.getoption("--changed") or config.getoption("--shard"):
            raise pytest.UsageError(f"--lanes, --changed and --shard are the guide runner's: "
                                    f"{config.rootpath / 'pyproject.toml'} has no [tool.guide_runner] table to turn it on")
        return
    if config.getoption("--shard"):
        try:
            config.stash[SHARD] = shards.parse(config.getoption("--shard"))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
    config.stash[PROJECT] = found
    previous = project.use(found)
    config.add_cleanup(lambda: project.use(previous))
    count = _lane_count(config)
    if count <= 0:
        return
    if not config.pluginmanager.hasplugin("xdist"):
        raise pytest.UsageError("--lanes needs pytest-xdist (pip install pytest-xdist)")
    config.option.numprocesses = None
    config.option.dist = "loadscope"  # with the scopes of parallel.scope_of (LaneScheduling)
    config.option.loadscopereorder = False  # the workers sort longest first
    # Lanes no other run owns (a run may start runs, each with lanes of its own);
    # started once the images are built (LaneController), released at the end.
    claimed = lanes.claim(count)
    config.add_cleanup(lambda: lanes.release(claimed))
    config.stash[CLAIMED] = claimed
    config.option.tx = parallel.tx_specs([lane.number for lane in claimed])


def pytest_configure(config: pytest.Config) -> None:
    if _project(config) is None:
        return
    config.stash[PAGES] = []
    config.stash[PAGE_FILES] = []
    config.stash[SCENARIOS] = []
    config.stash[PLANNED] = {}
    config.stash[DROPS] = []
    config.stash[REUSED] = []
    config.stash[RAN_AGAIN] = []
    _open_window(config)
    config.pluginmanager.register(TestPasses(config), "guide_runner.test_passes")
    if _lane_count(config):
        config.pluginmanager.register(LaneController(config), "guide_runner.lanes")
    elif _worker(config) and parallel.LANE in config.workerinput:
        config.pluginmanager.register(LaneWorker(config), "guide_runner.lane_worker")
    config.addinivalue_line("markers", "docker: needs the Docker engine (select the fast tests with -m 'not docker')")
    config.addinivalue_line("markers", "reads_pages(*pages): the only pages of docs/ the test reads (with those "
                                       "they start from): --changed runs it again for them, not for another page")
    # CI stops a run with SIGTERM: treat it as Ctrl-C, so every teardown still runs.
    signal.signal(signal.SIGTERM, _interrupt)


def _open_window(config: pytest.Config) -> None:
    """The committed record of older releases' passes, where the project keeps one."""
    found = config.stash[PROJECT]
    if found.release_passes is None or config.option.collectonly:
        return  # --dry-run keeps it: it says which older scenarios the record stands for
    try:
        records = release_passes.load(found.release_passes)
    except release_passes.RecordError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[WINDOW] = release_passes.Window(
        records, found.root, found.release_passes_days, config.getoption("--every-release"),
        datetime.now(timezone.utc).date(), run_facts.collect)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


class TestPasses:
    """The tests outside the pages: each fingerprinted at collection and
    stored when it passes; with --changed, the ones that passed with the same
    inputs are deselected (reuse.py)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.store = _pass_store(config)
        self.keys: dict[str, str] = {}  # test id: fingerprint
        self.results: dict[str, list] = {}  # test id: [seconds so far, every phase so far passed]
        self.reused: list[reuse.StoredPass] = []
        self.commit: str | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """After -m and -k: wait for the engine, build the images, then take
        the fingerprints, all before any test can tag an image."""
        shard = self.config.stash.get(SHARD, None)
        if shard is not None:
            kept, others = shards.select(items, shard, self.config.stash[PROJECT].durations)
            if others:
                self.config.hook.pytest_deselected(items=others)
            items[:] = kept
        if _runs_nothing(self.config):
            # --collect-only, --dry-run: no fingerprint, no Docker call, no file written; but
            # --dry-run says which older scenarios the record stands for (git and file reads only).
            if self.config.getoption("--dry-run") and not self.config.option.collectonly:
                _window_files(self.config, reuse.repository_files(self.config.stash[PROJECT].root))
            return
        self._checkpoints(items)
        if any(item.get_closest_marker("docker") for item in items) and docker_available():
            _engine_locked(self.config)
            if any(isinstance(item, ScenarioItem) for item in items):
                _images_built(self.config, at_collection=True)
        found = self.config.stash[PROJECT]
        files = reuse.repository_files(found.root)
        environment = self.config.stash[ENVIRONMENT] = reuse.environment(files) if files is not None else None
        _window_files(self.config, files)
        tests = [item for item in items if not isinstance(item, ScenarioItem)]
        if environment is None or not tests:
            return
        machine = {part: digest for part, digest in environment.items() if part != "files"}
        # By folder and pages read: the tests of a folder read the same files.
        inputs: dict[tuple[str, frozenset[str] | None], str] = {}
        for item in tests:
            path = item.nodeid.split("::")[0]
            marker = item.get_closest_marker("reads_pages")
            what = (path.rpartition("/")[0] + "/", _pages_read(marker.args) if marker else None)
            if what not in inputs:
                inputs[what] = reuse.inputs_of_test(path, files, found.root, pages=what[1],
                                                    pages_read_by_folder=found.pages_read_by_folder)
            self.keys[item.nodeid] = reuse.fingerprint_of_test(item.nodeid, inputs[what], machine)
        if not self.config.getoption("--changed"):
            return
        kept, deselected = [], []
        for item in items:
            stored = None
            if item.nodeid in self.keys:
                if reuse.failed_last(item.nodeid, self.store):
                    self.config.stash[RAN_AGAIN].append(f"{item.nodeid}: its last run failed")
                else:
                    stored = reuse.load(self.keys[item.nodeid], self.store)
            (kept if stored is None else deselected).append(item)
            if stored is not None:
                self.reused.append(stored)
        if deselected:
            self.config.hook.pytest_deselected(items=deselected)
            items[:] = kept

    def _checkpoints(self, items: list[pytest.Item]) -> None:
        """The checkpoints this process may make (a base whose dependents it
        runs), removed when it ends; in a serial run, each base runs before
        the scenarios that start from it (a lane's worker sorts longest first,
        LaneWorker)."""
        if not self.config.getoption("--no-checkpoints"):
            plans = [item.scenario.plan for item in items if isinstance(item, ScenarioItem)]
            made = self.config.stash[CHECKPOINTS] = Checkpoints.for_plans(plans)
            self.config.add_cleanup(made.remove_all)
        if not _worker(self.config):
            items[:] = parallel.together(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid not in self.keys:
            return
        result = self.results.setdefault(report.nodeid, [0.0, True])
        result[0] += report.duration
        result[1] = result[1] and report.passed  # a skip is not a pass to reuse
        if report.failed:
            reuse.record_failure(report.nodeid, self.store)
        if report.when == "teardown" and result[1]:
            reuse.clear_failure(report.nodeid, self.store)
            if self.commit is None:
                self.commit = run_facts.commit() or ""
            reuse.save(self.keys[report.nodeid], report.nodeid, {}, result[0], self.commit, self.store)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Everything reused is a pass, not pytest's "no tests ran" (exit status 5).
        if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.reused:
            session.exitstatus = pytest.ExitCode.OK

    def summary(self) -> list[str]:
        if not self.reused:
            return []
        by_folder: dict[str, list[float]] = {}
        for stored in self.reused:
            by_folder.setdefault(stored.name.split("::")[0].rpartition("/")[0], []).append(stored.seconds)
        return [f"{folder}: {len(times)} tests, {sum(times):.0f} s saved" for folder, times in sorted(by_folder.items())]


@cached  # once per marker, not once per test it marks
def _pages_read(pages: tuple[str, ...]) -> frozenset[str]:
    """The pages a test reads (`@pytest.mark.reads_pages("docs/PAGE.md", ...)`),
    with every page their scenarios start from."""
    root = project.current().root
    return frozenset(pages).union(*(plan.pages for name in pages for plan in plan_page(read_page(root / name))))


def _engine_locked(config: pytest.Config) -> None:
    """Before the first test that uses Docker: wait until no other run uses
    this engine (guide_runner/engine_lock.py)."""
    say = _say(config)
    config.stash[ENGINE_LOCK] = engine_lock.acquire(say)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    found = _project(parent.config)
    if found is not None and file_path.suffix == ".md" and found.docs in file_path.parents:
        return PageFile.from_parent(parent, path=file_path)
    return None


class PageFile(pytest.File):
    """A page, as the newest release shows it, then as each older release
    that has it shows it (items named `...@0.1.1`, run against that release)."""

    def collect(self):
        name = self.path.relative_to(self.config.stash[PROJECT].docs).as_posix()
        for release in [releases.newest(), *reversed(releases.older())]:
            if not releases.has_page(release, name):
                continue
            page = read_page(self.path, release)
            self.config.stash[PAGES].append(page)
            self.config.stash[PAGE_FILES].append((str(self.path), release))
            if all(b.kind == Kind.UNKNOWN for b in page.blocks):
                continue  # nothing to run: its blocks show as "not collected"
            for plan in plan_page(page):
                self.config.stash[PLANNED][page.path] = self.config.stash[PLANNED].get(page.path, 0) + 1
                yield ScenarioItem.from_parent(self, name=plan.item_name, plan=plan)


class ScenarioItem(pytest.Item):
    def __init__(self, *, plan: Plan, **kwargs):
        super().__init__(**kwargs)
        self.scenario = Scenario(plan)
        if self.config.stash[PROJECT].docker:
            self.add_marker(pytest.mark.docker)

    def runtest(self) -> None:
        self.config.stash[SCENARIOS].append(self.scenario)
        _images_built(self.config)
        if self.scenario.plan.skip:
            self.scenario.mark_skipped()
            pytest.skip(f"{self.scenario.name}: {self.scenario.plan.skip}")
        window = self.config.stash.get(WINDOW, None) if not self.scenario.page.newest else None
        if window is not None:
            recorded, why = window.standing(self.scenario.plan)
            if recorded is not None:
                self.scenario.outcomes.update(recorded.outcomes)
                self.scenario.release_state, self.scenario.release_pass = release_passes.REUSED, recorded
                self.user_properties.append(("reused", recorded.describe()))
                return
        started = time.monotonic()
        try:
            self._run()
        except BaseException:
            if window is not None:
                self.scenario.release_state = release_passes.FAILED
            raise
        reused_here = any(name == "reused" for name, _ in self.user_properties)  # --changed: not a new pass
        if window is not None and not reused_here:
            self.scenario.release_state = release_passes.PASSED
            self.scenario.release_pass = window.new_pass(self.scenario.plan, self.scenario.outcomes,
                                                         time.monotonic() - started)

    def _run(self) -> None:
        """Run the scenario, or (--changed) reuse this machine's stored pass of the same inputs."""
        environment = self.config.stash.get(ENVIRONMENT, None)
        checkpoints = self.config.stash.get(CHECKPOINTS, None)
        if environment is None:  # not a git checkout: nothing to fingerprint
            self.scenario.run(checkpoints)
            return
        key = reuse.fingerprint(self.scenario.plan, environment)
        store = _pass_store(self.config)
        if self.config.getoption("--changed"):
            failed_last = reuse.failed_last(self.scenario.name, store)
            stored = None if failed_last else reuse.load(key, store)
            if stored is not None:
                self.scenario.outcomes.update(stored.outcomes)
                self.config.stash[REUSED].append(stored)
                self.user_properties.append(("reused", stored.describe()))
                return
            why = ("its last run failed" if failed_last else
                   reuse.why_run_again(self.scenario.name, environment, _latest_passes(self.config, store)))
            self.config.stash[RAN_AGAIN].append(f"{self.scenario.name}: {why}")
        started = time.monotonic()
        try:
            self.scenario.run(checkpoints)
        except BaseException:
            reuse.record_failure(self.scenario.name, store)
            raise
        reuse.clear_failure(self.scenario.name, store)
        reuse.save(key, self.scenario.name, self.scenario.outcomes, time.monotonic() - started,
                   run_facts.commit() or "", store, environment, self.scenario.timings.record())

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GuideFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        first = self.scenario.blocks[0].line if self.scenario.blocks else 0
        return self.path, first - 1, f"{self.scenario.page} [{self.name}]"


def _window_files(config: pytest.Config, files: list[str] | None) -> None:
    """The digest of the files older releases' scenarios read, for the record's window."""
    window = config.stash.get(WINDOW, None)
    if window is not None and files is not None:
        found = config.stash[PROJECT]
        window.files = release_passes.release_files_digest(files, found.root, found.inputs,
                                                           found.newest_release_inputs)


def pytest_runtestloop(session: pytest.Session):
    """--dry-run: each scenario's plan, instead of running it."""
    config = session.config
    project = _project(config)
    if project is None or not config.getoption("--dry-run") or config.option.collectonly:
        return None
    say = _say(config)
    window = config.stash.get(WINDOW, None)
    others = 0
    for item in session.items:
        if isinstance(item, ScenarioItem):
            lines = dry_run.describe(item.nodeid, item.scenario.plan, project.run_pages_in,
                                     project.container_image)
            if window is not None and not item.scenario.page.newest and not item.scenario.plan.skip:
                recorded, why = window.standing(item.scenario.plan)
                if recorded is not None:
                    lines = [recorded.describe()]
                else:
                    lines[0] += f" (an older release's: it runs, {why})"
            for line in lines:
                say(line)
        else:
            others += 1
    if others:
        say(f"and {others} other tests (not pages): not run either")
    return True


def _images_built(config: pytest.Config, at_collection: bool = False) -> None:
    """The project's images (its build-images command: ours also builds the
    test servers), built once per run before the first page (cached by the
    script: quick when nothing changed)."""
    command = config.stash[PROJECT].build_images
    if config.stash.get(IMAGES, False) or not command or not config.stash[PROJECT].docker or not docker_available():
        return
    run = subprocess.run(list(command), capture_output=True, text=True, cwd=config.stash[PROJECT].root)
    if run.returncode:
        if at_collection:
            return  # the first page says why, as its failure
        raise GuideFailure(f"{' '.join(command)} failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    config.stash[IMAGES] = True


LATEST_PASSES = pytest.StashKey[dict]()


def _latest_passes(config: pytest.Config, store: Path) -> dict[str, dict]:
    """The store's newest pass of each scenario, read once, on the first miss."""
    if LATEST_PASSES not in config.stash:
        config.stash[LATEST_PASSES] = reuse.latest_passes(store)
    return config.stash[LATEST_PASSES]


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    """A reused pass shows as R / REUSED, and is counted apart from the passes that ran."""
    if report.when == "call" and report.passed and any(name == "reused" for name, _ in report.user_properties):
        return "reused", "R", ("REUSED", {"green": True})
    return None


def _coverage(config: pytest.Config) -> Coverage | None:
    if PAGES not in config.stash or not config.stash[PAGES]:
        return None
    return Coverage(config.stash[PAGES], config.stash[SCENARIOS])


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    config = session.config
    if _project(config) is None or _worker(config):
        return  # the controller sees every worker's scenarios (LaneController)
    _record_release_passes(config)
    baseline = config.getoption("--coverage-baseline")
    coverage = _coverage(config)
    if not baseline or coverage is None:
        return
    path = Path(baseline)
    totals = coverage.totals()
    ran: dict[str, int] = {}
    for scenario in config.stash[SCENARIOS]:
        ran[str(scenario.page)] = ran.get(str(scenario.page), 0) + 1
    complete = {page for page, planned in config.stash[PLANNED].items() if ran.get(page) == planned}
    if config.getoption("--update-coverage-baseline"):
        ratchet.save(path, {page: counts for page, counts in totals.items() if page in complete}
                     | {p: c for p, c in ratchet.load(path).items() if p not in complete})
        return
    config.stash[DROPS] = ratchet.drops(ratchet.load(path), totals, complete)
    if config.stash[DROPS] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Where this run wrote the record of older releases' passes, and whether it differs from the committed one.
RECORDED = pytest.StashKey["tuple[list[Path], bool]"]()


def _record_release_passes(config: pytest.Config) -> None:
    """The record as this run leaves it: reports/release-passes.json, and
    with --update-release-passes the project's file. Only a run in which an
    older release's scenario took part writes it."""
    found = config.stash[PROJECT]
    window = config.stash.get(WINDOW, None)
    ran = {s.name: (s.release_state, s.release_pass) for s in config.stash[SCENARIOS] if s.release_state}
    if window is None or not ran:
        return
    kept = {name for name in window.records if _still_recorded(name, found)}
    records = release_passes.updated(window.records, ran, kept)
    written = []
    if found.reports is not None:
        written.append(found.reports / "release-passes.json")
    if config.getoption("--update-release-passes"):
        written.append(found.release_passes)
    for path in written:
        release_passes.save(path, records)
    config.stash[RECORDED] = (written, records != window.records)


def _still_recorded(name: str, found: Project) -> bool:
    """A recorded scenario's page still exists, in a release that is still an older one."""
    page = PageId.of_scenario(name)
    return not page.newest and page.release in releases.older() and (found.root / page.path).is_file()


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if _project(config) is None or _worker(config):
        return
    reused = config.stash.get(REUSED, [])
    tests = config.pluginmanager.get_plugin("guide_runner.test_passes")
    if reused or (tests and tests.reused):
        terminalreporter.section("reused: passes whose inputs are unchanged (--changed; run without it to run them all)")
        for stored in reused:
            terminalreporter.write_line(stored.describe())
        if reused:
            terminalreporter.write_line(f"{len(reused)} scenarios reused, {sum(s.seconds for s in reused):.0f} s saved")
        if tests and tests.reused:
            terminalreporter.write_line("other tests, deselected because they passed with the same inputs:")
            for line in tests.summary():
                terminalreporter.write_line(f"  {line}")
    _summarise_release_passes(terminalreporter, config)
    ran_again = config.stash.get(RAN_AGAIN, [])
    if ran_again:
        terminalreporter.section("run again (--changed): what has no pass stored for these inputs, or failed last, and why")
        for line in ran_again:
            terminalreporter.write_line(line)
    coverage = _coverage(config)
    if coverage is None or _runs_nothing(config):
        return  # nothing ran: no table, and reports/coverage.json (which the site reads) stays as it is
    drops = config.stash.get(DROPS, [])
    if drops:
        terminalreporter.section("coverage ratchet: FAILED, tested blocks went down", red=True)
        for drop in drops:
            terminalreporter.write_line(drop)
    terminalreporter.section("guide coverage: what happened to every block of every page")
    terminalreporter.write(coverage.table())
    reports = config.stash[PROJECT].reports
    if reports is None:
        return  # the project keeps no reports
    # With what the run ran on: the site shows it next to each page's marks.
    written = coverage.write(reports, run=run_facts.collect())
    terminalreporter.write_line(f"written to {', '.join(config.stash[PROJECT].relative(p) for p in written)}")


def _summarise_release_passes(terminalreporter, config: pytest.Config) -> None:
    """Which older-release scenarios did not run because their record stands for them, and where the record went."""
    reused = [s.release_pass for s in config.stash.get(SCENARIOS, [])
              if s.release_state == release_passes.REUSED and s.release_pass is not None]
    if reused:
        terminalreporter.section("not run: older releases' scenarios whose inputs are unchanged since their "
                                 "recorded pass (--every-release runs them)")
        for record in sorted(reused, key=lambda r: r.name):
            terminalreporter.write_line(record.describe())
        terminalreporter.write_line(f"{len(reused)} scenarios not run, {sum(r.seconds for r in reused):.0f} s saved")
    written, changed = config.stash.get(RECORDED, ([], False))
    if written:
        found = config.stash[PROJECT]
        names = ", ".join(found.relative(path) for path in written)
        tail = ("" if found.release_passes in written or not changed else
                f"; commit it as {found.relative(found.release_passes)} (or run with --update-release-passes) "
                "so that the next run need not run them again")
        terminalreporter.write_line(f"older releases' passes recorded in {names}{tail}")


class LaneController:
    """The run that starts the lanes and hands their workers tests (--lanes N)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results = parallel.WorkerResults()
        self.seconds: dict[str, float] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Before pytest-xdist starts the workers: the images, then the lanes with them."""
        if not self.config.stash[PROJECT].docker or not docker_available():
            raise pytest.UsageError("--lanes needs the Docker engine, and docker = true in [tool.guide_runner]")
        _engine_locked(self.config)
        _images_built(self.config)
        lanes.start(self.config.stash[CLAIMED], self.config.stash[PROJECT].lane_images, say=_say(self.config))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        node.workerinput[parallel.LANE] = parallel.lane_of(node.gateway.id)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log):
        return parallel.LaneScheduling(config, log)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        output = getattr(node, "workeroutput", {}).get("guide_runner")
        first = not self.results.pages
        self.results.add(output)
        if first and self.results.pages:
            self.config.stash[PAGES] = [read_page(Path(file), release) for file, release in self.results.pages]
            self.config.stash[PLANNED] = dict(self.results.planned)
        self.config.stash[SCENARIOS] = list(self.results.scenarios)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # What each test took, for the next run's order (parallel.longest_first; the project's durations).
        reports = self.config.stash[PROJECT].reports
        if reports is None:
            return
        reports.mkdir(exist_ok=True)
        (reports / "durations.json").write_text(
            json.dumps({nodeid: round(s, 1) for nodeid, s in sorted(self.seconds.items())}, indent=1) + "\n")


class LaneWorker:
    """A worker inside a lane: its images are there (loaded by the controller),
    it runs longest first, and it sends its scenarios back."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        config.stash[IMAGES] = True

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        seconds = parallel.stored_seconds(reuse.latest_passes(_pass_store(self.config)),
                                          self.config.stash[PROJECT].durations)
        items[:] = parallel.longest_first(items, seconds)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.config.workeroutput["guide_runner"] = parallel.worker_output(
            self.config.stash[PAGE_FILES], self.config.stash[PLANNED], self.config.stash[SCENARIOS])
