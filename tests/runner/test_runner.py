"""The guide runner's own tests, on small pages written for them (pages/)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.harness.page import read_page
from tests.harness.scenario import GuideFailure, Scenario

PAGES = Path(__file__).parent / "pages"


def scenarios(name: str) -> list[Scenario]:
    page = read_page(PAGES / name)
    return [Scenario(page.path, variant, page.blocks_for(variant)) for variant in page.variants()]


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
    return {line: outcome.status for line, outcome in scenario.outcomes.items()}


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
    assert "not run after this failure: lines 9" in message
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


def test_a_hung_block_is_killed_after_its_timeout():
    _, message = failure("slow.md")
    assert "exit status: killed after its timeout of 2 s" in message


def test_skips_need_a_reason_and_expected_exits_pass():
    scenario = run("skips.md")
    outcomes = scenario.outcomes
    assert (outcomes[4].status, outcomes[4].detail) == ("skipped", "needs a machine with a GPU")
    assert outcomes[9].status == "executed"
    assert outcomes[13].status == "not collected"
    _, message = failure("skip-without-reason.md")
    assert "a skipped block must say why" in message


def test_config_blocks_are_written_and_checked():
    scenario = run("configs.md")
    assert scenario.outcomes[3].detail == "written to compose.yml, checked by docker compose config"
    assert scenario.outcomes[10].status == "parsed"
    assert scenario.outcomes[14].status == "verified"
    _, message = failure("bad-yaml.md")
    assert "tests/runner/pages/bad-yaml.md:3 [page] yaml block is not valid" in message


def test_a_converging_block_is_retried_until_it_matches():
    scenario = run("converge.md")
    assert scenario.outcomes[8].status == "verified"


def test_a_page_that_leaks_a_container_fails_naming_it_and_is_cleaned():
    _, message = failure("leak.md")
    assert "the page left behind (now removed): container rbdocs-tests-runner-pages-leak-leaked" in message
    left = subprocess.run(["docker", "ps", "-aq", "--filter", "name=rbdocs-tests-runner-pages-leak"],
                          capture_output=True, text=True, check=True)
    assert left.stdout == ""
