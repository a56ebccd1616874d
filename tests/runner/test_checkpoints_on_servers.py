"""Checkpoints of test servers (guide_runner/checkpoints.py), for real: a
base page on a Debian test server, committed, proven by a reboot, and a page
that starts from it; a base that only works until a reboot fails loudly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guide_runner import GuideFailure, Scenario, plan_file
from guide_runner.checkpoints import LABEL, Checkpoints, key_of, steps

PAGES = Path(__file__).parent / "pages"
pytestmark = [pytest.mark.docker, pytest.mark.reads_pages()]


def scenario(name: str) -> Scenario:
    (plan,) = plan_file(PAGES / name)
    return Scenario(plan)


def checkpoint_images() -> list[str]:
    run = subprocess.run(["docker", "images", "-q", "--filter", f"label={LABEL}"], capture_output=True, text=True,
                         check=True)
    return run.stdout.split()


@pytest.fixture
def checkpoints():
    before = checkpoint_images()
    made = Checkpoints()
    yield made
    made.remove_all()
    assert checkpoint_images() == before  # nothing of the run's checkpoints is left


def test_a_page_starts_from_the_checkpoint_of_its_base_with_its_files_variables_and_directory(checkpoints):
    base, dependent = scenario("checkpoint-base.md"), scenario("checkpoint-dependent.md")
    checkpoints.wanted = Checkpoints.for_plans([base.plan, dependent.plan]).wanted
    assert checkpoints.wants(base.plan) and not checkpoints.wants(dependent.plan)
    base.run(checkpoints)
    (made,) = checkpoints.made
    assert base.from_checkpoint == "" and made.base == base.name  # the base ran in full
    assert made.image.split(":")[0] == "guide-runner-checkpoint" and made.archive.is_file()
    dependent.run(checkpoints)
    assert dependent.from_checkpoint == base.name
    # Only its own block ran (and passed): the base's are the base scenario's to report.
    assert {key: o.status for key, o in dependent.outcomes.items()} == {(str(dependent.page), 5): "verified"}
    assert not made.scratch.exists()  # put back for the dependent, gone with it


def test_a_base_that_works_only_until_a_reboot_fails_naming_it_and_leaves_no_checkpoint(checkpoints):
    base, dependent = scenario("checkpoint-until-reboot.md"), scenario("checkpoint-after-reboot.md")
    checkpoints.wanted = Checkpoints.for_plans([base.plan, dependent.plan]).wanted
    checkpoints.reboot_seconds = 4  # its site never comes back: no need to wait the minute a real base gets
    with pytest.raises(GuideFailure) as failure:
        base.run(checkpoints)
    message = str(failure.value)
    assert message.startswith(f"{base.name} works only until its server reboots: booted again from its end "
                              f"state, the outcome check of {base.page}:30 fails.")
    assert "systemctl enable" in message and "failed units on the machine" in message
    assert checkpoints.made == []  # discarded: its image is gone too (the fixture checks)
    # Its dependent replays it instead (and the base's reboot check is the base's own, not the dependent's).
    dependent.run(checkpoints)
    assert dependent.from_checkpoint == ""


def test_a_base_that_checks_no_outcome_is_not_checkpointed_and_says_why(checkpoints):
    base = scenario("machine.md")
    checkpoints.wanted = {key_of(base.plan.machine, steps(base.plan))}  # as if a page started from it
    base.run(checkpoints)
    assert checkpoints.made == []
    assert base.checkpoint_note == ("not checkpointed: it checks no outcome to prove a reboot; "
                                    "the pages that start from it replay it")
