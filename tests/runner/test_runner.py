"""The guide runner end to end, on small pages written for them (pages/).

They run real shells and the Docker engine's leak check: marked `docker`.
The fast tests of the runner's logic are the other modules of this folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guide_runner import GuideFailure, Scenario, plan_file, releases, sandbox, timings
from guide_runner.parallel import host_lock
from docs_site.paths import ROOT

PAGES = Path(__file__).parent / "pages"
# Of docs/, it runs the Prerequisites page only.
pytestmark = [pytest.mark.docker, pytest.mark.reads_pages("docs/prerequisites.md")]


def scenarios(name: str) -> list[Scenario]:
    return [Scenario(plan) for plan in plan_file(PAGES / name)]


def run(name: str) -> Scenario:
    (scenario,) = scenarios(name)
    scenario.run()
    return scenario


def failure(name: str) -> tuple[Scenario, str]:
    (scenario,) = scenarios(name)
    with pytest.raises(GuideFailure) as error:
        scenario.run()
    return scenario, str(error.value)


@pytest.fixture
def marker(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "marker"
    monkeypatch.setenv("RUNNER_MARKER", str(path))
    return path


def statuses(scenario: Scenario) -> dict[int, str]:
    return {line: outcome.status for (_, line), outcome in scenario.outcomes.items()}


def outcome(scenario: Scenario, line: int):
    return scenario.outcomes[(str(scenario.page), line)]


def test_directory_and_variables_carry_between_blocks():
    scenario = run("carry.md")
    assert statuses(scenario) == {3: "hidden", 7: "executed", 13: "verified"}


def test_a_broken_command_names_page_line_command_and_status(marker):
    scenario, message = failure("broken.md")
    assert message.startswith("tests/runner/pages/broken.md:5 [page] shell block failed")
    assert "exit status: 127 (expected 0)" in message
    assert "no-such-command: command not found" in message
    assert "command:\n    no-such-command --flag\n" in message
    assert "last output lines:\n    first line\n" in message and "    never printed" not in message
    assert "not run after this failure: tests/runner/pages/broken.md:9" in message
    assert statuses(scenario)[9] == "not run"


def test_teardown_runs_after_a_failure(marker):
    failure("broken.md")
    assert marker.read_text() == "teardown ran\n"


def test_output_mismatch_is_a_unified_diff():
    _, message = failure("mismatch.md")
    assert "tests/runner/pages/mismatch.md:4 [page] output differs from the page" in message
    assert "-gamma\n+beta" in message


def test_each_tab_is_its_own_variant(marker):
    first, second = scenarios("tabs.md")
    assert (first.variant, second.variant) == ("First", "Second")
    first.run()
    assert marker.read_text() == "common\nfirst\n"
    marker.unlink()
    second.run()
    assert marker.read_text() == "common\nsecond\n"


def test_a_scenario_knows_where_its_time_went():
    scenario = run("timed.md")
    parts = scenario.timings.as_dict()
    # The sleeps of each kind of block, plus at most a second of the runner's work around each.
    assert 3 <= parts[timings.COMMANDS] < 4 and 1 <= parts[timings.HIDDEN] < 2, parts
    assert 1 <= parts[timings.TEARDOWN] < 2 and parts[timings.SERVER] == 0 and parts[timings.CHECKS] == 0, parts
    # The runner's share is the rest: snapshots and the leak check, a few seconds at most here.
    assert 0 < parts[timings.RUNNER] < 5, parts


def test_a_hung_block_is_killed_after_its_timeout():
    _, message = failure("slow.md")
    assert "exit status: killed after its timeout of 2 s" in message


def test_skips_need_a_reason_and_expected_exits_pass():
    scenario = run("skips.md")
    assert (outcome(scenario, 4).status, outcome(scenario, 4).detail) == ("skipped", "needs a machine with a GPU")
    assert outcome(scenario, 9).status == "executed"
    assert outcome(scenario, 13).status == "not collected"
    _, message = failure("skip-without-reason.md")
    assert "a skipped block must say why" in message


def test_config_blocks_are_written_and_checked():
    scenario = run("configs.md")
    assert outcome(scenario, 3).detail == "written to compose.yml, checked by docker compose config"
    assert outcome(scenario, 10).status == "parsed"
    assert outcome(scenario, 14).status == "verified"
    # An override has no image of its own: checked with compose.yml, as Compose reads it.
    assert outcome(scenario, 20).detail == "written to compose.override.yml, checked by docker compose config on top of compose.yml"
    _, message = failure("bad-override.md")
    assert "refers to undefined secret missing" in message
    _, message = failure("bad-yaml.md")
    assert "tests/runner/pages/bad-yaml.md:3 [page] yaml block is not valid" in message


def test_a_converging_block_is_retried_until_it_matches():
    scenario = run("converge.md")
    assert outcome(scenario, 8).status == "verified"


def test_a_page_that_leaks_a_container_fails_naming_it_and_is_cleaned():
    _, message = failure("leak.md")
    assert "the page left behind (now removed): container rbdocs-tests-runner-pages-leak-leaked" in message
    left = subprocess.run(["docker", "ps", "-aq", "--filter", "name=rbdocs-tests-runner-pages-leak"],
                          capture_output=True, text=True, check=True)
    assert left.stdout == ""


def test_on_an_engine_not_its_own_the_leak_check_removes_only_what_the_runner_labelled():
    """A developer's engine: what is new may be theirs. Only the runner's own
    (a test server, here) goes; the rest is named with the command that removes it."""
    name = "rbdocs-tests-runner-not-ours"
    docker = lambda *args: subprocess.run(["docker", *args], capture_output=True, text=True)
    snapshot = sandbox.Snapshot.take(ours=False)
    assert docker("run", "-d", "--name", f"{name}-server", "--label", f"{sandbox.MADE}=test-server",
                  "debian:bookworm-slim", "sleep", "600").returncode == 0
    assert docker("run", "-d", "--name", f"{name}-theirs", "debian:bookworm-slim", "sleep", "600").returncode == 0
    assert docker("volume", "create", f"{name}-theirs").returncode == 0
    try:
        removed, kept = snapshot.problems()
        assert removed == f"the page left behind (now removed): container {name}-server (debian:bookworm-slim)"
        assert kept.startswith("the page left behind (not removed: this Docker engine is not a lane of the runner's")
        assert f"container {name}-theirs (debian:bookworm-slim), volume {name}-theirs" in kept
        assert kept.endswith(f"remove them with:\n  docker rm -f -v {name}-theirs\n  docker volume rm -f {name}-theirs")
        assert docker("inspect", f"{name}-server").returncode != 0
        assert docker("inspect", f"{name}-theirs").returncode == 0
        assert docker("volume", "inspect", f"{name}-theirs").returncode == 0
    finally:
        docker("rm", "-f", "-v", f"{name}-server", f"{name}-theirs")
        docker("volume", "rm", "-f", f"{name}-theirs")


def test_an_uninstall_that_leaves_nothing_passes():
    scenario = run("leaves-nothing.md")
    assert outcome(scenario, 9).status == "executed"


def test_an_uninstall_that_leaves_a_volume_fails_before_its_teardown_removes_it():
    scenario, message = failure("leaves-something.md")
    assert "leaves-something.md:9 [page] the page says nothing is left" in message
    assert "volume rbdocs-tests-runner-pages-leaves-something-data" in message
    assert outcome(scenario, 9).status == "failed"
    # The teardown still ran: the leak check after it found nothing more.
    assert "left behind" not in message


def test_a_page_that_deletes_its_directory_goes_on_and_tears_down():
    scenario = run("deletes-its-directory.md")
    assert statuses(scenario) == {3: "executed", 8: "verified", 13: "hidden"}


def test_a_dependent_page_starts_from_its_base_page_and_tears_down_first(marker):
    scenario = run("dependent.md")
    seen = {(Path(page).name, line): o.status for (page, line), o in scenario.outcomes.items()}
    assert seen == {("base.md", 5): "executed", ("base.md", 15): "executed", ("dependent.md", 5): "verified",
                    ("dependent.md", 10): "hidden", ("base.md", 19): "hidden"}
    assert marker.read_text() == "dependent teardown\nbase teardown\n"


def test_a_tab_can_be_skipped_with_its_reason():
    runs, skipped = scenarios("skip-tab.md")
    assert (runs.plan.skip, skipped.plan.skip) == ("", "needs a public DNS name")


def test_a_page_that_leaves_a_tagged_image_fails_naming_it():
    _, message = failure("leak-image.md")
    assert "the page left behind (now removed): image rbdocs-tests-runner-pages-leak-image:leaked" in message
    assert subprocess.run(["docker", "image", "inspect", "rbdocs-tests-runner-pages-leak-image:leaked"],
                          capture_output=True).returncode != 0


def test_a_page_interrupted_mid_block_leaves_nothing_behind():
    name = "rbdocs-tests-runner-pages-interrupt-interrupted"
    code = "import docs_site.paths; from pathlib import Path; from guide_runner import Scenario, plan_file; " \
           "Scenario(plan_file(Path('tests/runner/pages/interrupt.md'))[0]).run()"
    # Ctrl-C's signal as a terminal delivers it: a run started in the background
    # (`.ci/run &`) has SIGINT ignored, and a child would inherit that.
    runner = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(240):  # until the container runs and the page sits in `sleep 599.5`
            if subprocess.run(["docker", "ps", "-q", "--filter", f"name={name}"],
                              capture_output=True, text=True).stdout.strip():
                break
            time.sleep(0.25)
        else:
            pytest.fail("the page never started its container")
        time.sleep(1)
        runner.send_signal(signal.SIGINT)
        try:
            # Its clean-up talks to a lane's engine that other tests keep busy: seconds, rarely a minute.
            output, _ = runner.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            runner.kill()
            pytest.fail(f"the interrupted page did not finish its clean-up in 180 s:\n{runner.communicate()[0].decode()[-3000:]}")
        assert b"KeyboardInterrupt" in output
        assert subprocess.run(["docker", "ps", "-aq", "--filter", f"name={name}"],
                              capture_output=True, text=True).stdout == ""
        assert subprocess.run(["pgrep", "-f", "sleep 599.5"], capture_output=True).returncode == 1
    finally:
        # What this test made, also when the runner failed to clean it up (the assertions above say so).
        runner.kill()
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        subprocess.run(["pkill", "-f", "sleep 599.5"], capture_output=True)


def test_coverage_below_the_baseline_fails_the_run(tmp_path):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"pages": {
        "docs/prerequisites.md": {"verified": 99, "executed": 1, "skipped": 0},
        "docs/a-page-that-was-removed.md": {"verified": 1, "executed": 0, "skipped": 0},
    }}))
    run = subprocess.run([sys.executable, "-m", "pytest", "docs/prerequisites.md", "-p", "no:cacheprovider",
                          f"--coverage-baseline={baseline}"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout
    assert "docs/prerequisites.md: verified blocks went down from 99 to 4" in run.stdout
    assert "docs/a-page-that-was-removed.md: the page is gone" in run.stdout


def test_the_committed_baseline_holds_for_the_prerequisites_page():
    run = subprocess.run([sys.executable, "-m", "pytest", "docs/prerequisites.md", "-p", "no:cacheprovider",
                          "--coverage-baseline=tests/coverage-baseline.json"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


@pytest.fixture
def host_unchanged():
    """The host's packages are part of every fingerprint: no scenario in another
    lane may change the test host (install nginx) between this test's two runs."""
    with host_lock():
        yield


def test_changed_reuses_a_pass_whose_inputs_are_unchanged_and_keeps_the_coverage_whole(tmp_path, host_unchanged):
    store = tmp_path / "passes"
    # --every-release: each older rendition runs too, not only where its committed
    # record (tests/release-passes.json) no longer holds; this is about --changed.
    pytest_run = [sys.executable, "-m", "pytest", "docs/prerequisites.md", "-p", "no:cacheprovider",
                  f"--pass-store={store}", "--coverage-baseline=tests/coverage-baseline.json", "--every-release"]
    # The first run also has a test that tags an image before the pages run, as
    # a full run's tests may; the second does not run it again (reused).
    tagger = "tests/runner/passes/tags_an_image.py"
    first = subprocess.run([*pytest_run[:3], tagger, *pytest_run[3:], "--changed"], cwd=ROOT, capture_output=True,
                           text=True)
    assert first.returncode == 0, first.stdout
    # Nothing stored yet: every rendition (one per release) ran, and is stored.
    renditions = len(releases.versions())
    assert f"{renditions + 1} passed" in first.stdout and "reused" not in first.stdout
    assert "docs/prerequisites.md@0.1.1 [page]: no pass stored on this machine" in first.stdout
    assert len(list(store.glob("*.json"))) == renditions + 1
    # Each scenario's pass says where its time went (benchmarks/fast_feedback.py adds them up).
    stored = [json.loads(path.read_text()) for path in store.glob("*.json")]
    scenario_timings = [record["timings"] for record in stored if record["name"].startswith("docs/")]
    assert len(scenario_timings) == renditions
    assert all(t["parts"][timings.COMMANDS] > 0 and 0 < t["cores busy"] <= t["cores"] for t in scenario_timings)
    second = subprocess.run([*pytest_run[:3], tagger, *pytest_run[3:], "--changed"], cwd=ROOT, capture_output=True,
                            text=True)
    # The baseline holds: the reused outcomes count as the run's own.
    assert second.returncode == 0, second.stdout
    assert f"docs/prerequisites.md {'R' * renditions}" in second.stdout
    assert f"1 deselected, {renditions} reused in " in second.stdout
    # Each with the run it comes from.
    assert "docs/prerequisites.md@0.1.1 [page]: passed " in second.stdout
    without = subprocess.run(pytest_run, cwd=ROOT, capture_output=True, text=True)
    assert f"{renditions} passed" in without.stdout and "reused" not in without.stdout  # without --changed, it runs


def test_a_replace_option_substitutes_text_for_the_test_only():
    scenario = run("replace.md")
    assert statuses(scenario) == {4: "executed", 8: "verified"}


def test_a_marked_section_is_a_variant_named_after_its_heading(marker):
    first, second = scenarios("sections.md")
    assert (first.variant, second.variant) == ("Upgrade the first way", "Upgrade the second way")
    first.run()
    assert marker.read_text() == "common\nfirst\nfirst-step\nlast\n"
    marker.unlink()
    second.run()  # starts from base.md's "New" tab, then its own section
    assert marker.read_text() == "common\nlast\nbase teardown\n"
    assert {Path(p).name for p, _ in second.outcomes} == {"base.md", "sections.md"}


def test_a_base_page_can_start_from_an_older_state(marker):
    (scenario,) = scenarios("from-older.md")
    scenario.run()
    assert outcome(scenario, 5).status == "verified"


def test_an_interactive_command_is_answered_at_its_prompts_in_a_terminal():
    scenario = run("interactive.md")
    assert outcome(scenario, 4).status == "verified"


def test_a_converging_block_fails_with_a_diff_after_its_deadline():
    started = time.monotonic()
    _, message = failure("never-converges.md")
    assert 3 <= time.monotonic() - started < 15
    assert "output differs from the page (retried for 3 s)" in message
    assert "-ready\n+starting" in message


def _containers_named(name: str) -> str:
    return subprocess.run(["docker", "ps", "-aq", "--filter", f"name={name}"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_a_page_for_a_server_runs_on_a_fresh_one_as_its_sudo_user():
    scenario = run("machine.md")
    assert statuses(scenario) == {5: "verified", 11: "parsed", 15: "executed", 20: "verified", 28: "verified"}
    assert not _containers_named("machine-md")  # the server is gone with the scenario
    assert scenario.timings.as_dict()[timings.SERVER] > 1  # booting it is counted apart from the page's commands


def test_a_failure_on_a_server_shows_its_failed_units_and_journal():
    _, message = failure("machine-broken.md")
    assert "tests/runner/pages/machine-broken.md:" in message and "shell block failed" in message
    assert "failed units on the machine:" in message and "broken.service" in message
    assert "journal of the machine" in message
    assert not _containers_named("machine-broken")


def test_a_page_can_start_from_an_older_release_of_its_base_page():
    # The base page runs as the 0.1.1 docs show it, reading 0.1.1's files.
    scenario = run("from-release.md")
    base = ("tests/runner/pages/release-files.md@0.1.1", 3)
    assert scenario.outcomes[base].status == "verified"
    assert outcome(scenario, 5).status == "executed"


def test_a_page_whose_commands_pass_but_whose_outcome_fails_fails_naming_the_outcome():
    scenario, message = failure("outcome-fails.md")
    assert message.startswith("tests/runner/pages/outcome-fails.md:16 [page] outcome not reached: "
                              "signing in as admin at http://127.0.0.1:8765/login/ failed")
    assert "the page promises:\n    You are signed in as `admin` and see your tables." in message
    assert statuses(scenario) == {5: "executed", 12: "executed", 16: "failed"}


def test_a_page_pulls_an_absent_image_for_real_and_the_engine_gets_it_back():
    from guide_runner.images import image_id

    before = image_id("postgres:15")
    run("pulls.md")
    assert image_id("postgres:15") == before
    assert subprocess.run(["docker", "images", "-q", "guide-runner-kept"], capture_output=True,
                          text=True).stdout == ""  # the runner's own tag is gone with the page


def test_a_page_whose_image_name_is_misspelled_fails_and_the_engine_keeps_the_image():
    from guide_runner.images import image_id

    before = image_id("postgres:15")
    _, message = failure("misspelled-image.md")
    assert "misspelled-image.md:5" in message and "postgress:15" in message
    assert image_id("postgres:15") == before  # put back: absent= is undone


def test_the_readers_steps_in_the_browser_run_after_sign_in_and_a_step_that_cannot_be_done_fails_naming_it():
    scenario, message = failure("browser-steps.md")
    assert message.startswith("tests/runner/pages/browser-steps.md:19 [page] outcome not reached: step 4 "
                              "(click: 'Switch to this') failed on http://127.0.0.1:8766/databases/")
    assert "the page promises:\n    You see your databases and switch to another one." in message
    assert statuses(scenario) == {6: "executed", 15: "executed", 19: "failed"}


def test_a_reload_that_signs_the_reader_out_fails_naming_the_reload():
    scenario, message = failure("browser-reload-signed-out.md")
    assert message.startswith("tests/runner/pages/browser-reload-signed-out.md:18 [page] outcome not reached: "
                              "step 1 (reload: 3): after reload 1, http://127.0.0.1:8767/home/")
    assert "signed out" in message


def test_a_hidden_block_in_the_background_runs_beside_the_page_and_ends_with_it(marker):
    scenario = run("hidden-background.md")
    assert statuses(scenario) == {4: "hidden", 14: "verified"}
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
