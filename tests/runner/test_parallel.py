"""The Docker tests in lanes (guide_runner/parallel.py): what runs together,
in which order, and one coverage report from every worker's scenarios."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from guide_runner import parallel, plan_file
from guide_runner.outcomes import Outcome, Status
from guide_runner.release_passes import REUSED, ReleasePass
from docs_site.paths import ROOT
from guide_runner.report import Coverage
from tests.runner.outside import configure_runner

pytestmark = pytest.mark.reads_pages("docs/host-postgresql.md", "docs/reverse-proxy.md", "docs/logs.md")

PAGES = Path(__file__).parent / "pages"


def item(nodeid: str, scenario_name: str | None = None):
    plan = SimpleNamespace(changes_host="", machine="", blocks=[])
    scenario = SimpleNamespace(name=scenario_name, plan=plan) if scenario_name else None
    return SimpleNamespace(nodeid=nodeid, scenario=scenario)


def test_a_page_that_changes_the_test_host_says_so_and_runs_in_the_host_scope():
    assert parallel.scope_of("docs/host-postgresql.md::page") == parallel.HOST_SCOPE
    assert parallel.scope_of("docs/reverse-proxy.md::With Docker Compose") == parallel.HOST_SCOPE
    # Its other variant runs on a test server, not on the host: with the page it starts from (below).
    assert parallel.scope_of("docs/reverse-proxy.md::Without Docker") != parallel.HOST_SCOPE


def test_a_base_page_on_a_test_server_and_the_scenarios_that_start_from_it_are_one_scope_base_first():
    """Its checkpoint lives in one lane's engine: they run there, the base first (checkpoints.py)."""
    server = "debian-12 server from docs/install/without-docker.md"
    assert parallel.scope_of("docs/install/without-docker.md::page") == server
    assert parallel.scope_of("docs/reverse-proxy.md::Without Docker") == server
    assert parallel.scope_of("docs/logs.md::Without Docker") == server
    # An older release's base is another server's scope; a page on the test host is a scope of its own.
    assert parallel.scope_of("docs/install/without-docker.md::page@0.1.1") == server + "@0.1.1"
    assert parallel.scope_of("docs/logs.md::Service image") == "docs/logs.md::Service image"
    plans = {plan.item_name: plan for name in ("logs.md", "install/without-docker.md")
             for plan in plan_file(ROOT / "docs" / name)}
    items = [SimpleNamespace(nodeid=f"docs/{name}::{variant}", scenario=SimpleNamespace(name=variant, plan=plans[variant]))
             for name, variant in [("logs.md", "Without Docker"), ("logs.md", "Service image"),
                                   ("install/without-docker.md", "page")]]
    assert [i.nodeid for i in parallel.together(items)] == [
        "docs/install/without-docker.md::page", "docs/logs.md::Without Docker", "docs/logs.md::Service image"]
    order = [i.nodeid for i in parallel.longest_first(items, {"Service image": 500})]
    assert order == ["docs/logs.md::Service image", "docs/install/without-docker.md::page",
                     "docs/logs.md::Without Docker"]


def test_every_other_scenario_is_a_scope_of_its_own_and_a_test_module_is_one_scope():
    assert parallel.scope_of("docs/logs.md::Service image") == "docs/logs.md::Service image"
    assert parallel.scope_of("docs/logs.md::Service image@0.1.1") == "docs/logs.md::Service image@0.1.1"
    assert parallel.scope_of("tests/containers/test_compose.py::test_up[x]") == "tests/containers/test_compose.py"
    # A page that cannot be planned fails in its own test, not in the scheduler.
    assert parallel.scope_of("docs/no-such-page.md::page") == "docs/no-such-page.md::page"


def test_the_option_is_read_from_the_page_or_from_the_variant(tmp_path):
    page = tmp_path / "host.md"
    page.write_text('# Host\n\n<!-- test-page: changes-host="its nginx" -->\n\n```bash\ntrue\n```\n')
    (plan,) = plan_file(page)
    assert plan.changes_host == "its nginx"
    (plan,) = plan_file(PAGES / "carry.md")
    assert plan.changes_host == ""


def test_longest_first_keeps_a_scope_together_and_in_its_order():
    items = [item("tests/containers/test_a.py::one"), item("docs/a.md::page", "docs/a.md [page]"),
             item("tests/containers/test_a.py::two"), item("docs/b.md::page", "docs/b.md [page]"),
             item("docs/c.md::page", "docs/c.md [page]")]
    seconds = {"docs/a.md [page]": 30, "docs/b.md [page]": 100,
               "tests/containers/test_a.py::one": 40, "tests/containers/test_a.py::two": 45}
    order = [i.nodeid for i in parallel.longest_first(items, seconds)]
    assert order == ["docs/b.md::page", "tests/containers/test_a.py::one", "tests/containers/test_a.py::two",
                     "docs/a.md::page", "docs/c.md::page"]  # c has no time: last, in collection order


def test_this_machines_passes_come_before_the_committed_durations(tmp_path):
    committed = tmp_path / "durations.json"
    committed.write_text(json.dumps({"docs/a.md::page": 10, "tests/x.py::t": 5}))
    seconds = parallel.stored_seconds({"docs/a.md [page]": {"seconds": 70}}, committed)
    assert seconds == {"docs/a.md::page": 10.0, "tests/x.py::t": 5.0, "docs/a.md [page]": 70.0}
    # The scenario's stored pass wins over the committed id.
    order = parallel.longest_first([item("tests/x.py::t"), item("docs/a.md::page", "docs/a.md [page]")], seconds)
    assert [i.nodeid for i in order] == ["docs/a.md::page", "tests/x.py::t"]
    assert parallel.stored_seconds({}, tmp_path / "missing.json") == {}
    committed.write_text("not json")
    assert parallel.stored_seconds({}, committed) == {}


def test_the_committed_durations_name_tests_that_exist():
    """tests/durations.json is what a fresh clone orders by: it must not hold only stale names."""
    durations = json.loads((ROOT / "tests" / "durations.json").read_text())
    pages = {nodeid.split("::")[0] for nodeid in durations if nodeid.startswith("docs/")}
    assert pages and all((ROOT / page).exists() for page in pages)
    assert all(seconds >= 0 for seconds in durations.values())


def test_a_workers_scenarios_come_back_as_the_same_coverage(tmp_path):
    from guide_runner import read_page

    page = read_page(PAGES / "carry.md")
    (plan,) = plan_file(PAGES / "carry.md")
    line = page.blocks[0].line
    outcomes = {(page.path, line): Outcome(Status.VERIFIED, "")}
    # Its record stood for it (release_passes.py): the record comes back too, for the controller to keep.
    recorded = ReleasePass(plan.name, "digest", {"date": "2026-12-07", "commit": "abc"}, 12.0, outcomes)
    scenario = SimpleNamespace(name=plan.name, page=plan.page, skip="", from_checkpoint="", checkpoint_note="",
                               outcomes=outcomes, release_state=REUSED, release_pass=recorded)
    sent = json.loads(json.dumps(parallel.worker_output([(str(page.file), page.id.release)], {page.path: 1},
                                                        [scenario])))
    results = parallel.WorkerResults()
    results.add(sent)
    results.add(None)  # a worker that died sends nothing: no error here, its tests failed already
    assert results.pages == [(str(page.file), page.id.release)]
    assert results.planned == {page.path: 1}
    (back,) = results.scenarios
    assert (back.name, back.page, back.skip) == (plan.name, str(plan.page), "")
    assert (back.release_state, back.release_pass) == (REUSED, recorded)
    direct = Coverage([page], [parallel.ScenarioResult.of(scenario)]).as_json()
    assert Coverage([page], results.scenarios).as_json() == direct
    assert direct["pages"][page.path]["blocks"][0]["status"] == "verified"
    assert direct["release_passes"] == {plan.name: recorded.run}
    assert direct["pages"][page.path]["recorded_run"] == recorded.run


def test_a_skipped_variant_is_reported_from_a_worker_too():
    result = parallel.ScenarioResult.from_json({"name": "docs/x.md [Helm]", "page": "docs/x.md",
                                                "skip": "no cluster", "outcomes": []})
    assert Coverage([], [result]).skipped_variants == {"docs/x.md [Helm]": "no cluster"}


def test_each_worker_is_a_python_started_inside_its_lane():
    specs = parallel.tx_specs([1, 3])
    assert [parallel.lane_of(spec.split("//")[1].removeprefix("id=")) for spec in specs] == [1, 3]
    assert all(" -m guide_runner.lanes run " in spec for spec in specs)
    # pytest-xdist splits a spec at '//': a path or a DOCKER_HOST URL must not hold one.
    assert all(spec.count("//") == 2 for spec in specs)


def test_the_host_lock_lets_one_scenario_at_a_time_change_the_host():
    inside, most = [], []

    def scenario():
        with parallel.host_lock():
            inside.append(1)
            most.append(len(inside))
            time.sleep(0.05)
            inside.pop()

    threads = [threading.Thread(target=scenario) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == [1, 1, 1]


pytest_plugins = ["pytester"]


def test_lanes_without_pytest_xdist_say_what_to_install(pytester):
    configure_runner(pytester)
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest("--lanes", "2", "-p", "no:xdist", "-p", "no:cacheprovider",
                                "--coverage-baseline", "", "-o", "addopts=")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lanes needs pytest-xdist (pip install pytest-xdist)*"])


def test_collect_only_with_lanes_starts_none_and_collects_as_without(pytester):
    configure_runner(pytester)
    pytester.makepyfile("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    result = pytester.runpytest("--lanes", "2", "--collect-only", "-q", "-p", "no:cacheprovider", "-o", "addopts=")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*::test_one", "*::test_two"])
    assert "created:" not in result.stdout.str()  # no xdist worker, hence no lane


def test_collect_only_writes_no_report(pytester):
    """Issue #41: listing the test ids of a page overwrote reports/coverage.json with
    every block "not run", and the published site reads that file."""
    report = ROOT / "reports" / "coverage.json"
    before = report.read_bytes() if report.exists() else None
    result = pytester.runpytest(str(ROOT / "docs" / "prerequisites.md"), "--collect-only", "-q",
                                "-p", "no:cacheprovider", "-o", "addopts=")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*prerequisites.md::page", "*prerequisites.md::page@0.1.1"])
    assert "written to" not in result.stdout.str() and "guide coverage" not in result.stdout.str()
    assert (report.read_bytes() if report.exists() else None) == before


@pytest.fixture
def lane_folders(tmp_path, monkeypatch):
    """The lanes' folders in a temporary place: these tests start no engine."""
    from guide_runner import lanes

    monkeypatch.setattr(lanes, "DATA", tmp_path / "data")
    monkeypatch.setattr(lanes, "RUN", tmp_path / "run")
    monkeypatch.setattr(lanes, "CLAIMS", tmp_path / "run" / "claims")
    monkeypatch.setattr(lanes, "NETNS", tmp_path / "netns")
    monkeypatch.setattr(lanes, "CGROUPS", tmp_path / "cgroup")  # never a real lane's processes
    return lanes


def test_two_runs_never_claim_the_same_lane(lane_folders):
    lanes = lane_folders
    first, second = lanes.claim(2), lanes.claim(2)
    assert [lane.number for lane in first] == [1, 2] and [lane.number for lane in second] == [3, 4]
    lanes.release(first)
    assert [lane.number for lane in lanes.claim(1)] == [1]  # released: free again


def test_a_claim_whose_run_is_gone_is_taken_over(lane_folders):
    lanes = lane_folders
    gone = 2 ** 22 + 1  # above Linux's largest pid: no such process
    lanes.claim(1, owner=gone)
    assert [lane.number for lane in lanes.claim(1)] == [1]
    assert (lanes.CLAIMS / "1").read_text().strip() == str(os.getpid())


def test_lanes_started_for_a_run_are_taken_by_its_tests_only_and_once(lane_folders):
    """scripts/test.sh starts the lanes (`lanes start N --for $$`) while the
    Debian packages build; its pytest takes them, no other run does, and the
    workers that pytest starts inside them cannot take them again."""
    lanes = lane_folders
    run = os.getppid()  # what scripts/test.sh is to its pytest
    assert [lane.number for lane in lanes.claim(2, owner=run, handed_on=True)] == [1, 2]
    assert (lanes.CLAIMS / "1").read_text().split() == [str(run), lanes.HANDED_ON]
    assert [lane.number for lane in lanes.claim(1, owner=1)] == [3]  # not under that run
    assert [lane.number for lane in lanes.claim(2)] == [1, 2]  # this pytest, under it
    assert (lanes.CLAIMS / "1").read_text().split() == [str(os.getpid())]
    worker = subprocess.Popen(["sleep", "30"])  # a process this pytest started
    try:
        assert [lane.number for lane in lanes.claim(1, owner=worker.pid)] == [4]
    finally:
        worker.kill()
        worker.wait()


def test_release_leaves_the_lanes_of_other_runs(lane_folders):
    lanes = lane_folders
    mine, theirs = lanes.claim(1), lanes.claim(1, owner=1)
    lanes.release(mine)
    assert [p.name for p in lanes.CLAIMS.iterdir()] == [str(theirs[0].number)]
    lanes.stop()  # every lane, as scripts/test.sh does after a killed run
    assert lanes.leftovers() == []
